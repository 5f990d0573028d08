"""Skip connections: a residual block, a small ResNet that can drop its skips, a dense block."""

from __future__ import annotations

import torch
from torch import nn

from dlbook._checks import check_int, check_positive_int, check_type
from dlbook.torch.nn import Linear

__all__ = ["ResidualBlock", "SmallResNet", "DenseBlock"]


def _conv3x3(in_channels: int, out_channels: int, bias: bool, factory: dict) -> nn.Conv2d:
    # padding 1 keeps the height and width, so the skip can be added without reshaping
    return nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, bias=bias, **factory)


class ResidualBlock(nn.Module):
    r"""Two 3 x 3 convolutions with an identity skip: ``relu(x + conv2(relu(conv1(x))))``.

    This is the "basic block" of He et al. (2016) with a constant number of channels and
    stride 1. The skip adds the input to the output of the two convolutions, so the block
    computes :math:`x + F(x)` and its Jacobian is :math:`I + \partial F / \partial x`: even when
    :math:`F`'s gradient is tiny, the identity carries the gradient to earlier layers.

    Parameters
    ----------
    channels
        Input and output channels.
    batch_norm
        Put a :class:`torch.nn.BatchNorm2d` after each convolution, as the paper does (then
        the convolutions have no bias). Off by default: batch normalisation is taught later.
    residual
        ``False`` drops the skip, leaving a plain stack ``relu(conv2(relu(conv1(x))))`` with
        exactly the same parameters: the control of the plain-versus-residual experiment.
    device, dtype
        Where and in what precision to create the parameters.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> block = ResidualBlock(4)
    >>> block(torch.zeros(2, 4, 5, 5)).shape
    torch.Size([2, 4, 5, 5])

    Introduced in :doc:`/book/cnn/landmarks`.
    """

    def __init__(self, channels: int, batch_norm: bool = False, residual: bool = True, *,
                 device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        check_positive_int(channels, "channels", caller="ResidualBlock")
        check_type(batch_norm, "batch_norm", bool, caller="ResidualBlock")
        check_type(residual, "residual", bool, caller="ResidualBlock")
        factory = {"device": device, "dtype": dtype}
        self.channels, self.residual = channels, residual
        self.conv1 = _conv3x3(channels, channels, not batch_norm, factory)
        self.bn1 = nn.BatchNorm2d(channels, **factory) if batch_norm else nn.Identity()
        self.conv2 = _conv3x3(channels, channels, not batch_norm, factory)
        self.bn2 = nn.BatchNorm2d(channels, **factory) if batch_norm else nn.Identity()
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 4 or x.shape[1] != self.channels:
            raise ValueError(f"ResidualBlock: expected input of shape (N, {self.channels}, H, W), "
                             f"got {tuple(x.shape)}")
        out = self.relu(self.bn1(self.conv1(x)))  # (N, C, H, W)
        out = self.bn2(self.conv2(out))  # (N, C, H, W)
        if self.residual:
            out = out + x
        return self.relu(out)

    def extra_repr(self) -> str:
        return f"channels={self.channels}, residual={self.residual}"


class SmallResNet(nn.Module):
    """A stack of residual blocks at one resolution, for small images; skips optional.

    Layers: a 3 x 3 convolution from ``in_channels`` to ``width`` channels and a ReLU (the
    stem), ``(depth - 2) // 2`` :class:`ResidualBlock` s of ``width`` channels, global average
    pooling and a linear classifier. ``depth`` counts the layers with weights, as He et al.
    do (ResNet-18 has 18: a stem, 16 convolutions in 8 blocks, a classifier), so it must be
    even and at least 2.

    Parameters
    ----------
    depth
        Layers with weights: 2 + 2 * (number of blocks); 30 gives 14 blocks.
    width
        Channels of every block.
    num_classes
        Outputs (logits).
    residual
        ``False`` builds the same network without its skips (a "plain" network).
    in_channels
        Channels of the input images.
    batch_norm
        Passed to every block (off by default).
    device, dtype
        Where and in what precision to create the parameters.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> plain = SmallResNet(depth=6, width=8, num_classes=10, residual=False)
    >>> len(plain.blocks), plain(torch.zeros(3, 1, 8, 8)).shape
    (2, torch.Size([3, 10]))

    Introduced in :doc:`/book/cnn/landmarks`.
    """

    def __init__(self, depth: int, width: int, num_classes: int, residual: bool = True,
                 in_channels: int = 1, batch_norm: bool = False, *,
                 device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        caller = "SmallResNet"
        check_int(depth, "depth", caller=caller, minimum=2)
        if depth % 2:
            raise ValueError(f"{caller}: expected an even depth (a stem, two convolutions per "
                             f"block, a classifier), got {depth}")
        check_positive_int(width, "width", caller=caller)
        check_positive_int(num_classes, "num_classes", caller=caller)
        check_positive_int(in_channels, "in_channels", caller=caller)
        factory = {"device": device, "dtype": dtype}
        self.depth, self.residual, self.in_channels = depth, residual, in_channels
        self.stem = nn.Sequential(_conv3x3(in_channels, width, True, factory), nn.ReLU())
        self.blocks = nn.Sequential(*(
            ResidualBlock(width, batch_norm, residual, **factory) for _ in range((depth - 2) // 2)
        ))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = Linear(width, num_classes, **factory)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f"SmallResNet: expected input of shape (N, {self.in_channels}, H, W),"
                             f" got {tuple(x.shape)}")
        features = self.blocks(self.stem(x))  # (N, width, H, W)
        return self.fc(self.pool(features).flatten(1))  # (N, num_classes)


class DenseBlock(nn.Module):
    """DenseNet's dense block: every layer sees the concatenation of all earlier outputs.

    Layer ``i`` maps ``in_channels + i * growth_rate`` channels to ``growth_rate`` new ones with
    ReLU then a 3 x 3 convolution (DenseNet's "BN-ReLU-Conv" with the batch norm optional), and
    its output is concatenated to its input along the channels. The block returns
    ``in_channels + num_layers * growth_rate`` channels at the input's height and width.

    Parameters
    ----------
    in_channels
        Channels of the input.
    growth_rate
        Channels each layer adds (DenseNet's k).
    num_layers
        Layers in the block.
    batch_norm
        Put a :class:`torch.nn.BatchNorm2d` before each ReLU (off by default).
    device, dtype
        Where and in what precision to create the parameters.

    Examples
    --------
    >>> block = DenseBlock(in_channels=16, growth_rate=12, num_layers=4)
    >>> block.out_channels, block(torch.zeros(1, 16, 6, 6)).shape
    (64, torch.Size([1, 64, 6, 6]))

    Introduced in :doc:`/book/cnn/landmarks`.
    """

    def __init__(self, in_channels: int, growth_rate: int, num_layers: int,
                 batch_norm: bool = False, *, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        caller = "DenseBlock"
        check_positive_int(in_channels, "in_channels", caller=caller)
        check_positive_int(growth_rate, "growth_rate", caller=caller)
        check_positive_int(num_layers, "num_layers", caller=caller)
        factory = {"device": device, "dtype": dtype}
        self.in_channels, self.growth_rate = in_channels, growth_rate
        self.out_channels = in_channels + num_layers * growth_rate
        self.layers = nn.ModuleList()
        for i in range(num_layers):
            channels = in_channels + i * growth_rate
            norm = nn.BatchNorm2d(channels, **factory) if batch_norm else nn.Identity()
            self.layers.append(nn.Sequential(
                norm, nn.ReLU(), _conv3x3(channels, growth_rate, not batch_norm, factory)
            ))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f"DenseBlock: expected input of shape (N, {self.in_channels}, H, W), "
                             f"got {tuple(x.shape)}")
        features = x
        for layer in self.layers:
            features = torch.cat([features, layer(features)], dim=1)  # (N, C + k, H, W)
        return features
