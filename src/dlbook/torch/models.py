"""Ready-made PyTorch networks built from :mod:`dlbook.torch.nn` layers."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import torch
from torch import nn

from dlbook._checks import check_in, check_positive_int
from dlbook.torch.cnn import CourseCNN, count_parameters  # Part II, re-exported
from dlbook.torch.landmarks import alexnet, resnet18, resnet50, vgg16
from dlbook.torch.macs import count_macs
from dlbook.torch.nn import Linear
from dlbook.torch.resnet import DenseBlock, ResidualBlock, SmallResNet
from dlbook.torch.sequence import (  # Part III, re-exported
    EncoderDecoder,
    Forecaster,
    MelodyGenerator,
    SentenceClassifier,
    SentimentLSTM,
    SequenceRegressor,
    Tagger,
)
from dlbook.torch.unet import TinyUNet

__all__ = [
    "MLP", "ACTIVATIONS", "CourseCNN", "count_parameters", "count_macs", "ResidualBlock",
    "SmallResNet",
    "DenseBlock", "TinyUNet", "alexnet", "vgg16", "resnet18", "resnet50",
    "Forecaster", "SequenceRegressor", "Tagger", "MelodyGenerator", "SentenceClassifier",
    "EncoderDecoder", "SentimentLSTM",
]

#: Activation names accepted by :class:`MLP`, and the torch module each one builds.
ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "leaky_relu": nn.LeakyReLU,
}


class MLP(nn.Sequential):
    """A multilayer perceptron: Linear, activation, Linear, activation, ..., Linear.

    The last layer has no activation: the network returns scores (logits) for
    :class:`torch.nn.CrossEntropyLoss`, or raw values for regression.

    Parameters
    ----------
    in_features
        Inputs per sample.
    hidden_sizes
        Width of each hidden layer, e.g. ``(128,)`` or ``(64, 32)``; an int means one hidden
        layer; ``()`` gives a single linear layer (logistic or linear regression).
    out_features
        Outputs per sample (classes, for classification).
    activation
        ``"relu"`` (default), ``"tanh"``, ``"sigmoid"`` or ``"leaky_relu"``.
    device, dtype
        Passed to every :class:`dlbook.torch.nn.Linear`.

    Notes
    -----
    ``MLP`` is an :class:`torch.nn.Sequential`, so its layers are numbered in order, the
    activations included: with one hidden layer the parameters are ``0.weight``, ``0.bias``
    (first Linear), ``2.weight``, ``2.bias`` (second Linear; index 1 is the activation, which
    has none). These are exactly the names of the equivalent
    ``nn.Sequential(nn.Linear(...), nn.ReLU(), nn.Linear(...))`` and of
    :func:`dlbook.np.models.mlp`, so state dicts load across all three.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> model = MLP(64, (128,), 10)
    >>> model
    MLP(
      (0): Linear(in_features=64, out_features=128, bias=True)
      (1): ReLU()
      (2): Linear(in_features=128, out_features=10, bias=True)
    )
    >>> [name for name, _ in model.named_parameters()]
    ['0.weight', '0.bias', '2.weight', '2.bias']
    >>> model(torch.zeros(5, 64)).shape
    torch.Size([5, 10])

    Introduced in :doc:`/book/foundations/digits`.
    """

    def __init__(
        self,
        in_features: int,
        hidden_sizes: int | Sequence[int],
        out_features: int,
        activation: str = "relu",
        *,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        caller = "MLP"
        check_positive_int(in_features, "in_features", caller=caller)
        check_positive_int(out_features, "out_features", caller=caller)
        if isinstance(hidden_sizes, numbers.Integral) and not isinstance(hidden_sizes, bool):
            hidden_sizes = (int(hidden_sizes),)
        if isinstance(hidden_sizes, (str, bytes)) or not isinstance(hidden_sizes, Sequence):
            raise TypeError(f"{caller}: expected hidden_sizes to be an int or a sequence of ints, "
                            f"got {hidden_sizes!r}")
        hidden_sizes = tuple(
            check_positive_int(size, f"hidden_sizes[{i}]", caller=caller)
            for i, size in enumerate(hidden_sizes)
        )
        check_in(activation, "activation", ACTIVATIONS, caller=caller)
        sizes = (in_features, *hidden_sizes, out_features)
        layers: list[nn.Module] = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            layers.append(Linear(fan_in, fan_out, device=device, dtype=dtype))
            if i < len(sizes) - 2:  # no activation after the output layer
                layers.append(ACTIVATIONS[activation]())
        super().__init__(*layers)
        self.in_features = in_features
        self.hidden_sizes = hidden_sizes
        self.out_features = out_features
        self.activation = activation
