"""Tests of dlbook.np.callbacks driven by dlbook.np.train.fit (the rules themselves are tested
against scripted tables in tests/test_callbacks_core.py)."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.data import DataLoader, circles
from dlbook.np import nn, optim
from dlbook.np.callbacks import Callback, EarlyStopping, ModelCheckpoint, ReduceLROnPlateau
from dlbook.np.train import fit
from tests.test_callbacks_core import scripted


class Snapshots(Callback):
    def __init__(self):
        self.weights = {}

    def on_epoch_end(self, state):
        self.weights[state.epoch] = state.model.state_dict()


def _setup(lr=0.1):
    X, y = circles(n_samples=60, noise=0.1, factor=0.5, rng=0)
    model = nn.Sequential(nn.Linear(2, 8, dtype=np.float64, rng=0), nn.ReLU(),
                          nn.Linear(8, 2, dtype=np.float64, rng=1))
    optimizer = optim.SGD(model.parameters(), lr=lr)
    return model, optimizer, DataLoader(X, y, batch_size=30, shuffle=True, rng=0), (X, y)


def test_early_stopping_stops_and_restores_the_best_epoch():
    model, optimizer, loader, val = _setup()
    snapshots = Snapshots()
    stopper = EarlyStopping(monitor="val_score", mode="min", patience=2,
                            restore_best_weights=True)
    history = fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=10, val_data=val,
                  metrics=[scripted([1.0, 0.8, 0.9, 0.85, 0.7])],
                  callbacks=[snapshots, stopper], progress=False)
    assert len(history) == stopper.stopped_epoch == 4 and stopper.best_epoch == 2
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, snapshots.weights[2][name], err_msg=name)


def test_reduce_lr_on_plateau_changes_the_numpy_optimizer_rates():
    model, optimizer, loader, val = _setup(lr=0.4)
    reduce = ReduceLROnPlateau(monitor="val_score", mode="min", factor=0.5, patience=1,
                               min_lr=0.1)
    history = fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=6, val_data=val,
                  metrics=[scripted([1.0, 1.0, 1.0, 0.5, 0.6, 0.6])], callbacks=[reduce],
                  progress=False)
    assert history["lr"] == [0.4, 0.4, 0.2, 0.1, 0.1, 0.1]


def test_model_checkpoint_writes_npz_files(tmp_path):
    model, optimizer, loader, val = _setup()
    snapshots = Snapshots()
    fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=3, val_data=val,
        metrics=[scripted([1.0, 0.8, 0.9])], progress=False,
        callbacks=[snapshots, ModelCheckpoint(tmp_path / "best.npz", monitor="val_score",
                                              mode="min", save_best_only=True,
                                              save_weights_only=True),
                   ModelCheckpoint(tmp_path / "run-{epoch}.npz")])
    with np.load(tmp_path / "best.npz", allow_pickle=False) as weights:
        assert set(weights.files) == set(snapshots.weights[2])
        for name in weights.files:
            np.testing.assert_array_equal(weights[name], snapshots.weights[2][name])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["best.npz", "run-1.npz", "run-2.npz",
                                                           "run-3.npz"]


def test_a_missing_monitor_is_refused():
    model, optimizer, loader, _ = _setup()
    with pytest.raises(ValueError, match=r"ReduceLROnPlateau: monitor='val_loss' is not in the "
                                         r"epoch's logs; available: train_loss, train_acc, lr"):
        fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=2,
            callbacks=[ReduceLROnPlateau()], progress=False)
