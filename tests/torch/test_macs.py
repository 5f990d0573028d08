"""Tests of dlbook.torch.models.count_macs."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from dlbook.torch.models import CourseCNN, count_macs


def test_linear_counts_every_weight_once():
    assert count_macs(nn.Linear(7, 5), (7,)) == 7 * 5
    assert count_macs(nn.Linear(7, 5, bias=False), (7,)) == 7 * 5


@pytest.mark.parametrize("stride, padding, groups", [(1, 0, 1), (1, 1, 1), (2, 1, 1), (1, 1, 2)])
def test_conv2d_closed_form(stride, padding, groups):
    conv = nn.Conv2d(4, 6, kernel_size=3, stride=stride, padding=padding, groups=groups)
    side_out = (9 + 2 * padding - 3) // stride + 1
    expected = 6 * (4 // groups) * 3 * 3 * side_out * side_out
    assert count_macs(conv, (4, 9, 9)) == expected


def test_sums_layers_and_ignores_activations_and_pooling():
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(2 * 4 * 4, 3))
    assert count_macs(model, (1, 8, 8)) == 2 * 9 * 64 + 32 * 3


def test_course_cnn_on_meta_device_and_training_mode_restored():
    model = CourseCNN(device="meta")
    model.train()
    model[0].eval()
    on_meta = count_macs(model, (1, 8, 8))
    assert on_meta == count_macs(CourseCNN(), (1, 8, 8))
    assert model.training and not model[0].training  # each module's mode as it was


def test_batch_norm_model_counts_in_evaluation_mode():
    model = nn.Sequential(nn.Flatten(), nn.Linear(4, 3), nn.BatchNorm1d(3))
    assert count_macs(model, (4,)) == 12  # a batch of one would fail in training mode
    assert model.training


def test_bad_input():
    with pytest.raises(TypeError, match="count_macs: expected model to be"):
        count_macs("not a model", (3,))
    with pytest.raises(TypeError, match="count_macs: expected input_shape to be a non-empty"):
        count_macs(nn.Linear(3, 2), 3)
    with pytest.raises(TypeError, match="count_macs: expected input_shape to be a non-empty"):
        count_macs(nn.Linear(3, 2), ())
    with pytest.raises(ValueError, match=r"count_macs: expected input_shape of positive ints, "
                                         r"got \(3, 0\)"):
        count_macs(nn.Linear(3, 2), (3, 0))
    with pytest.raises(ValueError, match="positive ints"):
        count_macs(nn.Linear(3, 2), (3.0,))


def test_model_without_parameters_runs_on_the_cpu():
    assert count_macs(nn.Flatten(), (2, 3)) == 0
    assert isinstance(count_macs(nn.Linear(2, 2).double(), (2,)), int)
    assert torch.get_default_dtype() == torch.float32
