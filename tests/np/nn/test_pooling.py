"""MaxPool2d and AvgPool2d: parity with torch, gradient checks, ties, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dlbook.np.nn import AvgPool2d, MaxPool2d
from dlbook.np.nn import functional as F
from dlbook.testing import assert_close, gradcheck_function, gradcheck_module
from tests.np.nn.cnn_strategies import geometry, hyperparameters, maybe_int

SETTINGS = settings(max_examples=25, deadline=None)


def _check_against(ours, theirs, x: np.ndarray, seed: int) -> None:
    x_torch = torch.tensor(x, requires_grad=True)
    out_torch = theirs(x_torch)
    grad_output = np.random.default_rng(seed + 1).standard_normal(tuple(out_torch.shape))
    out_torch.backward(torch.tensor(grad_output))
    assert_close(ours(x), out_torch, name="output")
    assert_close(ours.backward(grad_output), x_torch.grad, name="grad input")


@SETTINGS
@given(g=geometry(pool=True), default_stride=st.booleans(), seed=st.integers(0, 2**16))
def test_max_pool_matches_torch(g, default_stride, seed):
    hyper = {name: maybe_int(g[name]) for name in ("kernel_size", "stride", "padding", "dilation")}
    if default_stride:
        hyper["stride"] = None  # the kernel size, as in torch
    x = np.random.default_rng(seed).standard_normal((g["batch"], g["channels"], *g["size"]))
    theirs = torch.nn.MaxPool2d(**hyper)
    # A dilated window can hold only padding: its output is -inf and torch sends its gradient
    # to an arbitrary input element, ours to none (see the module docstring).
    assume(torch.isfinite(theirs(torch.tensor(x))).all())
    _check_against(MaxPool2d(**hyper), theirs, x, seed)


@SETTINGS
@given(g=geometry(max_dilation=1, pool=True), count_include_pad=st.booleans(),
       seed=st.integers(0, 2**16))
def test_avg_pool_matches_torch(g, count_include_pad, seed):
    hyper = {name: maybe_int(g[name]) for name in ("kernel_size", "stride", "padding")}
    hyper["count_include_pad"] = count_include_pad
    x = np.random.default_rng(seed).standard_normal((g["batch"], g["channels"], *g["size"]))
    _check_against(AvgPool2d(**hyper), torch.nn.AvgPool2d(**hyper), x, seed)


@settings(max_examples=15, deadline=None)
@given(g=geometry(max_kernel=3, pool=True), seed=st.integers(0, 2**16))
def test_gradcheck(g, seed):
    # Standard normal data has no ties within the finite-difference step (1e-6).
    x = np.random.default_rng(seed).standard_normal((g["batch"], g["channels"], *g["size"]))
    hyper = {name: g[name] for name in ("kernel_size", "stride", "padding")}
    # A dilated window can hold only padding: its maximum is -inf, finite differences are NaN.
    assume(np.isfinite(MaxPool2d(**hyper, dilation=g["dilation"])(x)).all())
    errors = gradcheck_module(MaxPool2d(**hyper, dilation=g["dilation"]), x, rng=seed)
    assert errors["input"] <= 1e-7, errors
    errors = gradcheck_module(AvgPool2d(**hyper, count_include_pad=False), x, rng=seed)
    assert errors["input"] <= 1e-7, errors


def test_ties_send_the_gradient_to_the_first_maximum():
    x = np.ones((1, 1, 4, 4))  # every window is a tie
    pool = MaxPool2d(2)
    assert_close(pool(x), np.ones((1, 1, 2, 2)))
    grad = pool.backward(np.ones((1, 1, 2, 2)))
    expected = np.zeros((4, 4))
    expected[::2, ::2] = 1.0  # the top-left element of each window
    assert_close(grad[0, 0], expected)
    x_torch = torch.tensor(x, requires_grad=True)
    torch.nn.MaxPool2d(2)(x_torch).sum().backward()
    assert_close(grad, x_torch.grad)


def test_overlapping_windows_add_up():
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 5.0  # the maximum of all four 2 x 2 windows
    pool = MaxPool2d(2, stride=1)
    pool(x)
    assert pool.backward(np.ones((1, 1, 2, 2)))[0, 0, 1, 1] == 4.0


def test_repr_and_defaults():
    assert repr(MaxPool2d(2)) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1)"
    assert repr(AvgPool2d((2, 3), 1)) == repr(torch.nn.AvgPool2d((2, 3), 1))
    assert MaxPool2d(3).stride == 3 and not list(MaxPool2d(3).parameters())


def test_float32_stays_float32():
    x = np.random.default_rng(0).standard_normal((2, 3, 6, 6)).astype(np.float32)
    for pool in (MaxPool2d(2), AvgPool2d(2)):
        out = pool(x)
        assert out.dtype == np.float32
        assert pool.backward(np.ones_like(out)).dtype == np.float32


def test_bad_input():
    with pytest.raises(ValueError, match=r"MaxPool2d: expected input of shape \(N, C, H, W\), "
                                         r"got \(3, 8, 8\)"):
        MaxPool2d(2)(np.zeros((3, 8, 8)))
    with pytest.raises(TypeError, match="AvgPool2d: expected input with a floating-point"):
        AvgPool2d(2)(np.zeros((1, 1, 4, 4), dtype=np.int32))
    with pytest.raises(ValueError, match=r"MaxPool2d: kernel of effective size \(3, 3\) "
                                         r".* larger than the padded input \(2, 2\)"):
        MaxPool2d(3)(np.zeros((1, 1, 2, 2)))
    with pytest.raises(ValueError, match=r"AvgPool2d: expected padding at most half of the "
                                         r"kernel size \(2, 2\), got padding \(2, 2\)"):
        AvgPool2d(2, padding=2)(np.zeros((1, 1, 4, 4)))
    with pytest.raises(ValueError, match=r"MaxPool2d: expected stride >= 1, got 0"):
        MaxPool2d(2, stride=0)
    with pytest.raises(TypeError, match=r"AvgPool2d: expected count_include_pad to be bool"):
        AvgPool2d(2, count_include_pad=1)
    with pytest.raises(RuntimeError, match="MaxPool2d: backward called before forward"):
        MaxPool2d(2).backward(np.zeros((1, 1, 2, 2)))
    pool = MaxPool2d(2)
    pool(np.zeros((1, 1, 4, 4)))
    with pytest.raises(ValueError, match=r"MaxPool2d.backward: expected grad_output of shape "
                                         r"\(1, 1, 2, 2\)"):
        pool.backward(np.zeros((1, 1, 4, 4)))


def test_avg_pool_backward_names_the_layer():
    pool = AvgPool2d(2)
    pool(np.zeros((1, 1, 4, 4)))
    with pytest.raises(ValueError, match=r"^AvgPool2d.backward: expected grad_output of shape "
                                         r"\(1, 1, 2, 2\)"):
        pool.backward(np.zeros((1, 1, 4, 4)))


# The functional core: F.max_pool2d_forward / _backward and F.avg_pool2d_forward / _backward.

@settings(max_examples=20, deadline=None)
@given(g=geometry(pool=True), seed=st.integers(0, 2**16))
def test_functional_max_pool2d_matches_torch(g, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((g["batch"], g["channels"], *g["size"]))
    hyper = hyperparameters(g, "kernel_size", "stride", "padding", "dilation")
    x_t = torch.tensor(x, requires_grad=True)
    out_t = TF.max_pool2d(x_t, **hyper)
    grad_output = rng.standard_normal(tuple(out_t.shape))
    out_t.backward(torch.tensor(grad_output))
    out, cache = F.max_pool2d_forward(x, **hyper)
    assert_close(out, out_t, name="out")
    assert_close(F.max_pool2d(x, **hyper), out_t, name="max_pool2d")
    assume(np.isfinite(out).all())  # a window of padding only: no defined gradient
    assert_close(F.max_pool2d_backward(grad_output, cache), x_t.grad, name="grad x")


@settings(max_examples=20, deadline=None)
@given(g=geometry(max_dilation=1, pool=True), count_include_pad=st.booleans(),
       seed=st.integers(0, 2**16))
def test_functional_avg_pool2d_matches_torch(g, count_include_pad, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((g["batch"], g["channels"], *g["size"]))
    hyper = {**hyperparameters(g, "kernel_size", "stride", "padding"),
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
def test_functional_gradcheck(g, seed):
    # Tie-free data: standard normal draws differ by far more than the step of 1e-6.
    x = np.random.default_rng(seed).standard_normal((g["batch"], g["channels"], *g["size"]))
    hyper = hyperparameters(g, "kernel_size", "stride", "padding", "dilation")
    # A dilated window can hold only padding: its maximum is -inf, finite differences are NaN.
    assume(np.isfinite(F.max_pool2d(x, **hyper)).all())
    errors = gradcheck_function(F.max_pool2d_forward, F.max_pool2d_backward, x, rng=seed,
                                **hyper)
    assert max(errors) <= 1e-7, errors
    errors = gradcheck_function(F.avg_pool2d_forward, F.avg_pool2d_backward, x, rng=seed,
                                **hyperparameters(g, "kernel_size", "stride", "padding"))
    assert max(errors) <= 1e-7, errors


def test_functional_max_pool2d_ties_follow_torch():
    # All-equal windows that overlap: torch gives each window's gradient to its first element.
    x = np.zeros((1, 2, 5, 4))
    x[0, 1, 1:3, 1:3] = 1.0
    x_t = torch.tensor(x, requires_grad=True)
    out_t = TF.max_pool2d(x_t, 3, 1, padding=1)
    out_t.backward(torch.ones_like(out_t))
    out, cache = F.max_pool2d_forward(x, 3, 1, 1)
    assert_close(out, out_t)
    assert_close(F.max_pool2d_backward(np.ones(out.shape), cache), x_t.grad, name="tie grads")


@pytest.mark.parametrize(("call", "message"), [
    (lambda: F.max_pool2d_forward(np.zeros((1, 1, 6, 6)), 3, padding=2),
     r"max_pool2d_forward: expected padding at most half of the kernel size \(3, 3\), "
     r"got padding \(2, 2\)"),
    (lambda: F.avg_pool2d_forward(np.zeros((6, 6)), 2),
     r"avg_pool2d_forward: expected x of shape \(N, C, H, W\), got \(6, 6\)"),
    (lambda: F.max_pool2d_forward(np.zeros((1, 1, 2, 6)), 3),
     r"max_pool2d_forward: kernel of effective size \(3, 3\)"),
])
def test_functional_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
