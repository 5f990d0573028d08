"""A tiny U-Net: a contracting path, an expanding path and skip connections between them."""

from __future__ import annotations

import torch
from torch import nn

from dlbook._checks import check_positive_int, check_type

__all__ = ["TinyUNet"]


def _double_conv(in_channels: int, out_channels: int) -> nn.Sequential:
    # padding 1 keeps the size, so encoder and decoder maps line up without cropping
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, padding=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, 3, padding=1), nn.ReLU(),
    )


class TinyUNet(nn.Module):
    """A two-level U-Net (Ronneberger et al., 2015) that returns one logit map per class.

    Contracting path: two 3 x 3 convolutions, 2 x 2 max pooling, twice, with ``width``,
    then ``2 * width`` channels; a bottleneck of ``4 * width`` channels at a quarter of the
    resolution. Expanding path: a 2 x 2 transposed convolution doubles the resolution, the
    encoder's map of the same size is concatenated (the skip connection), two 3 x 3
    convolutions follow; twice. A 1 x 1 convolution gives ``out_channels`` logits per pixel.
    Unlike the paper's network, the convolutions are padded, so the output has the input's
    height and width (the paper's unpadded convolutions shrink it and crop the skips).

    Parameters
    ----------
    in_channels
        Channels of the input image.
    out_channels
        Logit maps returned (1 for a foreground/background mask with
        :class:`torch.nn.BCEWithLogitsLoss`).
    width
        Channels of the first level (the paper uses 64).
    skip
        ``False`` drops the two skip connections (the decoder sees only the upsampled
        bottleneck), for the ablation that shows what they are for.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> net = TinyUNet(width=4)
    >>> net(torch.zeros(2, 1, 16, 12)).shape
    torch.Size([2, 1, 16, 12])

    Introduced in :doc:`/book/cnn/applications`.
    """

    def __init__(self, in_channels: int = 1, out_channels: int = 1, width: int = 8,
                 skip: bool = True) -> None:
        super().__init__()
        check_positive_int(in_channels, "in_channels", caller="TinyUNet")
        check_positive_int(out_channels, "out_channels", caller="TinyUNet")
        check_positive_int(width, "width", caller="TinyUNet")
        check_type(skip, "skip", bool, caller="TinyUNet")
        self.in_channels, self.skip = in_channels, skip
        merged = 2 if skip else 1  # a skip doubles the channels the decoder sees
        self.down1 = _double_conv(in_channels, width)
        self.down2 = _double_conv(width, 2 * width)
        self.bottom = _double_conv(2 * width, 4 * width)
        self.pool = nn.MaxPool2d(2)
        self.up2 = nn.ConvTranspose2d(4 * width, 2 * width, kernel_size=2, stride=2)
        self.dec2 = _double_conv(merged * 2 * width, 2 * width)
        self.up1 = nn.ConvTranspose2d(2 * width, width, kernel_size=2, stride=2)
        self.dec1 = _double_conv(merged * width, width)
        self.head = nn.Conv2d(width, out_channels, kernel_size=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 4 or x.shape[1] != self.in_channels or x.shape[2] % 4 or x.shape[3] % 4:
            raise ValueError(f"TinyUNet: expected input of shape (N, {self.in_channels}, H, W) "
                             f"with H and W multiples of 4, got {tuple(x.shape)}")
        skip1 = self.down1(x)  # (N, w, H, W)
        skip2 = self.down2(self.pool(skip1))  # (N, 2w, H/2, W/2)
        bottom = self.bottom(self.pool(skip2))  # (N, 4w, H/4, W/4)
        up = self.up2(bottom)  # (N, 2w, H/2, W/2)
        up = self.dec2(torch.cat([skip2, up], dim=1) if self.skip else up)  # (N, 2w, H/2, W/2)
        up = self.up1(up)  # (N, w, H, W)
        up = self.dec1(torch.cat([skip1, up], dim=1) if self.skip else up)  # (N, w, H, W)
        return self.head(up)  # (N, out_channels, H, W)
