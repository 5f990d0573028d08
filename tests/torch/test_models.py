"""Tests of dlbook.torch.models.MLP."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlbook.np.models import mlp as numpy_mlp
from dlbook.torch.models import MLP
from dlbook.torch.nn import Linear


def test_structure_and_parameter_names():
    model = MLP(4, (8, 6), 3, activation="tanh")
    kinds = [type(layer).__name__ for layer in model]
    assert kinds == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    assert all(isinstance(model[i], Linear) for i in (0, 2, 4))
    assert [(name, tuple(p.shape)) for name, p in model.named_parameters()] == [
        ("0.weight", (8, 4)), ("0.bias", (8,)),
        ("2.weight", (6, 8)), ("2.bias", (6,)),
        ("4.weight", (3, 6)), ("4.bias", (3,)),
    ]


def test_int_and_empty_hidden_sizes():
    assert len(MLP(2, 5, 2)) == 3
    single = MLP(2, (), 3)
    assert len(single) == 1 and isinstance(single[0], Linear)


def test_loads_from_an_equivalent_torch_sequential(device):
    reference = torch.nn.Sequential(
        torch.nn.Linear(5, 7), torch.nn.ReLU(), torch.nn.Linear(7, 3)
    ).to(device=device, dtype=torch.float64)
    model = MLP(5, [7], 3, device=device, dtype=torch.float64)
    model.load_state_dict(reference.state_dict())  # strict: names and shapes must all match
    x = torch.randn(4, 5, dtype=torch.float64, device=device)
    torch.testing.assert_close(model(x), reference(x), rtol=1e-7, atol=1e-12)
    assert model(x).device.type == device


def test_loads_from_the_numpy_mlp():
    numpy_model = numpy_mlp(3, [4], 2, dtype=np.float64, rng=0)
    model = MLP(3, [4], 2, dtype=torch.float64)
    model.load_state_dict({k: torch.from_numpy(v) for k, v in numpy_model.state_dict().items()})
    x = np.random.default_rng(1).normal(size=(5, 3))
    np.testing.assert_allclose(model(torch.from_numpy(x)).detach().numpy(), numpy_model(x),
                               rtol=1e-12)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu"])
def test_activations(activation):
    torch.manual_seed(0)
    assert MLP(2, [3], 1, activation=activation)(torch.zeros(4, 2)).shape == (4, 1)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((0, [3], 2), {}, ValueError, r"MLP: expected in_features >= 1, got 0"),
        ((2, [3, 0], 2), {}, ValueError, r"MLP: expected hidden_sizes\[1\] >= 1, got 0"),
        ((2, "32", 2), {}, TypeError, r"MLP: expected hidden_sizes to be an int or a sequence"),
        ((2, [3], 2), {"activation": "softplus"}, ValueError,
         r"MLP: expected activation to be one of 'relu', 'tanh', 'sigmoid', 'leaky_relu', "
         r"got 'softplus'"),
    ],
)
def test_bad_arguments(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        MLP(*args, **kwargs)
