"""dlbook.torch.nn.Flatten against torch.nn.Flatten on every device present."""

from __future__ import annotations

import pytest
import torch

from dlbook.torch.nn import Flatten


@pytest.mark.parametrize(("start", "end"), [(1, -1), (0, -1), (1, 2), (-2, -1)])
def test_flatten_matches_torch(start, end, device):
    x = torch.randn(2, 3, 4, 5, device=device, requires_grad=True)
    assert torch.equal(Flatten(start, end)(x), torch.nn.Flatten(start, end)(x))
    assert repr(Flatten(start, end)) == repr(torch.nn.Flatten(start, end))
    Flatten(start, end)(x).sum().backward()
    assert torch.equal(x.grad, torch.ones_like(x))
    with pytest.raises(TypeError, match="Flatten: expected start_dim to be an int"):
        Flatten("1")
