"""Ready-made models built from :mod:`dlbook.np.nn` layers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dlbook._checks import check_float_dtype, check_in, check_positive_int, type_name
from dlbook.np.cnn import course_cnn  # noqa: F401  (Part II, re-exported)
from dlbook.np.nn import LeakyReLU, Linear, Module, ReLU, Sequential, Sigmoid, Tanh
from dlbook.random import resolve_rng

__all__ = ["mlp", "course_cnn", "ACTIVATIONS"]

#: The activation names :func:`mlp` accepts and the layer each one builds.
ACTIVATIONS: dict[str, type[Module]] = {
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "tanh": Tanh,
    "sigmoid": Sigmoid,
}


def mlp(
    in_features: int,
    hidden_sizes: Sequence[int],
    out_features: int,
    activation: str = "relu",
    *,
    dtype: Any = np.float32,
    rng: np.random.Generator | int | None = None,
) -> Sequential:
    """A multilayer perceptron: ``Linear`` layers with an activation between each pair.

    The output layer has no activation: the model returns logits (or regression
    outputs), which go straight into ``CrossEntropyLoss`` / ``BCEWithLogitsLoss`` /
    ``MSELoss``. Layers are numbered as in ``torch.nn.Sequential``, so a torch model built
    the same way has the same ``state_dict`` keys (``0.weight``, ``2.weight``, ...).

    Parameters
    ----------
    in_features : int
        Size of each input.
    hidden_sizes : sequence of int
        Width of each hidden layer (empty for a linear model).
    out_features : int
        Size of each output.
    activation : {"relu", "leaky_relu", "tanh", "sigmoid"}, default "relu"
        Activation after each hidden layer.
    dtype : numpy dtype, default numpy.float32
        Parameter dtype.
    rng : numpy.random.Generator, int or None
        Source of the initial weights; one generator is shared by all layers, drawn in
        order.

    Returns
    -------
    Sequential

    Examples
    --------
    >>> mlp(2, [16, 16], 3, activation="tanh", rng=0)
    Sequential(
      (0): Linear(in_features=2, out_features=16, bias=True)
      (1): Tanh()
      (2): Linear(in_features=16, out_features=16, bias=True)
      (3): Tanh()
      (4): Linear(in_features=16, out_features=3, bias=True)
    )

    Introduced in :doc:`/book/foundations/deep-learning`.
    """
    in_features = check_positive_int(in_features, "in_features", caller="mlp")
    out_features = check_positive_int(out_features, "out_features", caller="mlp")
    if isinstance(hidden_sizes, (str, bytes)) or not isinstance(hidden_sizes, Sequence):
        raise TypeError(f"mlp: expected hidden_sizes to be a sequence of ints, "
                        f"got {type_name(hidden_sizes)}")
    hidden = [check_positive_int(h, "every hidden size", caller="mlp") for h in hidden_sizes]
    check_in(activation, "activation", ACTIVATIONS, caller="mlp")
    dtype = check_float_dtype(dtype, caller="mlp")
    generator = resolve_rng(rng, caller="mlp")
    sizes = [in_features, *hidden, out_features]
    model = Sequential()
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        model.append(Linear(fan_in, fan_out, dtype=dtype, rng=generator))
        if i < len(hidden):
            model.append(ACTIVATIONS[activation]())
    return model
