"""The functional core: the (out, cache) / backward(grad_output, cache) pairs and plain forms."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.np.nn import functional as F
from dlbook.testing import assert_close, gradcheck_function

SETTINGS = settings(max_examples=25, deadline=None)
sizes = st.integers(1, 7)


@SETTINGS
@given(batch=sizes, in_features=sizes, out_features=sizes, bias=st.booleans(),
       seed=st.integers(0, 2**16))
def test_linear_matches_torch(batch, in_features, out_features, bias, seed):
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


PAIRS = {
    "relu": (F.relu_forward, F.relu_backward, TF.relu, {}),
    "leaky_relu": (F.leaky_relu_forward, F.leaky_relu_backward, TF.leaky_relu,
                   {"negative_slope": 0.05}),
    "sigmoid": (F.sigmoid_forward, F.sigmoid_backward, torch.sigmoid, {}),
    "tanh": (F.tanh_forward, F.tanh_backward, torch.tanh, {}),
    "softmax": (F.softmax_forward, F.softmax_backward, TF.softmax, {"dim": 1}),
    "log_softmax": (F.log_softmax_forward, F.log_softmax_backward, TF.log_softmax, {"dim": -1}),
}
PLAIN = {"relu": F.relu, "leaky_relu": F.leaky_relu, "sigmoid": F.sigmoid, "tanh": F.tanh,
         "softmax": F.softmax, "log_softmax": F.log_softmax}


@SETTINGS
@given(name=st.sampled_from(sorted(PAIRS)), batch=sizes, features=sizes,
       seed=st.integers(0, 2**16))
def test_activations_match_torch(name, batch, features, seed):
    forward, backward, torch_fn, kwargs = PAIRS[name]
    rng = np.random.default_rng(seed)
    x = 2 * rng.standard_normal((batch, features))
    x[0, 0] = 0.0
    grad_output = rng.standard_normal((batch, features))
    x_t = torch.tensor(x, requires_grad=True)
    out_t = torch_fn(x_t, **kwargs)
    out_t.backward(torch.tensor(grad_output))
    out, cache = forward(x, **kwargs)
    assert_close(out, out_t, name=f"{name} out")
    assert_close(PLAIN[name](x, **kwargs), out_t, name=f"{name} plain")
    assert_close(backward(grad_output, cache), x_t.grad, name=f"{name} grad")


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softmax", "log_softmax"])
def test_gradcheck_activations(name):
    forward, backward, _, kwargs = PAIRS[name]
    x = np.random.default_rng(0).standard_normal((4, 5))
    assert gradcheck_function(forward, backward, x, **kwargs)[0] <= 1e-7


def test_gradcheck_linear():
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((3, 4)), rng.standard_normal((5, 4)), rng.standard_normal(5)
    assert max(gradcheck_function(F.linear_forward, F.linear_backward, x, w, b)) <= 1e-7
    errors = gradcheck_function(F.linear_forward, F.linear_backward, x, w, None)
    assert errors[2] is None and max(errors[:2]) <= 1e-7


LOSS_PAIRS = {
    "mse_loss": (F.mse_loss_forward, F.mse_loss_backward, F.mse_loss, TF.mse_loss),
    "l1_loss": (F.l1_loss_forward, F.l1_loss_backward, F.l1_loss, TF.l1_loss),
    "binary_cross_entropy_with_logits": (
        F.binary_cross_entropy_with_logits_forward, F.binary_cross_entropy_with_logits_backward,
        F.binary_cross_entropy_with_logits, TF.binary_cross_entropy_with_logits),
}


@pytest.mark.parametrize("name", sorted(LOSS_PAIRS))
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_losses_match_torch_and_gradcheck(name, reduction):
    forward, backward, plain, torch_fn = LOSS_PAIRS[name]
    rng = np.random.default_rng(3)
    input, target = rng.standard_normal((4, 3)), rng.uniform(size=(4, 3))
    x_t = torch.tensor(input, requires_grad=True)
    loss_t = torch_fn(x_t, torch.tensor(target), reduction=reduction)
    loss_t.backward(torch.tensor(2.5))
    loss, cache = forward(input, target, reduction=reduction)
    assert_close(loss, loss_t.item(), name="loss")
    assert_close(plain(input, target, reduction=reduction), loss_t.item(), name="plain")
    assert_close(backward(2.5, cache), x_t.grad, name="grad")
    assert gradcheck_function(forward, backward, input, target, reduction=reduction)[0] <= 1e-7


def test_cross_entropy_and_bce_functional_match_torch():
    rng = np.random.default_rng(4)
    logits, labels = rng.standard_normal((5, 4)), rng.integers(0, 4, size=5)
    weight = rng.uniform(0.5, 2.0, size=4)
    expected = TF.cross_entropy(torch.tensor(logits), torch.tensor(labels),
                                weight=torch.tensor(weight), reduction="mean")
    assert_close(F.cross_entropy(logits, labels, weight, "mean"), expected.item())
    probs, target = rng.uniform(0.1, 0.9, size=(5, 2)), rng.uniform(size=(5, 2))
    expected = TF.binary_cross_entropy(torch.tensor(probs), torch.tensor(target), reduction="sum")
    assert_close(F.binary_cross_entropy(probs, target, None, "sum"), expected.item())
    errors = gradcheck_function(F.cross_entropy_forward, F.cross_entropy_backward,
                                logits, labels, weight=weight)
    assert errors[0] <= 1e-7


def test_log_softmax_is_exact_at_huge_logits():
    x = np.array([[1e4, -1e4, 0.0]])
    assert_close(F.log_softmax(x), TF.log_softmax(torch.tensor(x), dim=-1))
    assert_close(F.softmax(x), np.array([[1.0, 0.0, 0.0]]))


def test_bad_input():
    with pytest.raises(ValueError, match=r"linear_forward: expected x of shape \(\*, 3\) "
                                         r"\(last dimension = weight.shape\[1\]\), got \(2, 4\)"):
        F.linear_forward(np.zeros((2, 4)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"linear_forward: expected bias of shape \(5,\) "
                                         r"\(weight.shape\[0\]\), got \(3,\)"):
        F.linear_forward(np.zeros((2, 3)), np.zeros((5, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="linear_forward: expected weight with 2 dimensions, "
                                         "got 1"):
        F.linear(np.zeros((2, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="softmax: expected x with at least 1 dimension"):
        F.softmax(np.array(1.0))
    with pytest.raises(TypeError, match="mse_loss_backward: expected grad_output to be a real "
                                        "number"):
        F.mse_loss_backward(np.ones(2), F.mse_loss_forward(np.ones(2), np.zeros(2))[1])
