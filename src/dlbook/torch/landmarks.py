"""Landmark ImageNet architectures, compact, built on the "meta" device for counting.

torchvision is not a dependency of the book, so these are written from the papers (and from
torchvision's published layer lists, whose parameter counts they reproduce exactly). By
default they are built on ``device="meta"``: every tensor has a shape and no storage, so a
138-million-parameter VGG-16 costs no memory, and a forward pass on a meta tensor still
checks every shape. Pass ``device="cpu"`` for a real (randomly initialised) network.
"""

from __future__ import annotations

import torch
from torch import nn

from dlbook._checks import check_in, check_positive_int

__all__ = ["alexnet", "vgg16", "resnet18", "resnet50"]

Device = torch.device | str


def _check(num_classes: int, caller: str) -> None:
    check_positive_int(num_classes, "num_classes", caller=caller)


def alexnet(num_classes: int = 1000, variant: str = "torchvision", *,
            device: Device = "meta") -> nn.Sequential:
    """AlexNet (Krizhevsky, Sutskever and Hinton, 2012) for 3 x 224 x 224 images.

    ``variant="torchvision"`` is the single-GPU version torchvision ships (64, 192, 384, 256,
    256 channels; 61,100,840 parameters). ``variant="paper"`` is the network of the paper,
    split over two GPUs: 96, 256, 384, 384, 256 channels, where convolutions 2, 4 and 5 see
    only the half of the channels on their own GPU (``groups=2``); 60,965,224 parameters, the
    "60 million" of the paper. Both end in three dense layers (9,216 -> 4,096 -> 4,096 ->
    classes) that hold most of the parameters.

    >>> from dlbook.torch.models import count_parameters
    >>> count_parameters(alexnet()), count_parameters(alexnet(variant="paper"))
    (61100840, 60965224)

    Introduced in :doc:`/book/cnn/landmarks`.
    """
    _check(num_classes, "alexnet")
    check_in(variant, "variant", ("torchvision", "paper"), caller="alexnet")
    paper = variant == "paper"
    c1, c2, c3, c4, c5 = (96, 256, 384, 384, 256) if paper else (64, 192, 384, 256, 256)
    groups = 2 if paper else 1
    with torch.device(device):
        return nn.Sequential(
            nn.Conv2d(3, c1, 11, stride=4, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
            nn.Conv2d(c1, c2, 5, padding=2, groups=groups), nn.ReLU(), nn.MaxPool2d(3, 2),
            nn.Conv2d(c2, c3, 3, padding=1), nn.ReLU(),
            nn.Conv2d(c3, c4, 3, padding=1, groups=groups), nn.ReLU(),
            nn.Conv2d(c4, c5, 3, padding=1, groups=groups), nn.ReLU(), nn.MaxPool2d(3, 2),
            nn.AdaptiveAvgPool2d(6), nn.Flatten(),  # (N, c5 * 6 * 6) = (N, 9216)
            nn.Dropout(0.5), nn.Linear(c5 * 36, 4096), nn.ReLU(),
            nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(),
            nn.Linear(4096, num_classes),
        )


def vgg16(num_classes: int = 1000, *, device: Device = "meta") -> nn.Sequential:
    """VGG-16 (Simonyan and Zisserman, 2015, configuration D): 13 3 x 3 convolutions, 3 dense.

    138,357,544 parameters, of which the first dense layer (25,088 -> 4,096) holds 102,764,544.

    >>> from dlbook.torch.models import count_parameters
    >>> count_parameters(vgg16())
    138357544

    Introduced in :doc:`/book/cnn/landmarks`.
    """
    _check(num_classes, "vgg16")
    plan = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M",
            512, 512, 512, "M"]
    layers: list[nn.Module] = []
    channels = 3
    with torch.device(device):
        for item in plan:
            if item == "M":
                layers.append(nn.MaxPool2d(2))
            else:
                layers += [nn.Conv2d(channels, item, 3, padding=1), nn.ReLU()]
                channels = item
        layers += [
            nn.AdaptiveAvgPool2d(7), nn.Flatten(),  # (N, 512 * 7 * 7) = (N, 25088)
            nn.Linear(512 * 49, 4096), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(4096, num_classes),
        ]
        return nn.Sequential(*layers)


class _Bottleneck(nn.Module):
    """1 x 1 (reduce), 3 x 3, 1 x 1 (expand x 4) with batch norm, plus a projected skip."""

    def __init__(self, in_channels: int, width: int, stride: int, expansion: int) -> None:
        super().__init__()
        out_channels = width * expansion
        if expansion == 1:  # the basic block of ResNet-18/34: two 3 x 3 convolutions
            self.body = nn.Sequential(
                nn.Conv2d(in_channels, width, 3, stride, 1, bias=False), nn.BatchNorm2d(width),
                nn.ReLU(), nn.Conv2d(width, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width))
        else:  # stride on the 3 x 3 convolution, as torchvision's "ResNet v1.5"
            self.body = nn.Sequential(
                nn.Conv2d(in_channels, width, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
                nn.Conv2d(width, width, 3, stride, 1, bias=False), nn.BatchNorm2d(width),
                nn.ReLU(), nn.Conv2d(width, out_channels, 1, bias=False),
                nn.BatchNorm2d(out_channels))
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or in_channels != out_channels:  # shapes differ: project (option B)
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                nn.BatchNorm2d(out_channels))
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(self.body(x) + self.shortcut(x))


def _resnet(blocks: tuple[int, ...], expansion: int, num_classes: int, device: Device
            ) -> nn.Sequential:
    with torch.device(device):
        layers: list[nn.Module] = [
            nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
            nn.MaxPool2d(3, stride=2, padding=1),
        ]
        channels = 64
        for stage, count in enumerate(blocks):
            width = 64 * 2 ** stage
            for i in range(count):
                stride = 2 if stage > 0 and i == 0 else 1
                layers.append(_Bottleneck(channels, width, stride, expansion))
                channels = width * expansion
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes)]
        return nn.Sequential(*layers)


def resnet18(num_classes: int = 1000, *, device: Device = "meta") -> nn.Sequential:
    """ResNet-18 (He et al., 2016): 8 basic blocks of two 3x3 convolutions, 11,689,512 parameters.

    >>> from dlbook.torch.models import count_parameters
    >>> count_parameters(resnet18())
    11689512

    Introduced in :doc:`/book/cnn/landmarks`.
    """
    _check(num_classes, "resnet18")
    return _resnet((2, 2, 2, 2), 1, num_classes, device)


def resnet50(num_classes: int = 1000, *, device: Device = "meta") -> nn.Sequential:
    """ResNet-50 (He et al., 2016): 16 bottleneck blocks (1x1, 3x3, 1x1), 25,557,032 parameters.

    >>> from dlbook.torch.models import count_parameters
    >>> count_parameters(resnet50())
    25557032

    Introduced in :doc:`/book/cnn/landmarks`.
    """
    _check(num_classes, "resnet50")
    return _resnet((3, 4, 6, 3), 4, num_classes, device)
