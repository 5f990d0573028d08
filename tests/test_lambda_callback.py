"""Tests of dlbook.callbacks_core.lambda_callback.LambdaCallback in both training loops."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import dlbook.np.callbacks as np_callbacks
import dlbook.torch.callbacks as torch_callbacks
from dlbook.callbacks_core.lambda_callback import LambdaCallback
from dlbook.data import DataLoader
from dlbook.np import nn as np_nn
from dlbook.np import optim as np_optim
from dlbook.np.train import fit as np_fit
from dlbook.torch.train import fit as torch_fit

X = np.linspace(-1, 1, 32).reshape(32, 1)


def recorder(events):
    def hook(name):
        return lambda state: events.append((name, state.epoch, state.batch))
    return LambdaCallback(**{name: hook(name) for name in
                             ("on_train_begin", "on_epoch_begin", "on_batch_end",
                              "on_epoch_end", "on_train_end")})


def test_same_object_on_both_sides():
    assert np_callbacks.LambdaCallback is torch_callbacks.LambdaCallback is LambdaCallback
    assert "LambdaCallback" in np_callbacks.__all__ and "LambdaCallback" in torch_callbacks.__all__


@pytest.mark.parametrize("side", ["torch", "np"])
def test_hooks_are_called_in_order_with_the_state(side):
    events = []
    loader = DataLoader(X, 2 * X, batch_size=16)
    if side == "torch":
        model = torch.nn.Linear(1, 1)
        torch_fit(model, torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1),
                  loader, epochs=2, metrics=None, progress=False, callbacks=[recorder(events)])
    else:
        model = np_nn.Linear(1, 1, rng=0)
        np_fit(model, np_nn.MSELoss(), np_optim.SGD(model.parameters(), lr=0.1), loader,
               epochs=2, metrics=None, progress=False, callbacks=[recorder(events)])
    names = [name for name, _, _ in events]
    assert names == (["on_train_begin"]
                     + ["on_epoch_begin", "on_batch_end", "on_batch_end", "on_epoch_end"] * 2
                     + ["on_train_end"])
    epoch_ends = [epoch for name, epoch, _ in events if name == "on_epoch_end"]
    assert epoch_ends == [1, 2]
    assert [batch for name, _, batch in events if name == "on_batch_end"] == [1, 2, 1, 2]


def test_a_function_can_stop_training_and_read_the_logs():
    model = torch.nn.Linear(1, 1)
    losses = []

    def stop_after_two(state):
        losses.append(state.logs["train_loss"])
        state.stop_training = state.epoch == 2

    history = torch_fit(model, torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1),
                        DataLoader(X, 2 * X, batch_size=16), epochs=10, metrics=None,
                        progress=False, callbacks=[LambdaCallback(on_epoch_end=stop_after_two)])
    assert len(history) == 2 and losses == history["train_loss"]


def test_unset_hooks_do_nothing_and_repr_names_the_set_ones():
    callback = LambdaCallback(on_epoch_end=print)
    assert callback.on_batch_end(None) is None
    assert repr(callback) == "LambdaCallback(on_epoch_end)"
    assert callback.state_dict() == {}


def test_bad_input():
    with pytest.raises(TypeError, match="LambdaCallback: expected on_epoch_end to be a function "
                                        "of the training state or None, got int"):
        LambdaCallback(on_epoch_end=3)
    with pytest.raises(TypeError):
        LambdaCallback(on_batch_begin=print)  # not one of our hooks
