"""Linear: parity with torch.nn.Linear, gradient checks, initialisation, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.np import manual_seed
from dlbook.np.nn import Linear
from dlbook.np.nn import functional as F
from dlbook.testing import assert_close, gradcheck_function, gradcheck_module, torch_state_to_numpy

sizes = st.integers(min_value=1, max_value=9)
SETTINGS = settings(max_examples=25, deadline=None)


def torch_linear(in_features: int, out_features: int, bias: bool, seed: int) -> torch.nn.Linear:
    torch.manual_seed(seed)
    layer = torch.nn.Linear(in_features, out_features, bias=bias, dtype=torch.float64)
    if bias:
        with torch.no_grad():  # biases well away from zero, so a missing bias cannot pass
            layer.bias.uniform_(0.5, 1.5)
    return layer


@SETTINGS
@given(batch=sizes, in_features=sizes, out_features=sizes, bias=st.booleans(),
       seed=st.integers(0, 2**16), leading=st.sampled_from([(), (2,), (3, 1)]))
def test_matches_torch(batch, in_features, out_features, bias, seed, leading):
    theirs = torch_linear(in_features, out_features, bias, seed)
    ours = Linear(in_features, out_features, bias, dtype=np.float64, rng=seed)
    ours.load_state_dict(torch_state_to_numpy(theirs.state_dict()))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((*leading, batch, in_features))
    grad_output = rng.standard_normal((*leading, batch, out_features))

    x_torch = torch.tensor(x, requires_grad=True)
    out_torch = theirs(x_torch)
    out_torch.backward(torch.tensor(grad_output))
    out = ours(x)
    grad_x = ours.backward(grad_output)

    assert_close(out, out_torch, name="output")
    assert_close(grad_x, x_torch.grad, name="grad input")
    assert_close(ours.weight.grad, theirs.weight.grad, name="grad weight")
    if bias:
        assert_close(ours.bias.grad, theirs.bias.grad, name="grad bias")


@SETTINGS
@given(batch=sizes, in_features=sizes, out_features=sizes, bias=st.booleans(),
       seed=st.integers(0, 2**16))
def test_gradcheck(batch, in_features, out_features, bias, seed):
    layer = Linear(in_features, out_features, bias, dtype=np.float64, rng=seed)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, in_features))
    # The bias gradient is the sum of the upstream gradient over the batch; with a standard
    # normal upstream gradient that sum can nearly cancel (batch 4, seed 308 gives 1e-3), and a
    # relative error of a number that small measures the finite difference, not the formula.
    # Upstream values in [0.5, 1.5] cannot cancel.
    grad_output = rng.uniform(0.5, 1.5, size=(batch, out_features))
    errors = gradcheck_module(layer, x, grad_output, rng=seed)
    assert set(errors) == {"input", "weight"} | ({"bias"} if bias else set())
    assert max(errors.values()) <= 1e-7, errors


def test_gradients_accumulate_until_zero_grad():
    layer = Linear(3, 2, dtype=np.float64, rng=0)
    x, grad_output = np.ones((4, 3)), np.ones((4, 2))
    layer(x)
    layer.backward(grad_output)
    once = layer.weight.grad.copy()
    layer(x)
    layer.backward(grad_output)
    assert_close(layer.weight.grad, 2 * once)
    layer.zero_grad()
    assert not layer.weight.grad.any() and not layer.bias.grad.any()


def test_initialisation_follows_torch():
    layer = Linear(400, 300, rng=0)
    bound = 1 / np.sqrt(400)
    assert layer.weight.dtype == np.float32 and layer.weight.shape == (300, 400)
    assert layer.bias.shape == (300,)
    assert np.abs(layer.weight.data).max() <= bound
    assert np.abs(layer.bias.data).max() <= bound
    # U(-b, b) has variance b^2 / 3; 120,000 draws pin it to well under 2%.
    assert abs(layer.weight.data.var() / (bound**2 / 3) - 1) < 0.02


def test_rng_seed_and_global_generator_are_reproducible():
    assert_close(Linear(3, 2, rng=5).weight.data, Linear(3, 2, rng=5).weight.data)
    manual_seed(7)
    first = Linear(3, 2).weight.data
    manual_seed(7)
    assert_close(Linear(3, 2).weight.data, first)
    generator = np.random.default_rng(1)
    assert not np.array_equal(Linear(3, 2, rng=generator).weight.data,
                              Linear(3, 2, rng=generator).weight.data)


def test_without_bias():
    layer = Linear(3, 2, bias=False, rng=0)
    assert layer.bias is None
    assert list(layer.state_dict()) == ["weight"]
    assert repr(layer) == repr(torch.nn.Linear(3, 2, bias=False))


def test_state_dict_loads_into_torch():
    ours = Linear(4, 3, dtype=np.float64, rng=0)
    theirs = torch.nn.Linear(4, 3, dtype=torch.float64)
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((2, 4))
    assert_close(ours(x), theirs(torch.from_numpy(x)))


def test_dtype_follows_parameters():
    layer = Linear(3, 2, rng=0)
    out = layer(np.ones((1, 3), dtype=np.float32))
    assert out.dtype == np.float32
    assert layer.backward(np.ones((1, 2), dtype=np.float32)).dtype == np.float32


def test_bad_input():
    layer = Linear(3, 2, rng=0)
    with pytest.raises(ValueError, match=r"Linear: expected input of shape \(\*, 3\) "
                                         r"\(last dimension = in_features\), got \(8, 4\)"):
        layer(np.zeros((8, 4)))
    with pytest.raises(TypeError, match="Linear: expected input to be a numpy.ndarray, got list"):
        layer([[1.0, 2.0, 3.0]])
    with pytest.raises(TypeError, match="Linear: expected input with a floating-point dtype"):
        layer(np.zeros((2, 3), dtype=np.int64))
    with pytest.raises(RuntimeError, match="Linear: backward called before forward"):
        Linear(3, 2, rng=0).backward(np.zeros((1, 2)))
    layer(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"Linear.backward: expected grad_output of shape "
                                         r"\(5, 2\) \(the shape of the forward output\), "
                                         r"got \(5, 3\)"):
        layer.backward(np.zeros((5, 3)))


def test_bad_arguments():
    with pytest.raises(ValueError, match="Linear: expected in_features >= 1, got 0"):
        Linear(0, 2)
    with pytest.raises(TypeError, match="Linear: expected out_features to be an int, got float"):
        Linear(2, 2.0)
    with pytest.raises(TypeError, match="Linear: expected bias to be bool, got int"):
        Linear(2, 2, 1)
    with pytest.raises(TypeError, match="Linear: expected a floating-point dtype, got int32"):
        Linear(2, 2, dtype=np.int32)
    with pytest.raises(TypeError, match="Linear: expected rng to be None, an int seed"):
        Linear(2, 2, rng="seed")


# The functional core, F.linear_forward / F.linear_backward (the CS231n cache convention).

@SETTINGS
@given(batch=sizes, in_features=sizes, out_features=sizes, bias=st.booleans(),
       seed=st.integers(0, 2**16))
def test_functional_matches_torch(batch, in_features, out_features, bias, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, in_features))
    weight = rng.standard_normal((out_features, in_features))
    b = rng.uniform(0.5, 1.5, size=out_features) if bias else None
    grad_output = rng.standard_normal((batch, out_features))
    tensors = [torch.tensor(a, requires_grad=True) for a in (x, weight)]
    bias_t = torch.tensor(b, requires_grad=True) if bias else None
    out_t = TF.linear(*tensors, bias_t)
    out_t.backward(torch.tensor(grad_output))

    out, cache = F.linear_forward(x, weight, b)
    grad_x, grad_weight, grad_bias = F.linear_backward(grad_output, cache)
    assert_close(out, out_t, name="out")
    assert_close(F.linear(x, weight, b), out_t, name="linear")
    assert_close(grad_x, tensors[0].grad, name="grad x")
    assert_close(grad_weight, tensors[1].grad, name="grad weight")
    if bias:
        assert_close(grad_bias, bias_t.grad, name="grad bias")
    else:
        assert grad_bias is None


def test_functional_gradcheck():
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((3, 4)), rng.standard_normal((5, 4)), rng.standard_normal(5)
    assert max(gradcheck_function(F.linear_forward, F.linear_backward, x, w, b)) <= 1e-7
    errors = gradcheck_function(F.linear_forward, F.linear_backward, x, w, None)
    assert errors[2] is None and max(errors[:2]) <= 1e-7


@pytest.mark.parametrize(("call", "message"), [
    (lambda: F.linear_forward(np.zeros((2, 4)), np.zeros((5, 3))),
     r"linear_forward: expected x of shape \(\*, 3\) \(last dimension = weight.shape\[1\]\), "
     r"got \(2, 4\)"),
    (lambda: F.linear_forward(np.zeros((2, 3)), np.zeros((5, 3)), np.zeros(3)),
     r"linear_forward: expected bias of shape \(5,\) \(weight.shape\[0\]\), got \(3,\)"),
    (lambda: F.linear(np.zeros((2, 3)), np.zeros(3)),
     "linear_forward: expected weight with 2 dimensions, got 1"),
])
def test_functional_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
