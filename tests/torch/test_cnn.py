"""Tests of dlbook.torch.models.CourseCNN and count_parameters."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from dlbook.torch.models import CourseCNN, count_parameters


def test_layers_and_parameter_names_follow_torch_sequential():
    model = CourseCNN()
    kinds = [type(layer).__name__ for layer in model]
    assert kinds == ["Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten",
                     "Linear", "ReLU", "Dropout", "Linear"]
    assert [(name, tuple(p.shape)) for name, p in model.named_parameters()] == [
        ("0.weight", (32, 1, 3, 3)), ("0.bias", (32,)),
        ("3.weight", (64, 32, 3, 3)), ("3.bias", (64,)),
        ("7.weight", (128, 256)), ("7.bias", (128,)),
        ("10.weight", (10, 128)), ("10.bias", (10,)),
    ]
    assert model[0].padding == (1, 1) and model[9].p == 0.5


def test_loads_an_equivalent_plain_torch_sequential(device):
    torch.manual_seed(0)
    reference = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(256, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10),
    ).to(device=device, dtype=torch.float64).eval()
    model = CourseCNN(device=device, dtype=torch.float64).eval()
    model.load_state_dict(reference.state_dict())
    x = torch.randn(3, 1, 8, 8, dtype=torch.float64, device=device)
    torch.testing.assert_close(model(x), reference(x), rtol=1e-7, atol=1e-12)
    assert model(x).device.type == device


@pytest.mark.parametrize(("image_size", "padding", "flat"), [(8, 1, 256), (28, 0, 1600),
                                                            (28, 1, 3136), (9, 1, 256)])
def test_shapes_for_several_image_sizes(device, image_size, padding, flat):
    model = CourseCNN(in_channels=3, num_classes=7, image_size=image_size, padding=padding,
                      device=device)
    assert model.flat_features == flat and model[7].in_features == flat
    out = model(torch.zeros(2, 3, image_size, image_size, device=device))
    assert out.shape == (2, 7) and out.device.type == device


def test_the_courses_keras_network_on_mnist_sized_images():
    # Keras: Conv2D(32,3) 320 + Conv2D(64,3) 18,496 + Dense(128) 204,928 + Dense(10) 1,290
    assert count_parameters(CourseCNN(image_size=28, padding=0)) == 225_034
    # On 8 x 8 digits with padding 1: 320 + 18,496 + 256 * 128 + 128 + 1,290
    assert count_parameters(CourseCNN()) == 320 + 18_496 + 32_896 + 1_290


def test_dropout_acts_only_in_training():
    torch.manual_seed(0)
    model = CourseCNN()
    x = torch.rand(4, 1, 8, 8)
    model.eval()
    assert torch.equal(model(x), model(x))
    model.train()
    assert not torch.equal(model(x), model(x))


def test_count_parameters_counts_shared_once_and_trainable_only():
    layer = nn.Linear(4, 3)
    shared = nn.Sequential(layer, nn.ReLU(), layer)  # the same layer twice
    assert count_parameters(shared) == 15
    layer.bias.requires_grad_(False)
    assert count_parameters(layer, trainable_only=True) == 12
    assert count_parameters(layer) == 15


def test_count_parameters_on_meta_device_allocates_nothing():
    model = CourseCNN(image_size=28, padding=0, device="meta")
    assert all(p.is_meta for p in model.parameters())
    assert count_parameters(model) == 225_034


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"image_size": 8, "padding": 0}, ValueError,
         r"image_size 8 is too small for padding=0.*8 -> 6 -> 3 -> 1 -> 0.*or padding=1"),
        ({"image_size": 3}, ValueError,
         r"image_size 3 is too small for padding=1: .*3 -> 3 -> 1 -> 1 -> 0"),
        ({"padding": 2}, ValueError, r"expected padding to be one of 0, 1, got 2"),
        ({"channels": (32,)}, ValueError, r"expected channels to hold 2 sizes"),
        ({"dropout": 1.5}, ValueError, r"expected dropout <= 1.0"),
        ({"num_classes": 0}, ValueError, r"expected num_classes >= 1"),
        ({"in_channels": 1.0}, TypeError, r"expected in_channels to be an int"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=f"CourseCNN: {message}"):
        CourseCNN(**kwargs)


def test_count_parameters_rejects_non_modules():
    with pytest.raises(TypeError, match="count_parameters: expected model to be "
                                        "torch.nn.Module, got list"):
        count_parameters([torch.zeros(3)])


def test_course_cnn_slices_into_a_plain_sequential():
    from dlbook.torch.models import CourseCNN

    net = CourseCNN()
    features = net[:7]  # the convolutional part, up to Flatten
    assert isinstance(features, torch.nn.Sequential)
    assert list(features.state_dict()) == ["0.weight", "0.bias", "3.weight", "3.bias"]
    x = torch.zeros(2, 1, 8, 8)
    assert features(x).shape == (2, net.flat_features)
