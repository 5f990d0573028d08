"""Tests of dlbook.np.checkpoint: np.savez checkpoints, atomic saves and exact resumption."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dlbook.np as dnp
from dlbook._atomic import temporary_files
from dlbook.data import DataLoader, circles
from dlbook.history import History
from dlbook.np import nn, optim
from dlbook.np.callbacks import Callback, EarlyStopping, ModelCheckpoint, ReduceLROnPlateau
from dlbook.np.checkpoint import load_checkpoint, save_checkpoint, save_weights
from dlbook.np.train import fit

EPOCHS = 5
REPO = Path(__file__).resolve().parents[2]


class Interrupted(Exception):
    pass


class InterruptAt(Callback):
    def __init__(self, epoch, batch):
        self.epoch, self.batch = epoch, batch

    def on_batch_end(self, state):
        if state.epoch + 1 == self.epoch and state.batch == self.batch:
            raise Interrupted


def build():
    """Shuffling drawn from the global generator, two dropouts (one with its own generator),
    Adam, a scheduler and two stateful callbacks."""
    dnp.manual_seed(0)
    X, y = circles(n_samples=150, noise=0.2, factor=0.5, rng=0)
    model = nn.Sequential(nn.Linear(2, 16, dtype=np.float64), nn.ReLU(), nn.Dropout(0.3),
                          nn.Linear(16, 16, dtype=np.float64), nn.ReLU(),
                          nn.Dropout(0.2, rng=5), nn.Linear(16, 2, dtype=np.float64))
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    return dict(model=model, loss_fn=nn.CrossEntropyLoss(), optimizer=optimizer,
                train_loader=DataLoader(X[:120], y[:120], batch_size=30, shuffle=True),
                val_data=(X[120:], y[120:]),
                scheduler=optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5))


def train(parts, callbacks=(), **kwargs):
    callbacks = [EarlyStopping(patience=EPOCHS, restore_best_weights=True),
                 ReduceLROnPlateau(patience=1, factor=0.5), *callbacks]
    return fit(parts.pop("model"), parts.pop("loss_fn"), parts.pop("optimizer"),
               parts.pop("train_loader"), epochs=EPOCHS, callbacks=callbacks, progress=False,
               **parts, **kwargs)


def test_an_interrupted_run_resumed_ends_bitwise_equal_to_an_uninterrupted_one(tmp_path):
    path = tmp_path / "run.npz"
    whole = build()
    model, optimizer = whole["model"], whole["optimizer"]
    expected = train(whole)
    with pytest.raises(Interrupted):
        train(build(), [ModelCheckpoint(path), InterruptAt(epoch=4, batch=2)])
    assert load_checkpoint(path)["epoch"] == 3
    dnp.manual_seed(123)  # whatever happened since: the checkpoint holds every generator
    parts = build()
    resumed_model, resumed_optimizer = parts["model"], parts["optimizer"]
    history = train(parts, resume_from=path)
    for (name, p), q in zip(model.named_parameters(), resumed_model.parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data, err_msg=name)
    ours, theirs = optimizer.state_dict(), resumed_optimizer.state_dict()
    assert ours["param_groups"] == theirs["param_groups"]
    for index, values in ours["state"].items():
        for key, value in values.items():
            np.testing.assert_array_equal(value, theirs["state"][index][key])
    assert history.iteration_loss == expected.iteration_loss
    drop_time = [{k: v for k, v in r.items() if k != "time"} for r in history.records]
    assert drop_time == [{k: v for k, v in r.items() if k != "time"} for r in expected.records]


def test_the_file_loads_without_pickle_and_holds_everything(tmp_path):
    path = tmp_path / "run.npz"
    train(build(), [ModelCheckpoint(path)])
    with np.load(path, allow_pickle=False) as archive:
        assert "__meta__" in archive.files
    checkpoint = load_checkpoint(path)
    assert checkpoint["epoch"] == EPOCHS and not checkpoint["stop_training"]
    assert set(checkpoint["rng"]) == {"python", "numpy", "dlbook", "modules"}
    # both dropouts' generators, by name: layer 2 holds the global one, layer 5 its own
    assert list(checkpoint["rng"]["modules"]) == ["2.rng", "5.rng"]
    assert checkpoint["rng"]["modules"]["2.rng"] == checkpoint["rng"]["dlbook"]
    assert [c["name"] for c in checkpoint["callbacks"]] == ["EarlyStopping",
                                                           "ReduceLROnPlateau",
                                                           "ModelCheckpoint"]
    assert checkpoint["loader"]["epoch"] == EPOCHS
    assert isinstance(checkpoint["optimizer"]["state"], dict)
    assert all(isinstance(k, int) for k in checkpoint["optimizer"]["state"])


def test_a_failed_save_leaves_the_previous_file_and_stale_temporaries_are_removed(tmp_path,
                                                                                  monkeypatch):
    path = tmp_path / "run.npz"
    parts = build()
    model, optimizer = parts["model"], parts["optimizer"]
    save_checkpoint(path, model=model, optimizer=optimizer, epoch=1, history=History())
    stale = tmp_path / ".run.npz.999-dead.tmp"  # as left by a process killed mid-write
    stale.write_bytes(b"half")
    assert temporary_files(path) == [str(stale)]

    def broken(handle, **arrays):
        handle.write(b"PK\x03\x04 half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(path, model=model, optimizer=optimizer, epoch=2, history=History())
    monkeypatch.undo()
    assert load_checkpoint(path)["epoch"] == 1
    assert temporary_files(path) == [str(stale)]  # ours was removed; the stale one is left
    save_checkpoint(path, model=model, optimizer=optimizer, epoch=3, history=History())
    assert load_checkpoint(path)["epoch"] == 3 and temporary_files(path) == []
    assert os.listdir(tmp_path) == ["run.npz"]


def test_missing_corrupt_and_foreign_files_are_refused(tmp_path):
    with pytest.raises(ValueError, match=r"fit: expected resume_from to be a checkpoint file, "
                                         r"got '.*nowhere.npz', which does not exist"):
        train(build(), resume_from=tmp_path / "nowhere.npz")
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"PK\x03\x04 not really a zip file")
    with pytest.raises(ValueError, match=r"fit: cannot read the checkpoint '.*garbage.npz'"):
        train(build(), resume_from=garbage)
    text = tmp_path / "text.npz"
    text.write_text("hello")
    with pytest.raises(ValueError, match=r"fit: cannot read the checkpoint '.*text.npz'"):
        train(build(), resume_from=text)
    weights = tmp_path / "weights.npz"
    parts = build()
    save_weights(weights, parts["model"])
    with pytest.raises(ValueError, match=r"fit: '.*weights.npz' is not a training checkpoint"):
        train(build(), resume_from=weights)
    model = build()["model"]
    with np.load(weights) as arrays:
        model.load_state_dict(dict(arrays))
    full = tmp_path / "full.npz"
    train(build(), [ModelCheckpoint(full)])
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    with pytest.raises(ValueError, match=r"fit: cannot read the checkpoint '.*truncated.npz'"):
        train(build(), resume_from=truncated)
    other = build()
    other["model"] = nn.Linear(2, 2, rng=0)
    other["optimizer"] = optim.Adam(other["model"].parameters())
    other["scheduler"] = optim.lr_scheduler.StepLR(other["optimizer"], 2)
    with pytest.raises(ValueError, match=r"fit: the checkpoint's model state does not fit the "
                                         r"model given"):
        train(other, resume_from=full)


KILLED = """
import os, sys
import numpy as np
from tests.np.test_checkpoint import Callback, ModelCheckpoint, build, train
path, where = sys.argv[1], sys.argv[2]
real_savez = np.savez

def half_savez(handle, **arrays):  # write half of the archive, then die without cleanup
    import io
    buffer = io.BytesIO()
    real_savez(buffer, **arrays)
    data = buffer.getvalue()
    handle.write(data[: len(data) // 2])
    handle.flush()
    os._exit(23)

class KillAt3(Callback):
    def on_epoch_end(self, state):  # runs before the loop writes epoch 3's checkpoint
        if state.epoch == 3 and where == "saving":
            np.savez = half_savez

    def on_batch_end(self, state):
        if state.epoch == 3 and state.batch == 2 and where == "epoch":
            os._exit(17)

train(build(), [KillAt3(), ModelCheckpoint(path)])
"""


@pytest.mark.parametrize(("where", "code"), [("saving", 23), ("epoch", 17)])
def test_a_process_killed_while_saving_or_training_resumes_to_the_same_end(tmp_path, where,
                                                                           code):
    path = tmp_path / "run.npz"
    env = dict(os.environ, OMP_NUM_THREADS="1", DLBOOK_PROGRESS="0")
    killed = subprocess.run([sys.executable, "-c", KILLED, str(path), where], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == code, killed.stderr
    leftovers = temporary_files(path)
    assert len(leftovers) == (1 if where == "saving" else 0)
    assert load_checkpoint(path)["epoch"] == (2 if where == "saving" else 3)

    whole = build()
    model = whole["model"]
    expected = train(whole)
    parts = build()
    resumed_model = parts["model"]
    history = train(parts, [ModelCheckpoint(path)], resume_from=path)
    for (name, p), q in zip(model.named_parameters(), resumed_model.parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data, err_msg=name)
    assert history.iteration_loss == expected.iteration_loss
    assert temporary_files(path) == [] and os.listdir(tmp_path) == ["run.npz"]
