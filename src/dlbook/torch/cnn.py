"""The course's convolutional network, and counting parameters."""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

from dlbook._checks import check_number, check_positive_int, check_type
from dlbook.shapes import course_cnn_feature_size
from dlbook.torch.nn import Linear

__all__ = ["CourseCNN", "count_parameters"]


class CourseCNN(nn.Sequential):
    """The course's CNN: two convolution + pooling stages, then a dense classifier.

    The course builds, in Keras, ``Conv2D(32, 3x3, relu)``, ``MaxPooling2D(2)``,
    ``Conv2D(64, 3x3, relu)``, ``MaxPooling2D(2)``, ``Flatten``, ``Dense(128, relu)``,
    ``Dropout(0.5)``, ``Dense(10, softmax)`` for 28 x 28 MNIST images. This is that network,
    with one honest change for the 8 x 8 digits the book trains on: Keras's convolutions are
    ``'valid'`` (no padding), and then an 8 x 8 image shrinks 8 -> 6 -> 3 -> 1, and the second
    pooling has nothing left to pool. So the convolutions here pad by one pixel (``'same'``,
    ``padding=1``): 8 -> 8 -> 4 -> 4 -> 2, and ``Flatten`` gives 64 * 2 * 2 = 256 features.
    ``padding=0`` with ``image_size=28`` gives the course's network exactly (flatten 1,600).
    The softmax is not a layer: the model returns logits, and
    :class:`torch.nn.CrossEntropyLoss` applies log-softmax itself, which is numerically
    safer than a softmax followed by a logarithm.

    Parameters
    ----------
    in_channels
        Channels of the input images (1 for grey).
    num_classes
        Outputs (logits).
    image_size
        Side of the square input images; it fixes the size of the first dense layer.
    channels
        Output channels of the two convolutions, ``(32, 64)`` as in the course.
    hidden_size
        Width of the dense hidden layer (128).
    dropout
        Probability of zeroing a hidden unit while training (0.5).
    padding
        1 (``'same'``, default) or 0 (``'valid'``, as Keras's default).
    device, dtype
        Where and in what precision to create the parameters.

    Notes
    -----
    The layers are numbered as in a :class:`torch.nn.Sequential`: the parameters are
    ``0.*`` (first convolution), ``3.*`` (second convolution), ``7.*`` (dense hidden layer)
    and ``10.*`` (output layer), the names of :func:`dlbook.np.models.course_cnn`, so state
    dicts load across the two.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> model = CourseCNN()
    >>> model(torch.zeros(5, 1, 8, 8)).shape
    torch.Size([5, 10])
    >>> [name for name, _ in model.named_parameters()][::2]
    ['0.weight', '3.weight', '7.weight', '10.weight']
    >>> count_parameters(model)
    53002

    Introduced in :doc:`/book/cnn/course-cnn`.
    """

    def __init__(
        self,
        in_channels: int = 1,
        num_classes: int = 10,
        image_size: int = 8,
        channels: tuple[int, int] = (32, 64),
        hidden_size: int = 128,
        dropout: float = 0.5,
        padding: int = 1,
        *,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        caller = "CourseCNN"
        check_positive_int(in_channels, "in_channels", caller=caller)
        check_positive_int(num_classes, "num_classes", caller=caller)
        check_positive_int(hidden_size, "hidden_size", caller=caller)
        check_number(dropout, "dropout", caller=caller, low=0.0, high=1.0)
        check_type(channels, "channels", (tuple, list), caller=caller)
        if len(channels) != 2:
            raise ValueError(f"{caller}: expected channels to hold 2 sizes, got {channels!r}")
        first, second = (check_positive_int(c, "channels[i]", caller=caller) for c in channels)
        side = course_cnn_feature_size(image_size, padding, caller=caller)
        factory = {"device": device, "dtype": dtype}
        super().__init__(
            nn.Conv2d(in_channels, first, kernel_size=3, padding=padding, **factory),  # 0
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2),
            nn.Conv2d(first, second, kernel_size=3, padding=padding, **factory),  # 3
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2),
            nn.Flatten(),  # (N, second * side * side)
            Linear(second * side * side, hidden_size, **factory),  # 7
            nn.ReLU(),
            nn.Dropout(dropout),
            Linear(hidden_size, num_classes, **factory),  # 10
        )
        self.image_size = image_size
        self.flat_features = second * side * side

    def __getitem__(self, index: int | slice) -> nn.Module:
        # nn.Sequential slices by calling type(self)(OrderedDict), which CourseCNN's own
        # arguments cannot take: a slice is a plain nn.Sequential with the same layer names.
        if isinstance(index, slice):
            return nn.Sequential(OrderedDict(list(self._modules.items())[index]))
        return super().__getitem__(index)


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """Number of scalar parameters of ``model``, each shared parameter counted once.

    Works on models built on the ``"meta"`` device, which hold shapes but no memory, so
    counting VGG-16's 138 million parameters costs nothing.

    >>> count_parameters(torch.nn.Linear(3, 2))  # 3 * 2 weights + 2 biases
    8

    Introduced in :doc:`/book/cnn/landmarks`.
    """
    check_type(model, "model", nn.Module, caller="count_parameters")
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
