"""dlbook.torch.nn l1_penalty and l2_penalty against autograd and SGD's weight_decay."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlbook.torch.nn import Linear, l1_penalty, l2_penalty
from tests.torch.nn.parity import assert_close


def _params(device, seed=0):
    generator = torch.Generator(device="cpu").manual_seed(seed)
    shapes = [(3, 4), (5,)]
    return [torch.nn.Parameter(torch.randn(s, generator=generator, dtype=torch.float64)
                               .to(device)) for s in shapes]


def test_values_and_gradients_match_autograd(device):
    ours = _params(device, 1)
    theirs = [p.detach().clone().requires_grad_() for p in ours]
    total = 0.1 * sum(t.abs().sum() for t in theirs) + 0.5 * 0.2 * sum(
        (t**2).sum() for t in theirs)
    total.backward()
    value = l1_penalty(ours, 0.1) + l2_penalty(ours, 0.2)
    assert isinstance(value, float)
    assert value == pytest.approx(total.item(), rel=1e-12)
    for param, tensor in zip(ours, theirs, strict=True):
        assert param.grad.device == param.device
        assert_close(param.grad, tensor.grad, "grad")


def test_gradient_accumulates_and_is_not_recorded(device):
    param = torch.nn.Parameter(torch.tensor([1.0, -2.0, 0.0], dtype=torch.float64,
                                            device=device))
    param.grad = torch.ones_like(param)
    l1_penalty(param, 0.5)  # one tensor is accepted too
    assert_close(param.grad, torch.tensor([1.5, 0.5, 1.0], dtype=torch.float64, device=device),
                 "grad")
    assert param.grad.grad_fn is None and not param.grad.requires_grad
    assert l2_penalty([param], 0.0) == 0.0


def test_l2_penalty_is_sgd_weight_decay(device):
    torch.manual_seed(0)
    ours = Linear(4, 3, device=device, dtype=torch.float64)
    theirs = Linear(4, 3, device=device, dtype=torch.float64)
    theirs.load_state_dict(ours.state_dict())
    sgd_ours = torch.optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
    sgd_theirs = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9, weight_decay=0.3)
    x = torch.randn(6, 4, dtype=torch.float64, device=device)
    for _ in range(5):
        for model, optimizer in ((ours, sgd_ours), (theirs, sgd_theirs)):
            optimizer.zero_grad()
            model(x).pow(2).mean().backward()
            if model is ours:
                l2_penalty(model.parameters(), 0.3)
            optimizer.step()
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        assert_close(p, q, name)


def test_bad_input():
    with pytest.raises(ValueError, match=r"^l2_penalty: expected weight >= 0.0, got -1.0$"):
        l2_penalty(_params("cpu"), -1.0)
    with pytest.raises(TypeError, match="^l1_penalty: expected an iterable of floating-point "
                                        "tensors \\(parameters\\), got an element of type "
                                        "numpy.ndarray$"):
        l1_penalty([np.zeros(3)], 0.1)
    with pytest.raises(TypeError, match="^l2_penalty: expected an iterable of floating-point "
                                        "tensors \\(parameters\\), got a torch.int64 tensor$"):
        l2_penalty([torch.zeros(3, dtype=torch.int64)], 0.1)
