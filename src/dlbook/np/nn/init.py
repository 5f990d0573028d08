"""Weight initialisation with ``torch.nn.init``'s names and conventions.

Every function fills its argument *in place* (a :class:`~dlbook.np.nn.Parameter` or a
``numpy.ndarray``) and returns it, like torch's trailing-underscore functions. The random
ones take a keyword-only ``rng`` (a generator, a seed, or ``None`` for the global generator
of :mod:`dlbook.random`).

Fans follow torch: for a weight of shape ``(out, in, *kernel)``,
``fan_in = in * prod(kernel)`` and ``fan_out = out * prod(kernel)``; a ``Linear`` weight
``(out, in)`` has ``fan_in = in``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dlbook._checks import check_in, check_number, type_name
from dlbook.np.nn.parameter import Parameter
from dlbook.random import resolve_rng

__all__ = [
    "calculate_gain",
    "calculate_fan_in_and_fan_out",
    "uniform_",
    "normal_",
    "constant_",
    "zeros_",
    "ones_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
]

_LINEAR_LIKE = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                "conv_transpose2d", "conv_transpose3d", "sigmoid")


def _array(tensor: Any, caller: str) -> np.ndarray:
    data = tensor.data if isinstance(tensor, Parameter) else tensor
    if not isinstance(data, np.ndarray):
        raise TypeError(f"{caller}: expected a dlbook.np.nn.Parameter or numpy.ndarray, "
                        f"got {type_name(tensor)}")
    if data.dtype.kind != "f":
        raise TypeError(f"{caller}: expected a floating-point array, got dtype {data.dtype}")
    return data


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""The recommended gain for a nonlinearity, as ``torch.nn.init.calculate_gain``.

    1 for ``"linear"``, the convolutions and ``"sigmoid"``; 5/3 for ``"tanh"``;
    :math:`\sqrt 2` for ``"relu"``; :math:`\sqrt{2 / (1 + a^2)}` for ``"leaky_relu"`` with
    negative slope ``a = param`` (default 0.01); 3/4 for ``"selu"``.

    >>> round(calculate_gain("relu"), 4), round(calculate_gain("leaky_relu", 0.2), 4)
    (1.4142, 1.3868)

    Introduced in :doc:`/book/optimisation/initialisation`.
    """
    allowed = (*_LINEAR_LIKE, "tanh", "relu", "leaky_relu", "selu")
    check_in(nonlinearity, "nonlinearity", allowed, caller="calculate_gain")
    if nonlinearity in _LINEAR_LIKE:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "selu":
        return 3.0 / 4
    slope = 0.01 if param is None else check_number(param, "param", caller="calculate_gain")
    return math.sqrt(2.0 / (1 + slope**2))


def calculate_fan_in_and_fan_out(tensor: Any) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` of a weight with torch's convention.

    >>> calculate_fan_in_and_fan_out(np.zeros((16, 3, 5, 5)))  # a Conv2d(3, 16, 5) weight
    (75, 400)

    Introduced in :doc:`/book/optimisation/initialisation`.
    """
    data = _array(tensor, "calculate_fan_in_and_fan_out")
    if data.ndim < 2:
        raise ValueError("calculate_fan_in_and_fan_out: expected a weight with at least 2 "
                         f"dimensions, got shape {data.shape}")
    receptive_field = int(np.prod(data.shape[2:]))  # 1 for a Linear weight
    return data.shape[1] * receptive_field, data.shape[0] * receptive_field


def _fill(tensor: Any, values: np.ndarray | float) -> Any:
    data = tensor.data if isinstance(tensor, Parameter) else tensor
    data[...] = values
    return tensor


def uniform_(tensor: Any, a: float = 0.0, b: float = 1.0, *,
             rng: np.random.Generator | int | None = None) -> Any:
    """Fill with draws from :math:`U(a, b)`.

    Introduced in :doc:`/book/optimisation/initialisation`.
    """
    data = _array(tensor, "uniform_")
    a = check_number(a, "a", caller="uniform_")
    b = check_number(b, "b", caller="uniform_")
    if a > b:
        raise ValueError(f"uniform_: expected a <= b, got a={a}, b={b}")
    generator = resolve_rng(rng, caller="uniform_")
    return _fill(tensor, generator.uniform(a, b, size=data.shape))


def normal_(tensor: Any, mean: float = 0.0, std: float = 1.0, *,
            rng: np.random.Generator | int | None = None) -> Any:
    """Fill with draws from :math:`N(mean, std^2)`.

    >>> w = normal_(np.zeros((2, 2)), std=0.0); w
    array([[0., 0.],
           [0., 0.]])

    Introduced in :doc:`/book/optimisation/initialisation`.
    """
    data = _array(tensor, "normal_")
    check_number(mean, "mean", caller="normal_")
    check_number(std, "std", caller="normal_", low=0.0)
    generator = resolve_rng(rng, caller="normal_")
    return _fill(tensor, generator.normal(mean, std, size=data.shape))


def constant_(tensor: Any, val: float) -> Any:
    """Fill with ``val``.

    Introduced in :doc:`/book/optimisation/initialisation`.
    """
    _array(tensor, "constant_")
    return _fill(tensor, val)


def zeros_(tensor: Any) -> Any:
    """Fill with zeros.

    >>> zeros_(np.ones(3))
    array([0., 0., 0.])

    Introduced in :doc:`/book/optimisation/initialisation`.
    """
    _array(tensor, "zeros_")
    return _fill(tensor, 0.0)


def ones_(tensor: Any) -> Any:
    """Fill with ones.

    Introduced in :doc:`/book/optimisation/initialisation`.
    """
    _array(tensor, "ones_")
    return _fill(tensor, 1.0)


def xavier_uniform_(tensor: Any, gain: float = 1.0, *,
                    rng: np.random.Generator | int | None = None) -> Any:
    r"""Glorot and Bengio's uniform initialisation: :math:`U(-a, a)` with
    :math:`a = \text{gain}\sqrt{6 / (\text{fan\_in} + \text{fan\_out})}`.

    The standard deviation is then :math:`\text{gain}\sqrt{2/(\text{fan\_in}+\text{fan\_out})}`.

    >>> w = xavier_uniform_(np.zeros((300, 200)), rng=0)
    >>> round(float(w.std() / np.sqrt(2 / 500)), 2)
    1.0

    Introduced in :doc:`/book/optimisation/initialisation`.
    """
    fan_in, fan_out = calculate_fan_in_and_fan_out(_array(tensor, "xavier_uniform_"))
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, rng=rng)


def xavier_normal_(tensor: Any, gain: float = 1.0, *,
                   rng: np.random.Generator | int | None = None) -> Any:
    r"""Glorot and Bengio's normal initialisation: :math:`N(0, \sigma^2)` with
    :math:`\sigma = \text{gain}\sqrt{2/(\text{fan\_in}+\text{fan\_out})}`.

    Introduced in :doc:`/book/optimisation/initialisation`.
    """
    fan_in, fan_out = calculate_fan_in_and_fan_out(_array(tensor, "xavier_normal_"))
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng=rng)


def _kaiming_std(tensor: Any, a: float, mode: str, nonlinearity: str, caller: str) -> float:
    check_in(mode, "mode", ("fan_in", "fan_out"), caller=caller)
    fan_in, fan_out = calculate_fan_in_and_fan_out(_array(tensor, caller))
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor: Any, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", *,
                     rng: np.random.Generator | int | None = None) -> Any:
    r"""He et al.'s uniform initialisation: :math:`U(-b, b)` with
    :math:`b = \sqrt 3\, \text{gain} / \sqrt{\text{fan}}`.

    ``gain = calculate_gain(nonlinearity, a)``, with ``a`` the negative slope of a leaky
    ReLU (torch's defaults, ``a=0`` and ``"leaky_relu"``, give the ReLU gain
    :math:`\sqrt 2`); ``mode`` picks ``fan_in`` (preserves the variance of the forward
    signal) or ``fan_out`` (of the backward one).

    >>> w = kaiming_uniform_(np.zeros((256, 128, 3, 3)), nonlinearity="relu", rng=0)
    >>> round(float(w.std() / np.sqrt(2 / (128 * 9))), 2)
    1.0

    Introduced in :doc:`/book/optimisation/initialisation`.
    """
    std = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, rng=rng)


def kaiming_normal_(tensor: Any, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", *,
                    rng: np.random.Generator | int | None = None) -> Any:
    r"""He et al.'s normal initialisation: :math:`N(0, \sigma^2)` with
    :math:`\sigma = \text{gain} / \sqrt{\text{fan}}` (arguments as :func:`kaiming_uniform_`).

    Introduced in :doc:`/book/optimisation/initialisation`.
    """
    std = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_normal_")
    return normal_(tensor, 0.0, std, rng=rng)
