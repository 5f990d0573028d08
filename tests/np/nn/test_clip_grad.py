"""clip_grad_norm_ and clip_grad_value_ against torch.nn.utils."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.np.nn import Linear, Parameter
from dlbook.np.nn.utils import clip_grad_norm_, clip_grad_value_
from dlbook.testing import assert_close


def _pair(seed: int, scale: float):
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (4,), (2, 2, 2)]
    grads = [rng.standard_normal(s) * scale for s in shapes]
    ours = [Parameter(np.zeros(s)) for s in shapes]
    theirs = [torch.zeros(s, dtype=torch.float64, requires_grad=True) for s in shapes]
    for p, q, g in zip(ours, theirs, grads, strict=True):
        p.grad[...] = g
        q.grad = torch.tensor(g)
    return ours, theirs


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**16), scale=st.sampled_from([0.01, 1.0, 10.0]),
       max_norm=st.sampled_from([0.5, 1.0, 100.0]),
       norm_type=st.sampled_from([1.0, 2.0, 3.0, float("inf")]))
def test_clip_grad_norm_matches_torch(seed, scale, max_norm, norm_type):
    ours, theirs = _pair(seed, scale)
    total = clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    total_torch = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert isinstance(total, float)
    assert_close(np.array(total), total_torch, name="total norm")
    for p, q in zip(ours, theirs, strict=True):
        assert_close(p.grad, q.grad, name="clipped gradient")


def test_clip_grad_value_matches_torch():
    ours, theirs = _pair(0, 3.0)
    assert clip_grad_value_(ours, 1.5) is None
    torch.nn.utils.clip_grad_value_(theirs, 1.5)
    for p, q in zip(ours, theirs, strict=True):
        assert_close(p.grad, q.grad)


def test_module_parameters_single_parameter_and_empty():
    layer = Linear(3, 2, rng=0)
    layer.weight.grad[...] = 3.0
    total = clip_grad_norm_(layer.parameters(), 1.0)
    assert abs(total - np.sqrt(6 * 9.0)) < 1e-5
    assert abs(np.sqrt((layer.weight.grad**2).sum()) - 1.0) < 1e-5
    single = Parameter(np.zeros(2))
    single.grad[...] = [3.0, 4.0]
    assert clip_grad_norm_(single, 10.0) == 5.0 and single.grad.tolist() == [3.0, 4.0]
    assert clip_grad_norm_([], 1.0) == 0.0


def test_errors():
    bad = Parameter(np.zeros(2))
    bad.grad[...] = [np.inf, 1.0]
    with pytest.raises(RuntimeError, match="clip_grad_norm_: the total norm of order 2.0"):
        clip_grad_norm_([bad], 1.0, error_if_nonfinite=True)
    with pytest.raises(ValueError, match="clip_grad_norm_: expected max_norm >= 0.0, got -1.0"):
        clip_grad_norm_([Parameter(np.zeros(2))], -1.0)
    with pytest.raises(ValueError, match="clip_grad_norm_: expected norm_type > 0"):
        clip_grad_norm_([Parameter(np.zeros(2))], 1.0, norm_type=0)
    with pytest.raises(TypeError, match="clip_grad_value_: expected each parameter to be "
                                        "dlbook.np.nn.Parameter, got numpy.ndarray"):
        clip_grad_value_([np.zeros(2)], 1.0)


def test_clip_grad_norm_with_infinite_max_norm_only_measures():
    grad = np.array([3.0, 4.0])
    param = Parameter(np.zeros(2))
    param.grad[...] = grad
    total = clip_grad_norm_([param], max_norm=float("inf"))
    theirs = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
    theirs.grad = torch.tensor(grad)
    assert total == pytest.approx(float(torch.nn.utils.clip_grad_norm_([theirs], float("inf"))))
    np.testing.assert_array_equal(param.grad, grad)
