"""l1_penalty and l2_penalty: values, gradients (vs finite differences and torch), errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlbook.np.nn import Linear, Parameter, l1_penalty, l2_penalty
from dlbook.testing import assert_close, numerical_gradient, relative_error


def _params(seed=0):
    rng = np.random.default_rng(seed)
    return [Parameter(rng.standard_normal((3, 4))), Parameter(rng.standard_normal(5))]


@pytest.mark.parametrize("penalty", [l1_penalty, l2_penalty])
def test_gradient_matches_finite_differences(penalty):
    params = _params()
    penalty(params, 0.3)
    for param in params:
        def value(data):
            return penalty([Parameter(data)], 0.3)  # a fresh Parameter: only the value counts

        numeric = numerical_gradient(value, param.data.copy())
        assert relative_error(param.grad, numeric) < 1e-7


def test_values_and_gradients_match_torch():
    params = _params(1)
    theirs = [torch.tensor(p.data, requires_grad=True) for p in params]
    total = 0.1 * sum(t.abs().sum() for t in theirs) + 0.5 * 0.2 * sum(
        (t**2).sum() for t in theirs)
    total.backward()
    ours = l1_penalty(params, 0.1) + l2_penalty(params, 0.2)
    assert ours == pytest.approx(total.item(), rel=1e-12)
    for param, tensor in zip(params, theirs, strict=True):
        assert_close(param.grad, tensor.grad)


def test_accumulates_and_l2_equals_weight_decay():
    layer = Linear(3, 2, dtype=np.float64, rng=0)
    layer.weight.grad += 1.0
    l2_penalty([layer.weight], 0.5)
    assert_close(layer.weight.grad, 1.0 + 0.5 * layer.weight.data)
    assert l1_penalty(layer.parameters(), 0.0) == 0.0


def test_bad_input():
    with pytest.raises(ValueError, match="l2_penalty: expected weight"):
        l2_penalty(_params(), -1.0)
    with pytest.raises(TypeError, match="l1_penalty: expected an iterable of "
                                        "dlbook.np.nn.Parameter, got an element of type "
                                        "numpy.ndarray"):
        l1_penalty([np.zeros(3)], 0.1)
