"""The functional core of Part II: conv2d, pooling and dropout against torch.nn.functional."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dlbook.np.nn import functional as F
from dlbook.testing import assert_close, gradcheck_function
from tests.np.nn.cnn_strategies import geometry

SETTINGS = settings(max_examples=20, deadline=None)


def _hyper(g: dict, *names: str) -> dict:
    return {name: g[name] for name in names}


@SETTINGS
@given(g=geometry(), out_channels=st.integers(1, 4), bias=st.booleans(),
       seed=st.integers(0, 2**16))
def test_conv2d_matches_torch(g, out_channels, bias, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((g["batch"], g["channels"], *g["size"]))
    weight = rng.standard_normal((out_channels, g["channels"], *g["kernel_size"]))
    b = rng.uniform(0.5, 1.5, size=out_channels) if bias else None
    hyper = _hyper(g, "stride", "padding", "dilation")
    tensors = [torch.tensor(a, requires_grad=True) for a in (x, weight)]
    bias_t = torch.tensor(b, requires_grad=True) if bias else None
    out_t = TF.conv2d(*tensors, bias_t, **hyper)
    grad_output = rng.standard_normal(tuple(out_t.shape))
    out_t.backward(torch.tensor(grad_output))

    out, cache = F.conv2d_forward(x, weight, b, **hyper)
    grad_x, grad_weight, grad_bias = F.conv2d_backward(grad_output, cache)
    assert_close(out, out_t, name="out")
    assert_close(F.conv2d(x, weight, b, **hyper), out_t, name="conv2d")
    assert_close(grad_x, tensors[0].grad, name="grad x")
    assert_close(grad_weight, tensors[1].grad, name="grad weight")
    assert (grad_bias is None) == (not bias)
    if bias:
        assert_close(grad_bias, bias_t.grad, name="grad bias")
    expected = F.conv2d_output_size(g["size"], g["kernel_size"], **hyper)
    assert out.shape[2:] == expected == tuple(out_t.shape[2:])


@settings(max_examples=10, deadline=None)
@given(g=geometry(max_kernel=3), seed=st.integers(0, 2**16))
def test_conv2d_gradcheck(g, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((g["batch"], g["channels"], *g["size"]))
    weight = rng.standard_normal((2, g["channels"], *g["kernel_size"]))
    errors = gradcheck_function(F.conv2d_forward, F.conv2d_backward, x, weight,
                                rng.standard_normal(2), seed=seed,
                                **_hyper(g, "stride", "padding", "dilation"))
    assert max(errors) <= 1e-7, errors


@SETTINGS
@given(g=geometry(pool=True), seed=st.integers(0, 2**16))
def test_max_pool2d_matches_torch(g, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((g["batch"], g["channels"], *g["size"]))
    hyper = _hyper(g, "kernel_size", "stride", "padding", "dilation")
    x_t = torch.tensor(x, requires_grad=True)
    out_t = TF.max_pool2d(x_t, **hyper)
    grad_output = rng.standard_normal(tuple(out_t.shape))
    out_t.backward(torch.tensor(grad_output))
    out, cache = F.max_pool2d_forward(x, **hyper)
    assert_close(out, out_t, name="out")
    assert_close(F.max_pool2d(x, **hyper), out_t, name="max_pool2d")
    assume(np.isfinite(out).all())  # a window of padding only: no defined gradient
    assert_close(F.max_pool2d_backward(grad_output, cache), x_t.grad, name="grad x")


@SETTINGS
@given(g=geometry(max_dilation=1, pool=True), count_include_pad=st.booleans(),
       seed=st.integers(0, 2**16))
def test_avg_pool2d_matches_torch(g, count_include_pad, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((g["batch"], g["channels"], *g["size"]))
    hyper = {**_hyper(g, "kernel_size", "stride", "padding"),
             "count_include_pad": count_include_pad}
    x_t = torch.tensor(x, requires_grad=True)
    out_t = TF.avg_pool2d(x_t, **hyper)
    grad_output = rng.standard_normal(tuple(out_t.shape))
    out_t.backward(torch.tensor(grad_output))
    out, cache = F.avg_pool2d_forward(x, **hyper)
    assert_close(out, out_t, name="out")
    assert_close(F.avg_pool2d(x, **hyper), out_t, name="avg_pool2d")
    assert_close(F.avg_pool2d_backward(grad_output, cache), x_t.grad, name="grad x")


@settings(max_examples=10, deadline=None)
@given(g=geometry(max_kernel=3, pool=True), seed=st.integers(0, 2**16))
def test_pooling_gradcheck(g, seed):
    # Tie-free data: standard normal draws differ by far more than the step of 1e-6.
    x = np.random.default_rng(seed).standard_normal((g["batch"], g["channels"], *g["size"]))
    hyper = _hyper(g, "kernel_size", "stride", "padding", "dilation")
    # A dilated window can hold only padding: its maximum is -inf, finite differences are NaN.
    assume(np.isfinite(F.max_pool2d(x, **hyper)).all())
    errors = gradcheck_function(F.max_pool2d_forward, F.max_pool2d_backward, x, seed=seed,
                                **hyper)
    assert max(errors) <= 1e-7, errors
    errors = gradcheck_function(F.avg_pool2d_forward, F.avg_pool2d_backward, x, seed=seed,
                                **_hyper(g, "kernel_size", "stride", "padding"))
    assert max(errors) <= 1e-7, errors


def test_max_pool2d_ties_follow_torch():
    # All-equal windows that overlap: torch gives each window's gradient to its first element.
    x = np.zeros((1, 2, 5, 4))
    x[0, 1, 1:3, 1:3] = 1.0
    x_t = torch.tensor(x, requires_grad=True)
    out_t = TF.max_pool2d(x_t, 3, 1, padding=1)
    out_t.backward(torch.ones_like(out_t))
    out, cache = F.max_pool2d_forward(x, 3, 1, 1)
    assert_close(out, out_t)
    assert_close(F.max_pool2d_backward(np.ones(out.shape), cache), x_t.grad, name="tie grads")


def test_conv2d_output_size():
    assert F.conv2d_output_size(28, 3) == 26
    assert F.conv2d_output_size(28, 3, padding=1) == 28
    assert F.conv2d_output_size(28, 2, stride=2) == 14
    assert F.conv2d_output_size(7, 3, stride=2, padding=1, dilation=2) == 3
    assert F.conv2d_output_size((9, 6), (3, 2)) == (7, 5)
    with pytest.raises(ValueError, match=r"conv2d_output_size: kernel of effective size "
                                         r"\(5, 5\) .* larger than the padded input \(4, 4\)"):
        F.conv2d_output_size(4, 3, dilation=2)


def test_dropout_functional():
    x = np.ones((400, 500))
    out, mask = F.dropout_forward(x, p=0.3, rng=0)
    assert set(np.unique(out)) == {0.0, 1 / 0.7}
    assert abs((out == 0).mean() - 0.3) < 0.01
    grad = F.dropout_backward(np.full(x.shape, 2.0), mask)
    assert_close(grad, 2 * out)
    out_eval, cache = F.dropout_forward(x, p=0.3, training=False)
    assert out_eval is x and cache is None
    assert F.dropout_backward(x, cache) is x
    assert not F.dropout(x, p=1.0, rng=0).any()
    assert_close(F.dropout(x, p=0.4, rng=3), F.dropout(x, p=0.4, rng=3))


def test_bad_input():
    x, weight = np.zeros((8, 4, 32, 32)), np.zeros((6, 3, 3, 3))
    with pytest.raises(ValueError, match=r"conv2d_forward: expected x of shape \(N, 3, H, W\) "
                                         r"\(C = weight.shape\[1\]\), got \(8, 4, 32, 32\)"):
        F.conv2d_forward(x, weight)
    with pytest.raises(ValueError, match=r"conv2d_forward: expected weight with 4 dimensions"):
        F.conv2d_forward(x, np.zeros((6, 4, 3)))
    with pytest.raises(ValueError, match=r"conv2d_forward: expected bias of shape \(6,\)"):
        F.conv2d_forward(np.zeros((1, 3, 5, 5)), weight, np.zeros(5))
    with pytest.raises(ValueError, match=r"conv2d_forward: expected stride >= 1, got 0"):
        F.conv2d_forward(np.zeros((1, 3, 5, 5)), weight, stride=0)
    with pytest.raises(ValueError, match=r"max_pool2d_forward: expected padding at most half "
                                         r"of the kernel size \(3, 3\), got padding \(2, 2\)"):
        F.max_pool2d_forward(np.zeros((1, 1, 6, 6)), 3, padding=2)
    with pytest.raises(ValueError, match=r"avg_pool2d_forward: expected x of shape "
                                         r"\(N, C, H, W\), got \(6, 6\)"):
        F.avg_pool2d_forward(np.zeros((6, 6)), 2)
    with pytest.raises(ValueError, match=r"max_pool2d_forward: kernel of effective size \(3, 3\)"):
        F.max_pool2d_forward(np.zeros((1, 1, 2, 6)), 3)
    with pytest.raises(ValueError, match=r"dropout_forward: expected p <= 1.0, got 1.5"):
        F.dropout_forward(np.zeros(3), p=1.5)
    with pytest.raises(TypeError, match=r"dropout_forward: expected x with a floating-point"):
        F.dropout_forward(np.zeros(3, dtype=np.int64))
