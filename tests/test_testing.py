"""dlbook.testing: relative error, finite differences, gradient checks, assert_close."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlbook.np.nn import Linear, Module, MSELoss, Parameter, Tanh
from dlbook.np.nn import functional as F
from dlbook.testing import (
    assert_close,
    gradcheck,
    gradcheck_function,
    gradcheck_loss,
    gradcheck_module,
    numerical_gradient,
    numpy_state_to_torch,
    relative_error,
    torch_state_to_numpy,
    torch_to_numpy_state,
)


def test_relative_error_definition():
    a, b = np.array([1.0, -2.0, 0.0]), np.array([1.0, -1.0, 1e-3])
    assert relative_error(a, b) == 1.0 / 3.0  # max |a-b| = 1, max(|a|+|b|) = 3
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(2), np.full(2, 1e-9)) == 1e-9 / 1e-8  # the floor
    assert relative_error(np.zeros(0), np.zeros(0)) == 0.0
    assert relative_error(torch.tensor([1.0]), np.array([1.0])) == 0.0
    with pytest.raises(ValueError, match=r"relative_error: expected arrays of the same shape, "
                                         r"got \(2,\) and \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))


def test_numerical_gradient_of_known_functions():
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    assert relative_error(numerical_gradient(lambda z: float(np.sum(np.sin(z))), x),
                          np.cos(x)) < 1e-9
    grad_output = np.array([[1.0, 2.0], [-1.0, 0.5]])
    assert relative_error(numerical_gradient(lambda z: z**3, x, grad_output),
                          3 * x**2 * grad_output) < 1e-9
    original = x.copy()
    numerical_gradient(lambda z: float(z.sum()), x)
    np.testing.assert_array_equal(x, original)  # restored


def test_numerical_gradient_errors():
    with pytest.raises(TypeError, match="numerical_gradient: expected x with dtype float64"):
        numerical_gradient(lambda z: float(z.sum()), np.ones(2, dtype=np.float32))
    with pytest.raises(ValueError, match=r"numerical_gradient: f returned an array of shape "
                                         r"\(2,\); pass grad_output"):
        numerical_gradient(lambda z: z * 2, np.ones(2))
    with pytest.raises(ValueError, match="numerical_gradient: expected eps > 0.0, got 0.0"):
        numerical_gradient(lambda z: float(z.sum()), np.ones(2), eps=0.0)


class WrongTanh(Tanh):
    """A deliberately broken backward pass (forgets the square)."""

    def backward(self, grad_output):
        out = self._require_cache(self._cache)
        return grad_output * (1 - out)


class Scale(Module):
    """A module whose parameter gradient is wrong by a factor of 2."""

    def __init__(self):
        super().__init__()
        self.weight = Parameter(np.array([1.5, -0.5]))

    def forward(self, x):
        self._x = x
        return x * self.weight.data

    def backward(self, grad_output):
        self.weight.grad += 2 * (grad_output * self._x).sum(axis=0)
        return grad_output * self.weight.data


def test_gradcheck_module_finds_bugs():
    x = np.random.default_rng(0).standard_normal((3, 4))
    assert gradcheck_module(Tanh(), x)["input"] < 1e-7
    assert gradcheck_module(WrongTanh(), x)["input"] > 1e-3
    errors = gradcheck_module(Scale(), np.random.default_rng(1).standard_normal((3, 2)))
    assert errors["input"] < 1e-7 and errors["weight"] > 0.1
    with pytest.raises(AssertionError, match=r"gradcheck of Scale: relative errors above 1e-07: "
                                             r"weight: 3.33e-01"):
        gradcheck(Scale(), np.ones((3, 2)))
    with pytest.raises(TypeError, match=r"gradcheck_module: expected float64 parameters \(call "
                                        r"module.double\(\)\), got weight of dtype float32"):
        gradcheck_module(Linear(2, 2, rng=0), np.ones((1, 2)))


def test_gradcheck_loss_and_function():
    rng = np.random.default_rng(0)
    input, target = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    assert gradcheck_loss(MSELoss(), input, target) < 1e-7
    assert gradcheck(MSELoss(), input, target)["input"] < 1e-7
    errors = gradcheck_function(F.sigmoid_forward, F.sigmoid_backward, input)
    assert len(errors) == 1 and errors[0] < 1e-7
    wrong = gradcheck_function(F.sigmoid_forward, lambda g, cache: g * cache, input)
    assert wrong[0] > 1e-3
    with pytest.raises(TypeError, match="gradcheck: expected one input"):
        gradcheck(Tanh(), input, input, input)


def test_assert_close_passes_and_accepts_tensors():
    assert_close(np.array([1.0, 2.0]), torch.tensor([1.0, 2.0 + 1e-9]))
    assert_close(torch.tensor([1.0]), np.array([1.0]))
    assert_close(0.1 + 0.2, 0.3)
    assert_close(np.array([np.inf, -np.inf]), np.array([np.inf, -np.inf]))
    assert_close(np.array([0.0]), np.array([1e-13]))  # within atol


def test_assert_close_failure_message_shows_both_sides():
    with pytest.raises(AssertionError) as info:
        assert_close(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 2.0], [3.0, 4.5]]),
                     name="grad weight")
    message = str(info.value)
    assert message.startswith("grad weight: ours and theirs differ (rtol=1e-07, atol=1e-12) "
                              "at 1 of 4 elements; largest |ours - theirs| = 0.5 at index (1, 1):"
                              " ours 4.0, theirs 4.5")
    assert "ours:\n[[1. 2.]\n [3. 4.]]" in message and "theirs:\n[[1.  2. ]\n [3.  4.5]]" in message
    with pytest.raises(AssertionError, match=r"shapes differ: ours \(2,\), theirs \(1, 2\)"):
        assert_close(np.zeros(2), np.zeros((1, 2)))
    with pytest.raises(AssertionError, match="at 1 of 2 elements"):
        assert_close(np.array([np.nan, 1.0]), np.array([np.nan, 1.0]))
    with pytest.raises(AssertionError, match="at 1 of 1 elements"):
        assert_close(np.array([np.inf]), np.array([-np.inf]))
    with pytest.raises(AssertionError, match="differ"):
        assert_close(1.0, 1.0 + 1e-6)


def test_state_conversion_round_trip():
    layer = torch.nn.Linear(3, 2)
    state = torch_state_to_numpy(layer.state_dict())
    assert torch_to_numpy_state is torch_state_to_numpy
    assert all(isinstance(v, np.ndarray) for v in state.values())
    state["weight"][...] = 0  # a copy, not a view of torch's memory
    assert layer.weight.abs().sum() > 0
    back = numpy_state_to_torch(state)
    assert torch.equal(back["weight"], torch.zeros(2, 3)) and back["bias"].dtype == torch.float32


def test_numerical_gradient_reaches_a_non_contiguous_view():
    weights = np.arange(6, dtype=np.float64).reshape(2, 3)
    column = weights[:, 0]  # a strided view: a reshape(-1) of it would be a copy
    grad = numerical_gradient(lambda _: float((weights ** 2).sum()), column)
    np.testing.assert_allclose(grad, 2 * weights[:, 0], rtol=1e-8)


def test_state_conversions_name_a_module_passed_for_its_state_dict():
    layer = torch.nn.Linear(2, 1)
    with pytest.raises(TypeError, match=r"torch_state_to_numpy: expected a state_dict mapping "
                                        r"names to arrays, got torch.nn.Linear \(pass "
                                        r"module.state_dict\(\)\)"):
        torch_state_to_numpy(layer)
    with pytest.raises(TypeError, match=r"numpy_state_to_torch: expected a state_dict mapping "
                                        r"names to arrays, got list$"):
        numpy_state_to_torch([np.zeros(2)])
