"""Activation layers: parity with torch (values and gradients, kinks included), gradcheck."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.np.nn import LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from dlbook.np.nn import functional as F
from dlbook.testing import assert_close, gradcheck_function, gradcheck_module

SETTINGS = settings(max_examples=25, deadline=None)
shapes = st.lists(st.integers(1, 7), min_size=1, max_size=3).map(tuple)

# (ours, torch's, smooth?) with every hyperparameter set explicitly.
LAYERS = {
    "relu": (lambda: ReLU(), lambda: torch.nn.ReLU(), False),
    "leaky_relu": (lambda: LeakyReLU(negative_slope=0.2),
                   lambda: torch.nn.LeakyReLU(negative_slope=0.2), False),
    "sigmoid": (lambda: Sigmoid(), lambda: torch.nn.Sigmoid(), True),
    "tanh": (lambda: Tanh(), lambda: torch.nn.Tanh(), True),
    "softmax": (lambda: Softmax(dim=-1), lambda: torch.nn.Softmax(dim=-1), True),
    "softmax_dim0": (lambda: Softmax(dim=0), lambda: torch.nn.Softmax(dim=0), True),
}


def compare_with_torch(ours, theirs, x: np.ndarray, grad_output: np.ndarray) -> None:
    x_torch = torch.tensor(x, requires_grad=True)
    out_torch = theirs(x_torch)
    out_torch.backward(torch.tensor(grad_output))
    assert_close(ours(x), out_torch, name=f"{type(ours).__name__} output")
    assert_close(ours.backward(grad_output), x_torch.grad, name=f"{type(ours).__name__} grad")


@SETTINGS
@given(name=st.sampled_from(sorted(LAYERS)), shape=shapes, seed=st.integers(0, 2**16))
def test_matches_torch(name, shape, seed):
    make_ours, make_theirs, _ = LAYERS[name]
    rng = np.random.default_rng(seed)
    x = 3 * rng.standard_normal(shape)
    x.reshape(-1)[::3] = 0.0  # exact zeros: the kink of ReLU and LeakyReLU
    compare_with_torch(make_ours(), make_theirs(), x, rng.standard_normal(shape))


def test_derivatives_at_zero_match_torch():
    x, grad_output = np.zeros(3), np.ones(3)
    compare_with_torch(ReLU(), torch.nn.ReLU(), x, grad_output)
    compare_with_torch(LeakyReLU(0.1), torch.nn.LeakyReLU(0.1), x, grad_output)
    relu = ReLU()
    relu(x)
    assert_close(relu.backward(grad_output), np.zeros(3))  # torch: ReLU'(0) = 0


@pytest.mark.parametrize("dim", [0, 1, 2, -1, -2])
def test_softmax_any_dim_matches_torch(dim):
    rng = np.random.default_rng(dim + 10)
    x, grad_output = rng.standard_normal((3, 4, 5)), rng.standard_normal((3, 4, 5))
    compare_with_torch(Softmax(dim=dim), torch.nn.Softmax(dim=dim), x, grad_output)


@SETTINGS
@given(name=st.sampled_from([n for n, v in LAYERS.items() if v[2]]), shape=shapes,
       seed=st.integers(0, 2**16))
def test_gradcheck_smooth(name, shape, seed):
    x = np.random.default_rng(seed).standard_normal(shape)
    errors = gradcheck_module(LAYERS[name][0](), x, rng=seed)
    assert errors["input"] <= 1e-7, errors


@pytest.mark.parametrize("layer", [ReLU(), LeakyReLU(0.3)])
def test_gradcheck_piecewise_away_from_kink(layer):
    x = np.random.default_rng(0).standard_normal((4, 5))
    x[np.abs(x) < 1e-3] = 0.5  # finite differences across the kink would be meaningless
    assert gradcheck_module(layer, x)["input"] <= 1e-7


def test_extreme_inputs_are_finite_and_match_torch():
    x = np.array([[-1e4, -800.0, -30.0, 0.0, 30.0, 800.0, 1e4]])
    grad_output = np.ones_like(x)
    for name in ("sigmoid", "tanh", "softmax"):
        make_ours, make_theirs, _ = LAYERS[name]
        ours = make_ours()
        assert np.isfinite(ours(x)).all()
        compare_with_torch(ours, make_theirs(), x, grad_output)


def test_float32_stays_float32():
    x = np.ones((2, 3), dtype=np.float32)
    for make_ours, _, _ in LAYERS.values():
        layer = make_ours()
        assert layer(x).dtype == np.float32
        assert layer.backward(x).dtype == np.float32


def test_repr_matches_torch():
    for make_ours, make_theirs, _ in LAYERS.values():
        assert repr(make_ours()) == repr(make_theirs())


def test_no_parameters():
    for make_ours, _, _ in LAYERS.values():
        assert list(make_ours().parameters()) == []


def test_bad_input_names_the_layer_the_reader_used():
    with pytest.raises(TypeError, match="ReLU: expected input with a floating-point dtype, "
                                        "got int64"):
        ReLU()(np.arange(3))
    with pytest.raises(TypeError, match="Sigmoid: expected input to be a numpy.ndarray, "
                                        "got list"):
        Sigmoid()([0.0])
    with pytest.raises(ValueError, match=r"Softmax: expected dim in \[-2, 1\] for x of "
                                         r"shape \(2, 3\), got 2"):
        Softmax(dim=2)(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="Softmax: expected dim to be an int, got NoneType"):
        Softmax(dim=None)
    with pytest.raises(TypeError, match="LeakyReLU: expected negative_slope to be a real number"):
        LeakyReLU("0.1")
    tanh = Tanh()
    with pytest.raises(RuntimeError, match="Tanh: backward called before forward"):
        tanh.backward(np.zeros(2))
    tanh(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"Tanh: expected grad_output of shape \(2, 3\) \(the "
                                         r"shape of the forward output\), got \(3, 2\)"):
        tanh.backward(np.zeros((3, 2)))
    with pytest.raises(TypeError, match="Tanh: expected grad_output to be a numpy.ndarray"):
        tanh.backward([[0.0] * 3] * 2)


@pytest.mark.parametrize(
    ("call", "name"),
    [(lambda x: F.relu(x), "relu"), (lambda x: F.leaky_relu(x, 0.1), "leaky_relu"),
     (lambda x: F.sigmoid(x), "sigmoid"), (lambda x: F.tanh(x), "tanh"),
     (lambda x: F.softmax(x), "softmax"), (lambda x: F.log_softmax(x), "log_softmax"),
     (lambda x: F.relu_forward(x), "relu_forward")],
)
def test_functions_name_themselves(call, name):
    with pytest.raises(TypeError, match=f"^{name}: expected x with a floating-point dtype, "
                                        f"got int64"):
        call(np.arange(3))


# A NaN in the first row only: element-wise layers must keep it there, softmax along the
# last dimension spreads it over that row (as torch does), and never beyond it.
NAN_INPUT = np.array([[np.nan, -1.5, 0.0, 2.0], [0.5, -0.25, 0.0, 3.0]])


def _nan_parity(ours_forward, ours_backward, theirs, x: np.ndarray) -> None:
    grad_output = np.random.default_rng(0).standard_normal(x.shape)
    out = ours_forward(x)
    grad = ours_backward(grad_output)
    x_torch = torch.tensor(x, requires_grad=True)
    out_torch = theirs(x_torch)
    out_torch.backward(torch.tensor(grad_output))
    for what, mine, reference in (("output", out, out_torch.detach()),
                                  ("gradient", grad, x_torch.grad)):
        torch.testing.assert_close(torch.from_numpy(np.asarray(mine)), reference, rtol=1e-12,
                                   atol=0.0, equal_nan=True, msg=lambda m, w=what: f"{w}: {m}")
    assert np.isnan(out).any()  # the NaN was not silently replaced by a number


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_nan_propagates_as_in_torch(name):
    make_ours, make_theirs, _ = LAYERS[name]
    ours = make_ours()
    _nan_parity(ours, ours.backward, make_theirs(), NAN_INPUT)


def test_relu_keeps_nan_and_passes_its_gradient_as_torch():
    relu = ReLU()
    out = relu(np.array([np.nan, -1.0, 0.0, 2.0]))
    assert np.isnan(out[0]) and out[1:].tolist() == [0.0, 0.0, 2.0]
    # torch zeroes the gradient only where x <= 0, which NaN is not
    assert relu.backward(np.full(4, 3.0)).tolist() == [3.0, 0.0, 0.0, 3.0]


@pytest.mark.parametrize("dim", [0, -1])
def test_log_softmax_nan_matches_torch(dim):
    cache = {}

    def forward(x):
        out, cache["cache"] = F.log_softmax_forward(x, dim)
        return out

    _nan_parity(forward, lambda g: F.log_softmax_backward(g, cache["cache"]),
                lambda t: torch.log_softmax(t, dim), NAN_INPUT)


# The functional core: each activation's (out, cache) forward, its backward and plain form.

sizes = st.integers(1, 7)
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
def test_functional_matches_torch(name, batch, features, seed):
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
def test_functional_gradcheck(name):
    forward, backward, _, kwargs = PAIRS[name]
    x = np.random.default_rng(0).standard_normal((4, 5))
    assert gradcheck_function(forward, backward, x, **kwargs)[0] <= 1e-7


def test_functional_log_softmax_is_exact_at_huge_logits():
    x = np.array([[1e4, -1e4, 0.0]])
    assert_close(F.log_softmax(x), TF.log_softmax(torch.tensor(x), dim=-1))
    assert_close(F.softmax(x), np.array([[1.0, 0.0, 0.0]]))


def test_functional_bad_input():
    with pytest.raises(ValueError, match="softmax: expected x with at least 1 dimension"):
        F.softmax(np.array(1.0))
