"""dlbook.torch.nn.Dropout against torch.nn.Dropout on every device present."""

from __future__ import annotations

import pytest
import torch

from dlbook.torch.nn import Dropout


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_statistics_and_backward(p, device):
    torch.manual_seed(0)
    x = torch.full((200, 500), 3.0, dtype=torch.float64, device=device, requires_grad=True)
    drop = Dropout(p)
    out = drop(x)
    assert out.device == x.device
    zeroed = (out == 0).double().mean().item()
    assert abs(zeroed - p) < 0.01, zeroed  # 100,000 draws: standard error below 0.0016
    assert abs(out.mean().item() / 3.0 - 1) < 0.05
    upstream = torch.randn_like(out)
    out.backward(upstream)
    kept = out != 0
    torch.testing.assert_close(x.grad[kept], upstream[kept] / (1 - p))
    assert not x.grad[~kept].any()


def test_dropout_is_bit_equal_to_torch_on_the_cpu():
    x = torch.randn(50, 40, dtype=torch.float64)
    for p in (0.2, 0.5, 0.9):
        torch.manual_seed(3)
        ours = Dropout(p)(x)
        torch.manual_seed(3)
        assert torch.equal(ours, torch.nn.functional.dropout(x, p)), p


def test_dropout_eval_and_extremes(device):
    x = torch.randn(4, 5, device=device)
    drop = Dropout(0.5).eval()
    assert drop(x) is x
    assert Dropout(0.0)(x) is x
    assert not Dropout(1.0)(x).any()
    assert repr(Dropout(0.3)) == repr(torch.nn.Dropout(0.3))
    with pytest.raises(ValueError, match=r"Dropout: expected p <= 1.0, got 2.0"):
        Dropout(2.0)
    with pytest.raises(TypeError, match="Dropout: expected input to be a torch.Tensor"):
        Dropout(0.5)([1.0])


def test_integer_input_is_refused_in_training_as_torch_does():
    ints = torch.ones(3, dtype=torch.int64)
    with pytest.raises(RuntimeError):
        torch.nn.Dropout(0.5)(ints)  # torch: the scaled result cannot be an integer
    with pytest.raises(TypeError, match=r"^Dropout: expected input with a floating-point dtype in "
                                        r"training mode, got torch.int64$"):
        Dropout(0.5)(ints)
    assert torch.equal(Dropout(0.5).eval()(ints), torch.nn.Dropout(0.5).eval()(ints))
