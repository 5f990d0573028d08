"""dlbook.np.nn.init: torch's gains and fan conventions, the statistics of each initialiser."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from dlbook.np.nn import Conv2d, Linear, Parameter, init

GAINS = [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None),
         ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None)]


@pytest.mark.parametrize("nonlinearity, param", GAINS)
def test_gain_matches_torch(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(
        torch.nn.init.calculate_gain(nonlinearity, param), rel=1e-12)


@pytest.mark.parametrize("shape", [(7, 5), (16, 3, 5, 5), (4, 6, 3)])
def test_fans_match_torch(shape):
    ours = init.calculate_fan_in_and_fan_out(np.zeros(shape))
    assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(shape))


def test_fan_of_a_conv_weight():
    conv = Conv2d(3, 16, 5, rng=0)
    assert init.calculate_fan_in_and_fan_out(conv.weight) == (3 * 25, 16 * 25)
    assert init.calculate_fan_in_and_fan_out(Linear(7, 2, rng=0).weight) == (7, 2)


SHAPE = (128, 64, 3, 3)  # a conv weight: fan_in = 576, fan_out = 1152; 73,728 draws
FAN_IN, FAN_OUT = 64 * 9, 128 * 9


@pytest.mark.parametrize("fill, expected_std, bound", [
    (lambda w: init.xavier_uniform_(w, rng=0), math.sqrt(2 / (FAN_IN + FAN_OUT)),
     math.sqrt(6 / (FAN_IN + FAN_OUT))),
    (lambda w: init.xavier_normal_(w, gain=2.0, rng=0), 2 * math.sqrt(2 / (FAN_IN + FAN_OUT)),
     None),
    (lambda w: init.kaiming_uniform_(w, nonlinearity="relu", rng=0), math.sqrt(2 / FAN_IN),
     math.sqrt(6 / FAN_IN)),
    (lambda w: init.kaiming_uniform_(w, a=math.sqrt(5), rng=0),  # torch's Linear/Conv default
     math.sqrt(1 / (3 * FAN_IN)), 1 / math.sqrt(FAN_IN)),
    (lambda w: init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu", rng=0),
     math.sqrt(2 / FAN_OUT), None),
    (lambda w: init.normal_(w, mean=0.0, std=0.02, rng=0), 0.02, None),
])
def test_statistics(fill, expected_std, bound):
    weight = np.zeros(SHAPE)
    assert fill(weight) is weight
    assert abs(weight.mean()) < 0.02 * expected_std * 3
    assert abs(weight.std() / expected_std - 1) < 0.02, (weight.std(), expected_std)
    if bound is not None:
        assert np.abs(weight).max() <= bound


def test_in_place_on_parameter_and_reproducible():
    param = Parameter(np.ones((4, 3), dtype=np.float32))
    data = param.data
    assert init.kaiming_normal_(param, rng=3) is param
    assert param.data is data and param.dtype == np.float32
    assert np.array_equal(param.data, init.kaiming_normal_(np.ones((4, 3), np.float32), rng=3))
    init.zeros_(param)
    assert not param.data.any()
    init.ones_(param)
    init.constant_(param, 0.5)
    assert np.all(param.data == 0.5)


def test_bad_input():
    with pytest.raises(ValueError, match="at least 2 dimensions, got shape \\(3,\\)"):
        init.xavier_uniform_(np.zeros(3))
    with pytest.raises(ValueError, match="kaiming_normal_: expected mode"):
        init.kaiming_normal_(np.zeros((3, 3)), mode="fan_avg")
    with pytest.raises(ValueError, match="calculate_gain: expected nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(TypeError, match="zeros_: expected a dlbook.np.nn.Parameter or "
                                        "numpy.ndarray, got list"):
        init.zeros_([1.0])
    with pytest.raises(TypeError, match="floating-point"):
        init.normal_(np.zeros(3, dtype=np.int64))


def test_uniform_and_normal_check_their_bounds():
    with pytest.raises(ValueError, match=r"^uniform_: expected a <= b, got a=1.0, b=-1.0$"):
        init.uniform_(np.zeros(3), a=1.0, b=-1.0)
    with pytest.raises(ValueError, match=r"^uniform_: expected b to be finite, got nan$"):
        init.uniform_(np.zeros(3), a=0.0, b=float("nan"))
    with pytest.raises(ValueError, match=r"^normal_: expected mean to be finite, got inf$"):
        init.normal_(np.zeros(3), mean=float("inf"))
    assert (init.uniform_(np.zeros(3), a=2.0, b=2.0, rng=0) == 2.0).all()
