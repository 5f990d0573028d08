"""Tests of ResidualBlock, SmallResNet and DenseBlock (dlbook.torch.models)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from dlbook.torch.models import DenseBlock, ResidualBlock, SmallResNet, count_parameters


def _plain_path(block: ResidualBlock, x: torch.Tensor) -> torch.Tensor:
    return torch.relu(block.conv2(torch.relu(block.conv1(x))))


def test_residual_block_adds_the_input_and_the_plain_block_does_not(device):
    torch.manual_seed(0)
    block = ResidualBlock(3, device=device, dtype=torch.float64)
    x = torch.randn(2, 3, 5, 4, dtype=torch.float64, device=device)
    inner = block.conv2(torch.relu(block.conv1(x)))
    torch.testing.assert_close(block(x), torch.relu(inner + x), rtol=1e-12, atol=1e-12)
    block.residual = False
    torch.testing.assert_close(block(x), _plain_path(block, x), rtol=1e-12, atol=1e-12)
    assert block(x).device.type == device


def test_zero_weights_make_a_residual_block_pass_relu_of_the_input():
    block = ResidualBlock(2)
    plain = ResidualBlock(2, residual=False)
    for module in (block, plain):
        for p in module.parameters():
            nn.init.zeros_(p)
    x = torch.randn(1, 2, 3, 3)
    assert torch.equal(block(x), torch.relu(x))  # the identity survives
    assert torch.equal(plain(x), torch.zeros_like(x))  # nothing gets through


def test_plain_and_residual_networks_have_identical_parameters():
    torch.manual_seed(0)
    residual = SmallResNet(depth=30, width=8, num_classes=10)
    plain = SmallResNet(depth=30, width=8, num_classes=10, residual=False)
    assert len(residual.blocks) == 14 and all(not b.residual for b in plain.blocks)
    assert [(n, p.shape) for n, p in residual.named_parameters()] == [
        (n, p.shape) for n, p in plain.named_parameters()]
    plain.load_state_dict(residual.state_dict())
    x = torch.randn(2, 1, 8, 8)
    assert not torch.allclose(plain(x), residual(x))
    convs = [m for m in residual.modules() if isinstance(m, nn.Conv2d)]
    assert len(convs) + 1 == 30  # depth counts the layers with weights: convs + classifier


def test_small_resnet_shapes_and_device(device):
    model = SmallResNet(depth=4, width=6, num_classes=3, in_channels=2, device=device)
    out = model(torch.zeros(5, 2, 7, 9, device=device))
    assert out.shape == (5, 3) and out.device.type == device
    assert count_parameters(SmallResNet(2, 6, 3)) == (9 * 6 + 6) + (6 * 3 + 3)


def test_gradients_reach_the_first_layer_of_a_deep_residual_network():
    torch.manual_seed(0)
    x = torch.randn(8, 1, 8, 8)
    norms = {}
    for residual in (True, False):
        torch.manual_seed(1)
        model = SmallResNet(depth=30, width=8, num_classes=10, residual=residual)
        model(x).square().sum().backward()
        norms[residual] = model.stem[0].weight.grad.norm().item()
    assert norms[True] > 100 * norms[False], norms


def test_batch_norm_option():
    block = ResidualBlock(4, batch_norm=True)
    assert isinstance(block.bn1, nn.BatchNorm2d) and block.conv1.bias is None
    assert isinstance(ResidualBlock(4).bn1, nn.Identity)


def test_dense_block_concatenates(device):
    torch.manual_seed(0)
    block = DenseBlock(in_channels=3, growth_rate=2, num_layers=4, device=device)
    x = torch.randn(2, 3, 5, 5, device=device)
    out = block(x)
    assert out.shape == (2, 3 + 4 * 2, 5, 5) and block.out_channels == 11
    assert torch.equal(out[:, :3], x)  # the input is passed on untouched
    first = block.layers[0](x)
    torch.testing.assert_close(out[:, 3:5], first)
    in_channels = [layer[2].in_channels for layer in block.layers]
    assert in_channels == [3, 5, 7, 9]


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: ResidualBlock(0), ValueError, "ResidualBlock: expected channels >= 1"),
        (lambda: ResidualBlock(2, residual=1), TypeError, "ResidualBlock: expected residual"),
        (lambda: SmallResNet(5, 4, 2), ValueError, "SmallResNet: expected an even depth"),
        (lambda: SmallResNet(0, 4, 2), ValueError, "SmallResNet: expected depth >= 2"),
        (lambda: DenseBlock(3, 0, 2), ValueError, "DenseBlock: expected growth_rate >= 1"),
    ],
)
def test_bad_arguments(build, error, message):
    with pytest.raises(error, match=message):
        build()


@pytest.mark.parametrize(
    ("module", "shape", "message"),
    [
        (ResidualBlock(3), (2, 4, 5, 5), r"ResidualBlock: expected input of shape \(N, 3, H, W\)"),
        (SmallResNet(4, 3, 2), (2, 3, 5, 5),
         r"SmallResNet: expected input of shape \(N, 1, H, W\)"),
        (DenseBlock(3, 2, 2), (3, 5, 5), r"DenseBlock: expected input of shape \(N, 3, H, W\)"),
    ],
)
def test_bad_inputs(module, shape, message):
    with pytest.raises(ValueError, match=message):
        module(torch.zeros(shape))
