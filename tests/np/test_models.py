"""mlp(): structure, names shared with torch.nn.Sequential, parity, gradcheck, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlbook.np.models import mlp
from dlbook.np.nn import LeakyReLU, Linear, ReLU, Sigmoid, Tanh
from dlbook.testing import assert_close, gradcheck_module, torch_state_to_numpy

TORCH_ACTIVATIONS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid,
                     "leaky_relu": lambda: torch.nn.LeakyReLU(negative_slope=0.01)}


def torch_mlp(in_features, hidden_sizes, out_features, activation):
    sizes = [in_features, *hidden_sizes, out_features]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1], dtype=torch.float64))
        if i < len(hidden_sizes):
            layers.append(TORCH_ACTIVATIONS[activation]())
    return torch.nn.Sequential(*layers)


def test_structure():
    model = mlp(2, [8, 5], 3, activation="tanh", rng=0)
    assert [type(m) for m in model] == [Linear, Tanh, Linear, Tanh, Linear]
    assert [(m.in_features, m.out_features) for m in model if isinstance(m, Linear)] == [
        (2, 8), (8, 5), (5, 3)]
    assert all(p.dtype == np.float32 for p in model.parameters())
    assert [type(m) for m in mlp(4, [], 1, rng=0)] == [Linear]
    assert isinstance(mlp(2, [3], 1, activation="relu", rng=0)[1], ReLU)
    assert isinstance(mlp(2, [3], 1, activation="sigmoid", rng=0)[1], Sigmoid)
    assert isinstance(mlp(2, [3], 1, activation="leaky_relu", rng=0)[1], LeakyReLU)


@pytest.mark.parametrize("activation", sorted(TORCH_ACTIVATIONS))
def test_matches_torch_sequential(activation):
    theirs = torch_mlp(3, [5, 4], 2, activation)
    ours = mlp(3, [5, 4], 2, activation=activation, dtype=np.float64, rng=0)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict(torch_state_to_numpy(theirs.state_dict()))
    rng = np.random.default_rng(1)
    x, grad_output = rng.standard_normal((7, 3)), rng.standard_normal((7, 2))
    x_t = torch.tensor(x, requires_grad=True)
    out_t = theirs(x_t)
    out_t.backward(torch.tensor(grad_output))
    assert_close(ours(x), out_t, name="output")
    assert_close(ours.backward(grad_output), x_t.grad, name="grad input")
    for name, param in theirs.named_parameters():
        assert_close(dict(ours.named_parameters())[name].grad, param.grad, name=name)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_gradcheck(activation):
    model = mlp(3, [4, 4], 2, activation=activation, dtype=np.float64, rng=0)
    x = np.random.default_rng(0).standard_normal((5, 3))
    errors = gradcheck_module(model, x)
    assert len(errors) == 7 and max(errors.values()) <= 1e-7, errors


def test_rng_reproducible():
    first, second = mlp(2, [4], 1, rng=3), mlp(2, [4], 1, rng=3)
    for (name, a), b in zip(first.state_dict().items(), second.state_dict().values(),
                            strict=True):
        assert_close(a, b, name=name)


def test_bad_arguments():
    with pytest.raises(ValueError, match="mlp: expected activation to be one of 'relu', "
                                         "'leaky_relu', 'tanh', 'sigmoid', got 'gelu'"):
        mlp(2, [3], 1, activation="gelu")
    with pytest.raises(TypeError, match="mlp: expected hidden_sizes to be a sequence of ints, "
                                        "got int"):
        mlp(2, 3, 1)
    with pytest.raises(ValueError, match="mlp: expected every hidden size >= 1, got 0"):
        mlp(2, [3, 0], 1)
    with pytest.raises(ValueError, match="mlp: expected in_features >= 1, got 0"):
        mlp(0, [3], 1)
    with pytest.raises(TypeError, match="mlp: expected a floating-point dtype, got int64"):
        mlp(2, [3], 1, dtype=np.int64)
