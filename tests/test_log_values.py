"""LogValues: quantities of the user's choosing in every epoch's record, in both fit loops."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import dlbook.np.callbacks as np_callbacks
import dlbook.torch.callbacks as torch_callbacks
from dlbook.callbacks_core import Callback
from dlbook.callbacks_core.log_values import LogValues
from dlbook.data import DataLoader
from dlbook.np import nn as np_nn
from dlbook.np import optim as np_optim
from dlbook.np.train import fit as np_fit
from dlbook.torch.train import fit as torch_fit


def _data():
    X = np.linspace(-1, 1, 32).reshape(32, 1)
    return X, 3 * X


def test_both_sides_export_the_same_class():
    assert np_callbacks.LogValues is torch_callbacks.LogValues is LogValues
    assert "LogValues" in np_callbacks.__all__ and "LogValues" in torch_callbacks.__all__


def test_numpy_fit_logs_the_weights_after_every_epoch_and_later_callbacks_see_it():
    X, Y = _data()
    model = np_nn.Linear(1, 1, rng=0)
    seen = []

    class Spy(Callback):
        def on_epoch_end(self, state):
            seen.append(state.logs["weight"])

    history = np_fit(model, np_nn.MSELoss(), np_optim.SGD(model.parameters(), lr=0.1),
                     DataLoader(X, Y, batch_size=8), epochs=3, metrics=None, progress=False,
                     callbacks=[LogValues(weight=lambda m: m.weight.data[0, 0]), Spy()])
    assert history["weight"] == seen
    assert len(seen) == 3 and seen[-1] == float(model.weight.data[0, 0])
    assert len(set(seen)) == 3  # the weight moved every epoch


def test_torch_fit_logs_a_held_out_score_every_epoch():
    X, Y = _data()
    torch.manual_seed(0)
    model = torch.nn.Linear(1, 1)
    held_out = torch.as_tensor(X[:4], dtype=torch.float32)

    def held_out_loss(m):
        with torch.no_grad():
            return float(((m(held_out) - 3 * held_out) ** 2).mean())

    history = torch_fit(model, torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1),
                        DataLoader(X, Y, batch_size=8), epochs=4, metrics=None, progress=False,
                        callbacks=[LogValues(held_out=held_out_loss, twice=lambda m: 2.0)])
    assert len(history["held_out"]) == 4 and history["twice"] == [2.0] * 4
    assert history["held_out"][-1] == pytest.approx(held_out_loss(model), rel=1e-12)
    assert history["held_out"][-1] < history["held_out"][0]


def test_bad_arguments_and_values():
    with pytest.raises(ValueError, match="LogValues: expected at least one name=function"):
        LogValues()
    with pytest.raises(TypeError, match="expected score= to be a function of the model, got int"):
        LogValues(score=3)
    X, Y = _data()
    model = np_nn.Linear(1, 1, rng=0)

    def run(callback):
        np_fit(model, np_nn.MSELoss(), np_optim.SGD(model.parameters(), lr=0.1),
               DataLoader(X, Y, batch_size=8), epochs=1, metrics=None, progress=False,
               callbacks=[callback])

    with pytest.raises(ValueError, match="'train_loss' is already in the epoch's record"):
        run(LogValues(train_loss=lambda m: 0.0))
    with pytest.raises(TypeError, match="expected bad's function to return a real number, got str"):
        run(LogValues(bad=lambda m: "high"))
