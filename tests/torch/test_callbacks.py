"""Tests of dlbook.torch.callbacks driven by dlbook.torch.train.fit on tiny models.

The rules themselves are tested against tables of scripted values in
tests/test_callbacks_core.py; here a scripted metric plays the monitored quantity, so each
test checks that fit calls the hooks in order, stops when told, restores the right weights,
applies the learning rates and writes the files.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlbook.data import DataLoader, circles
from dlbook.torch.callbacks import Callback, EarlyStopping, ModelCheckpoint, ReduceLROnPlateau
from dlbook.torch.train import fit
from tests.test_callbacks_core import scripted

pytestmark = pytest.mark.usefixtures("one_cpu_thread")


class Snapshots(Callback):
    """Keeps a copy of the weights at the end of every epoch, and records every hook."""

    def __init__(self):
        self.weights, self.hooks = {}, []

    def on_train_begin(self, state):
        self.hooks.append(("train_begin", state.epoch))

    def on_epoch_begin(self, state):
        self.hooks.append(("epoch_begin", state.epoch))

    def on_batch_end(self, state):
        self.hooks.append(("batch_end", state.epoch, state.batch))
        assert state.batch_loss.ndim == 0

    def on_epoch_end(self, state):
        self.hooks.append(("epoch_end", state.epoch))
        assert state.logs is state.history.records[-1] and state.logs["epoch"] == state.epoch
        self.weights[state.epoch] = {k: v.clone() for k, v in state.model.state_dict().items()}

    def on_train_end(self, state):
        self.hooks.append(("train_end", state.epoch))


def _setup(lr=0.1):
    X, y = circles(n_samples=60, noise=0.1, factor=0.5, rng=0)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loader = DataLoader(X, y, batch_size=30, shuffle=True, rng=0)  # 2 batches an epoch
    return model, optimizer, loader, (X, y)


def test_hooks_run_in_order_with_the_state_filled_in():
    model, optimizer, loader, val = _setup()
    first, second = Snapshots(), Snapshots()
    order = []

    class Tag(Callback):
        def __init__(self, name):
            self.name = name

        def on_epoch_end(self, state):
            order.append((self.name, state.epoch))

    history = fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=2,
                  val_data=val, callbacks=[first, Tag("a"), second, Tag("b")], progress=False)
    assert first.hooks == second.hooks == [
        ("train_begin", 0), ("epoch_begin", 0), ("batch_end", 0, 1), ("batch_end", 0, 2),
        ("epoch_end", 1), ("epoch_begin", 1), ("batch_end", 1, 1), ("batch_end", 1, 2),
        ("epoch_end", 2), ("train_end", 2)]
    assert order == [("a", 1), ("b", 1), ("a", 2), ("b", 2)]
    assert len(history) == 2


def test_early_stopping_stops_and_restores_the_best_epoch():
    model, optimizer, loader, val = _setup()
    snapshots = Snapshots()
    values = [1.0, 0.8, 0.9, 0.85, 0.7]
    stopper = EarlyStopping(monitor="val_score", mode="min", patience=2,
                            restore_best_weights=True)
    history = fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=10,
                  val_data=val, metrics=[scripted(values)], callbacks=[snapshots, stopper],
                  progress=False)
    assert len(history) == stopper.stopped_epoch == 4 and stopper.best_epoch == 2
    assert history["val_score"] == values[:4]
    for name, value in model.state_dict().items():
        assert torch.equal(value, snapshots.weights[2][name]), name
    assert not torch.equal(model.state_dict()["0.weight"], snapshots.weights[4]["0.weight"])


def test_early_stopping_on_the_real_validation_loss_without_restoring():
    model, optimizer, loader, val = _setup(lr=0.0)  # nothing changes: a plateau from epoch 1
    snapshots = Snapshots()
    history = fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=10,
                  val_data=val, callbacks=[snapshots, EarlyStopping(patience=3)], progress=False)
    assert len(history) == 4
    assert len(set(history["val_loss"])) == 1


def test_reduce_lr_on_plateau_sets_the_rate_of_the_next_epochs():
    model, optimizer, loader, val = _setup(lr=0.4)
    values = [1.0, 1.0, 1.0, 0.5, 0.6, 0.6]
    reduce = ReduceLROnPlateau(monitor="val_score", mode="min", factor=0.5, patience=1,
                               min_lr=0.1)
    history = fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=6,
                  val_data=val, metrics=[scripted(values)], callbacks=[reduce], progress=False)
    # epoch 2 and 3 do not improve on 1.0: reduced after each; epoch 5 does not improve on 0.5
    assert history["lr"] == [0.4, 0.4, 0.2, 0.1, 0.1, 0.1]
    assert optimizer.param_groups[0]["lr"] == 0.1


def test_keras_callback_and_torch_scheduler_reduce_one_epoch_apart():
    values = [1.0, 2.0, 2.0, 2.0, 2.0]
    model, optimizer, loader, val = _setup(lr=1.0)
    keras = fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=5, val_data=val,
                metrics=[scripted(values)], progress=False,
                callbacks=[ReduceLROnPlateau(monitor="val_score", mode="min", patience=2,
                                             min_delta=0.0)])
    model, optimizer, loader, val = _setup(lr=1.0)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, patience=2, threshold=0.0)
    torch_run = fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=5,
                    val_data=val, metrics=[scripted(values)], scheduler=plateau,
                    scheduler_monitor="val_score", progress=False)
    assert keras["lr"] == pytest.approx([1.0, 1.0, 1.0, 0.1, 0.1])
    assert torch_run["lr"] == pytest.approx([1.0, 1.0, 1.0, 1.0, 0.1])


def test_model_checkpoint_writes_the_best_weights_and_full_checkpoints(tmp_path):
    model, optimizer, loader, val = _setup()
    snapshots = Snapshots()
    values = [1.0, 0.8, 0.9, 0.7]
    best = ModelCheckpoint(tmp_path / "best.pt", monitor="val_score", mode="min",
                           save_best_only=True, save_weights_only=True)
    every = ModelCheckpoint(str(tmp_path / "run-{epoch:02d}.pt"))
    fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=4, val_data=val,
        metrics=[scripted(values)], callbacks=[snapshots, best, every], progress=False)
    weights = torch.load(tmp_path / "best.pt", weights_only=True)
    assert weights.keys() == snapshots.weights[4].keys()
    assert all(torch.equal(weights[k], snapshots.weights[4][k]) for k in weights)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "best.pt", "run-01.pt", "run-02.pt", "run-03.pt", "run-04.pt"]
    full = torch.load(tmp_path / "run-02.pt", weights_only=True)
    assert full["epoch"] == 2 and len(full["history"]["records"]) == 2
    assert all(torch.equal(full["model"][k], snapshots.weights[2][k]) for k in full["model"])
    assert [c["name"] for c in full["callbacks"]] == ["Snapshots", "ModelCheckpoint",
                                                       "ModelCheckpoint"]
    assert full["callbacks"][1]["state"] == {"best": 0.8}  # best.pt's state at epoch 2


def test_stop_training_in_on_batch_end_ends_the_epoch_at_that_batch():
    model, optimizer, loader, val = _setup()

    class StopInTheSecondEpoch(Callback):
        def on_batch_end(self, state):
            state.stop_training = state.epoch == 1 and state.batch == 1

    history = fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=5,
                  val_data=val, callbacks=[StopInTheSecondEpoch()], progress=False)
    assert len(history) == 2 and len(history.iteration_loss) == 3


def test_a_missing_monitor_and_bad_callbacks_are_refused():
    model, optimizer, loader, _ = _setup()
    with pytest.raises(ValueError, match=r"EarlyStopping: monitor='val_loss' is not in the "
                                         r"epoch's logs; available: train_loss, train_acc, lr, "
                                         r"time \(pass val_data= to fit"):
        fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=2,
            callbacks=[EarlyStopping()], progress=False)
    with pytest.raises(TypeError, match=r"fit: expected callbacks to be a list of Callback "
                                        r"instances, got dlbook.*EarlyStopping"):
        fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=2,
            callbacks=EarlyStopping(), progress=False)
    with pytest.raises(TypeError, match=r"fit: expected every callback to be a Callback "
                                        r"instance .*, got function"):
        fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=2,
            callbacks=[lambda state: None], progress=False)


def test_the_same_classes_serve_the_numpy_loop():
    import dlbook.np.callbacks as np_callbacks

    assert np_callbacks.EarlyStopping is EarlyStopping
    assert np_callbacks.ModelCheckpoint is ModelCheckpoint
    assert np.isfinite(ReduceLROnPlateau().min_delta)
