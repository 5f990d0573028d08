"""Tests of dlbook.torch.models.TinyUNet."""

from __future__ import annotations

import pytest
import torch

from dlbook.torch.models import TinyUNet, count_parameters


def test_output_has_the_input_size(device):
    torch.manual_seed(0)
    net = TinyUNet(in_channels=3, out_channels=2, width=4).to(device)
    out = net(torch.zeros(2, 3, 16, 20, device=device))
    assert out.shape == (2, 2, 16, 20) and out.device.type == device


def test_skips_concatenate_encoder_maps():
    with_skip, without = TinyUNet(width=4), TinyUNet(width=4, skip=False)
    assert with_skip.dec2[0].in_channels == 16 and without.dec2[0].in_channels == 8
    assert with_skip.dec1[0].in_channels == 8 and without.dec1[0].in_channels == 4
    assert count_parameters(with_skip) > count_parameters(without)
    assert without(torch.zeros(1, 1, 8, 8)).shape == (1, 1, 8, 8)


def test_bad_input():
    with pytest.raises(ValueError, match=r"TinyUNet: expected input of shape \(N, 1, H, W\) "
                                         r"with H and W multiples of 4, got \(1, 1, 10, 8\)"):
        TinyUNet(width=2)(torch.zeros(1, 1, 10, 8))
    with pytest.raises(TypeError, match="TinyUNet: expected skip to be bool"):
        TinyUNet(skip=1)
