"""Conv2d: parity with torch.nn.Conv2d, gradient checks, initialisation, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.np import manual_seed
from dlbook.np.nn import Conv2d
from dlbook.np.nn import functional as F
from dlbook.testing import assert_close, gradcheck_function, gradcheck_module, torch_state_to_numpy
from tests.np.nn.cnn_strategies import geometry, hyperparameters, maybe_int

SETTINGS = settings(max_examples=25, deadline=None)


@SETTINGS
@given(g=geometry(), out_channels=st.integers(1, 4), bias=st.booleans(),
       seed=st.integers(0, 2**16))
def test_matches_torch(g, out_channels, bias, seed):
    hyper = {name: maybe_int(g[name]) for name in ("kernel_size", "stride", "padding", "dilation")}
    torch.manual_seed(seed)
    theirs = torch.nn.Conv2d(g["channels"], out_channels, bias=bias, dtype=torch.float64,
                             **hyper)
    if bias:
        with torch.no_grad():  # biases well away from zero, so a missing bias cannot pass
            theirs.bias.uniform_(0.5, 1.5)
    ours = Conv2d(g["channels"], out_channels, bias=bias, dtype=np.float64, rng=seed, **hyper)
    ours.load_state_dict(torch_state_to_numpy(theirs.state_dict()))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((g["batch"], g["channels"], *g["size"]))
    x_torch = torch.tensor(x, requires_grad=True)
    out_torch = theirs(x_torch)
    grad_output = rng.standard_normal(tuple(out_torch.shape))
    out_torch.backward(torch.tensor(grad_output))

    out = ours(x)
    grad_x = ours.backward(grad_output)
    assert_close(out, out_torch, name="output")
    assert_close(grad_x, x_torch.grad, name="grad input")
    assert_close(ours.weight.grad, theirs.weight.grad, name="grad weight")
    if bias:
        assert_close(ours.bias.grad, theirs.bias.grad, name="grad bias")
    assert repr(ours) == repr(theirs)


@settings(max_examples=15, deadline=None)
@given(g=geometry(max_kernel=3), out_channels=st.integers(1, 3), bias=st.booleans(),
       seed=st.integers(0, 2**16))
def test_gradcheck(g, out_channels, bias, seed):
    layer = Conv2d(g["channels"], out_channels, g["kernel_size"], g["stride"], g["padding"],
                   g["dilation"], bias, dtype=np.float64, rng=seed)
    x = np.random.default_rng(seed).standard_normal((g["batch"], g["channels"], *g["size"]))
    errors = gradcheck_module(layer, x, rng=seed)
    assert set(errors) == {"input", "weight"} | ({"bias"} if bias else set())
    assert max(errors.values()) <= 1e-7, errors


def test_initialisation_follows_torch():
    layer = Conv2d(16, 300, (5, 3), rng=0)
    bound = 1 / np.sqrt(16 * 5 * 3)  # 1 / sqrt(fan_in)
    assert layer.weight.dtype == np.float32 and layer.weight.shape == (300, 16, 5, 3)
    assert layer.bias.shape == (300,)
    assert np.abs(layer.weight.data).max() <= bound
    assert np.abs(layer.bias.data).max() <= bound
    # U(-b, b) has variance b^2 / 3; 72,000 draws pin it to well under 3%.
    assert abs(layer.weight.data.var() / (bound**2 / 3) - 1) < 0.03
    theirs = torch.nn.Conv2d(16, 300, (5, 3))
    assert abs(theirs.weight.detach().numpy().var() / layer.weight.data.var() - 1) < 0.05


def test_rng_seed_and_global_generator_are_reproducible():
    assert_close(Conv2d(2, 3, 3, rng=5).weight.data, Conv2d(2, 3, 3, rng=5).weight.data)
    manual_seed(7)
    first = Conv2d(2, 3, 3).weight.data
    manual_seed(7)
    assert_close(Conv2d(2, 3, 3).weight.data, first)


def test_gradients_accumulate_and_dtype_follows():
    layer = Conv2d(2, 3, 3, padding=1, rng=0)
    x = np.ones((2, 2, 5, 4), dtype=np.float32)
    out = layer(x)
    assert out.dtype == np.float32 and out.shape == (2, 3, 5, 4)
    grad_x = layer.backward(np.ones_like(out))
    assert grad_x.dtype == np.float32 and grad_x.shape == x.shape
    once = layer.weight.grad.copy()
    layer(x)
    layer.backward(np.ones_like(out))
    assert_close(layer.weight.grad, 2 * once, rtol=1e-6)


def test_without_bias_and_state_dict_into_torch():
    ours = Conv2d(2, 3, (3, 2), stride=2, bias=False, dtype=np.float64, rng=0)
    assert ours.bias is None and list(ours.state_dict()) == ["weight"]
    theirs = torch.nn.Conv2d(2, 3, (3, 2), stride=2, bias=False, dtype=torch.float64)
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((2, 2, 7, 6))
    assert_close(ours(x), theirs(torch.from_numpy(x)))


def test_bad_input():
    layer = Conv2d(3, 4, 3, rng=0)
    with pytest.raises(ValueError, match=r"Conv2d: expected input of shape \(N, 3, H, W\) "
                                         r"\(C = in_channels\), got \(8, 4, 32, 32\)"):
        layer(np.zeros((8, 4, 32, 32)))
    with pytest.raises(ValueError, match=r"Conv2d: expected input of shape \(N, 3, H, W\)"):
        layer(np.zeros((3, 32, 32)))
    with pytest.raises(TypeError, match="Conv2d: expected input to be a numpy.ndarray, got list"):
        layer([[[[0.0]]]])
    with pytest.raises(TypeError, match="Conv2d: expected input with a floating-point dtype"):
        layer(np.zeros((1, 3, 5, 5), dtype=np.int64))
    with pytest.raises(ValueError, match=r"Conv2d: kernel of effective size \(3, 3\) .* larger "
                                         r"than the padded input \(2, 5\)"):
        layer(np.zeros((1, 3, 2, 5)))
    with pytest.raises(ValueError, match=r"Conv2d: kernel of effective size \(5, 5\)"):
        Conv2d(3, 4, 3, dilation=2, padding=1, rng=0)(np.zeros((1, 3, 2, 2)))
    with pytest.raises(RuntimeError, match="Conv2d: backward called before forward"):
        layer.backward(np.zeros((1, 4, 3, 3)))
    layer(np.zeros((2, 3, 5, 5)))
    with pytest.raises(ValueError, match=r"Conv2d.backward: expected grad_output of shape "
                                         r"\(2, 4, 3, 3\) \(the shape of the forward output\), "
                                         r"got \(2, 4, 5, 5\)"):
        layer.backward(np.zeros((2, 4, 5, 5)))


def test_bad_arguments():
    with pytest.raises(ValueError, match="Conv2d: expected in_channels >= 1, got 0"):
        Conv2d(0, 2, 3)
    with pytest.raises(TypeError, match=r"Conv2d: expected kernel_size to be an int or a pair "
                                        r"of ints, got 2.5"):
        Conv2d(1, 2, 2.5)
    with pytest.raises(TypeError, match=r"Conv2d: expected stride to be an int or a pair"):
        Conv2d(1, 2, 3, stride=(1, 2, 3))
    with pytest.raises(ValueError, match=r"Conv2d: expected stride >= 1, got 0"):
        Conv2d(1, 2, 3, stride=0)
    with pytest.raises(ValueError, match=r"Conv2d: expected padding >= 0, got \(1, -1\)"):
        Conv2d(1, 2, 3, padding=(1, -1))
    with pytest.raises(ValueError, match=r"Conv2d: expected dilation >= 1, got 0"):
        Conv2d(1, 2, 3, dilation=0)
    with pytest.raises(TypeError, match="Conv2d: expected bias to be bool, got int"):
        Conv2d(1, 2, 3, 1, 0, 1, 1)
    with pytest.raises(TypeError, match="Conv2d: expected a floating-point dtype, got int32"):
        Conv2d(1, 2, 3, dtype=np.int32)


# The functional core, F.conv2d_forward / F.conv2d_backward and F.conv2d_output_size.

@settings(max_examples=20, deadline=None)
@given(g=geometry(), out_channels=st.integers(1, 4), bias=st.booleans(),
       seed=st.integers(0, 2**16))
def test_functional_matches_torch(g, out_channels, bias, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((g["batch"], g["channels"], *g["size"]))
    weight = rng.standard_normal((out_channels, g["channels"], *g["kernel_size"]))
    b = rng.uniform(0.5, 1.5, size=out_channels) if bias else None
    hyper = hyperparameters(g, "stride", "padding", "dilation")
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
def test_functional_gradcheck(g, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((g["batch"], g["channels"], *g["size"]))
    weight = rng.standard_normal((2, g["channels"], *g["kernel_size"]))
    errors = gradcheck_function(F.conv2d_forward, F.conv2d_backward, x, weight,
                                rng.standard_normal(2), rng=seed,
                                **hyperparameters(g, "stride", "padding", "dilation"))
    assert max(errors) <= 1e-7, errors


def test_functional_output_size():
    assert F.conv2d_output_size(28, 3) == 26
    assert F.conv2d_output_size(28, 3, padding=1) == 28
    assert F.conv2d_output_size(28, 2, stride=2) == 14
    assert F.conv2d_output_size(7, 3, stride=2, padding=1, dilation=2) == 3
    assert F.conv2d_output_size((9, 6), (3, 2)) == (7, 5)
    with pytest.raises(ValueError, match=r"conv2d_output_size: kernel of effective size "
                                         r"\(5, 5\) .* larger than the padded input \(4, 4\)"):
        F.conv2d_output_size(4, 3, dilation=2)


@pytest.mark.parametrize(("x_shape", "weight_shape", "kwargs", "message"), [
    ((8, 4, 32, 32), (6, 3, 3, 3), {},
     r"conv2d_forward: expected x of shape \(N, 3, H, W\) \(C = weight.shape\[1\]\), "
     r"got \(8, 4, 32, 32\)"),
    ((8, 4, 32, 32), (6, 4, 3), {}, r"conv2d_forward: expected weight with 4 dimensions"),
    ((1, 3, 5, 5), (6, 3, 3, 3), {"bias": np.zeros(5)},
     r"conv2d_forward: expected bias of shape \(6,\)"),
    ((1, 3, 5, 5), (6, 3, 3, 3), {"stride": 0}, r"conv2d_forward: expected stride >= 1, got 0"),
])
def test_functional_bad_input(x_shape, weight_shape, kwargs, message):
    with pytest.raises(ValueError, match=message):
        F.conv2d_forward(np.zeros(x_shape), np.zeros(weight_shape), **kwargs)
