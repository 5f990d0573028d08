"""Tests of dlbook.torch.transfer: freeze, unfreeze, trainable_parameters."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from dlbook.data import DataLoader
from dlbook.torch.models import CourseCNN
from dlbook.torch.train import fit
from dlbook.torch.transfer import freeze, trainable_parameters, unfreeze


def small_model() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.Dropout(0.5), nn.ReLU(),
                         nn.Linear(3, 2))


def test_freeze_turns_off_gradients_of_the_part_only():
    model = small_model()
    assert freeze(model[:3]) is not None
    trainable = [name for name, p in model.named_parameters() if p.requires_grad]
    assert trainable == ["4.weight", "4.bias"]
    model(torch.randn(8, 4)).sum().backward()
    assert model[0].weight.grad is None and model[4].weight.grad is not None


def test_frozen_batch_norm_keeps_its_statistics_in_training_mode():
    model = small_model()
    freeze(model[:3])
    model.train()
    before = model[1].running_mean.clone()
    model(torch.randn(16, 4) + 5.0)
    torch.testing.assert_close(model[1].running_mean, before)
    assert not model[1].training and not model[2].training and model[4].training


def test_frozen_dropout_is_off_so_outputs_are_deterministic():
    model = small_model()
    freeze(model[:4])
    model.train()
    x = torch.randn(8, 4)
    torch.testing.assert_close(model(x), model(x))


def test_eval_mode_false_only_turns_off_gradients():
    model = small_model()
    freeze(model[:3], eval_mode=False)
    model.train()
    before = model[1].running_mean.clone()
    model(torch.randn(16, 4) + 5.0)
    assert not torch.equal(model[1].running_mean, before)
    assert not any(p.requires_grad for p in model[:3].parameters())


def test_unfreeze_restores_gradients_and_the_models_mode():
    model = small_model()
    unfreeze(freeze(model[:3]))
    assert all(p.requires_grad for p in model.parameters())
    model.train()
    before = model[1].running_mean.clone()
    model(torch.randn(16, 4) + 5.0)
    assert model[1].training and not torch.equal(model[1].running_mean, before)


def test_freezing_twice_then_unfreezing_leaves_no_hook():
    model = small_model()
    freeze(model[:3])
    freeze(model[:3])
    unfreeze(model[:3])
    assert all(len(m._forward_pre_hooks) == 0 for m in model.modules())


def test_fit_with_a_frozen_convolutional_base_changes_only_the_head():
    torch.manual_seed(0)
    model = CourseCNN(num_classes=3, channels=(4, 8), hidden_size=8)
    freeze(model[:6])
    base = {k: v.clone() for k, v in model.state_dict().items() if k[0] in "03"}
    head = model[10].weight.detach().clone()
    X = torch.rand(12, 1, 8, 8).numpy()
    y = (torch.arange(12) % 3).numpy()
    optimizer = torch.optim.Adam(trainable_parameters(model), lr=1e-2)
    fit(model, nn.CrossEntropyLoss(), optimizer, DataLoader(X, y, batch_size=4, rng=0),
        epochs=2, progress=False)
    for key, value in base.items():
        torch.testing.assert_close(model.state_dict()[key], value, rtol=0, atol=0)
    assert not torch.equal(model[10].weight, head)


def test_trainable_parameters_lists_each_trainable_parameter_once():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared, nn.Linear(2, 1))
    freeze(model[3])
    assert trainable_parameters(model) == [shared.weight, shared.bias]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: freeze("layer"), TypeError,
         r"freeze: expected module to be torch.nn.Module, got str"),
        (lambda: freeze(nn.Linear(2, 2), eval_mode=1), TypeError,
         r"freeze: expected eval_mode to be bool, got int"),
        (lambda: unfreeze(None), TypeError, r"unfreeze: expected module to be torch.nn.Module"),
        (lambda: trainable_parameters([1]), TypeError,
         r"trainable_parameters: expected model to be torch.nn.Module, got list"),
        (lambda: trainable_parameters(freeze(nn.Linear(2, 2))), ValueError,
         r"trainable_parameters: expected a model with at least one trainable parameter, "
         r"got 2 parameters, all frozen"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(call, error, message):
    with pytest.raises(error, match=message):
        call()
