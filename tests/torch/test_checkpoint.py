"""Tests of dlbook.torch.checkpoint: atomic saves, weights-only loading and exact resumption.

Two tests kill a training process for real (``os._exit``, which skips every ``finally`` and
flushes nothing): once in the middle of writing a checkpoint, once in the middle of an epoch.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from dlbook._atomic import temporary_files
from dlbook.data import DataLoader, circles
from dlbook.history import History
from dlbook.np.random import manual_seed
from dlbook.torch.callbacks import Callback, EarlyStopping, ModelCheckpoint
from dlbook.torch.checkpoint import (
    load_checkpoint,
    rng_state,
    save_checkpoint,
    save_weights,
    set_rng_state,
)
from dlbook.torch.train import fit

REPO = Path(__file__).resolve().parents[2]
EPOCHS = 5


pytestmark = pytest.mark.usefixtures("one_cpu_thread")


class KillAt(Callback):
    """Ends the process at once (no cleanup at all) at batch ``batch`` of epoch ``epoch``."""

    def __init__(self, epoch, batch, code):
        self.epoch, self.batch, self.code = epoch, batch, code

    def on_batch_end(self, state):
        if state.epoch + 1 == self.epoch and state.batch == self.batch:
            os._exit(self.code)


def build(loader_kind="dlbook"):
    """A run with everything that makes resumption hard: shuffling, dropout, Adam, OneCycleLR
    (stepped every batch) and an EarlyStopping that keeps the best weights."""
    torch.manual_seed(0)
    manual_seed(0)  # the loader's shuffling seed is drawn from dlbook.np.random's generator
    X, y = circles(n_samples=150, noise=0.2, factor=0.5, rng=0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Dropout(0.3),
                                torch.nn.Linear(16, 2))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    if loader_kind == "dlbook":
        loader = DataLoader(X[:120], y[:120], batch_size=30, shuffle=True)  # seed drawn lazily
    else:
        dataset = torch.utils.data.TensorDataset(torch.tensor(X[:120], dtype=torch.float32),
                                                 torch.tensor(y[:120]))
        loader = torch.utils.data.DataLoader(dataset, batch_size=30, shuffle=True,
                                             generator=torch.Generator().manual_seed(1))
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.05,
                                                    total_steps=EPOCHS * len(loader))
    return dict(model=model, loss_fn=torch.nn.CrossEntropyLoss(), optimizer=optimizer,
                train_loader=loader, val_data=(X[120:], y[120:]), scheduler=scheduler)


def train(parts, **kwargs):
    callbacks = [EarlyStopping(patience=EPOCHS, restore_best_weights=True)]
    callbacks += kwargs.pop("callbacks", [])
    return fit(parts.pop("model"), parts.pop("loss_fn"), parts.pop("optimizer"),
               parts.pop("train_loader"), epochs=EPOCHS, callbacks=callbacks, progress=False,
               **parts, **kwargs)


def run_python(code: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, OMP_NUM_THREADS="1", DLBOOK_PROGRESS="0")
    return subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def assert_same_state(a, b, where="state"):
    """Bitwise equality of nested dicts/lists of tensors and numbers."""
    if isinstance(a, torch.Tensor):
        assert torch.equal(a, b), where
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_same_state(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same_state(x, y, f"{where}[{i}]")
    else:
        assert a == b or (a != a and b != b), f"{where}: {a!r} != {b!r}"


KILLED_RUN = """
import sys
import torch
torch.set_num_threads(1)
from tests.torch.test_checkpoint import KillAt, ModelCheckpoint, build, train
path, kind = sys.argv[1], sys.argv[2]
# killed in the middle of epoch 4, after epoch 3's checkpoint was written
train(build(kind), callbacks=[ModelCheckpoint(path), KillAt(epoch=4, batch=2, code=17)])
"""


@pytest.mark.parametrize("loader_kind", ["dlbook", "torch"])
def test_a_killed_run_resumed_ends_bitwise_equal_to_an_uninterrupted_one(tmp_path, loader_kind):
    path = tmp_path / "run.pt"
    killed = run_python(KILLED_RUN, str(path), loader_kind)
    assert killed.returncode == 17, killed.stderr
    assert load_checkpoint(path)["epoch"] == 3

    whole = build(loader_kind)
    model, optimizer, scheduler = whole["model"], whole["optimizer"], whole["scheduler"]
    expected = train(whole)
    resumed_parts = build(loader_kind)
    resumed_model, resumed_optimizer = resumed_parts["model"], resumed_parts["optimizer"]
    resumed_scheduler = resumed_parts["scheduler"]
    history = train(resumed_parts, resume_from=path)

    assert len(history) == len(expected) == EPOCHS
    for (name, p), q in zip(model.named_parameters(), resumed_model.parameters(), strict=True):
        assert torch.equal(p, q), name
    assert_same_state(optimizer.state_dict(), resumed_optimizer.state_dict(), "optimizer")
    assert_same_state(scheduler.state_dict(), resumed_scheduler.state_dict(), "scheduler")
    assert history.iteration_loss == expected.iteration_loss
    drop_time = [{k: v for k, v in r.items() if k != "time"} for r in history.records]
    assert drop_time == [{k: v for k, v in r.items() if k != "time"} for r in expected.records]


HALF_WRITE = """
import os, sys
import torch
torch.set_num_threads(1)
from tests.torch.test_checkpoint import Callback, ModelCheckpoint, build, train
real_save = torch.save

def half_save(obj, f, **kwargs):  # write half of the file, then die
    import io
    buffer = io.BytesIO()
    real_save(obj, buffer, **kwargs)
    data = buffer.getvalue()
    f.write(data[: len(data) // 2])
    f.flush()
    os._exit(23)

class BreakSavingAt3(Callback):
    def on_epoch_end(self, state):
        if state.epoch == 3:
            torch.save = half_save

train(build(), callbacks=[BreakSavingAt3(), ModelCheckpoint(sys.argv[1])])
"""


def test_a_crash_while_saving_leaves_the_previous_checkpoint_and_the_next_save_cleans_up(
        tmp_path):
    path = tmp_path / "run.pt"
    crashed = run_python(HALF_WRITE, str(path))
    assert crashed.returncode == 23, crashed.stderr
    leftovers = temporary_files(path)
    assert len(leftovers) == 1 and os.path.dirname(leftovers[0]) == str(tmp_path)
    assert 0 < os.path.getsize(leftovers[0]) < os.path.getsize(path)
    checkpoint = torch.load(path, weights_only=True)  # the previous one, complete
    assert checkpoint["epoch"] == 2 and len(checkpoint["history"]["records"]) == 2
    with pytest.raises(ValueError, match=r"cannot read the checkpoint"):
        load_checkpoint(leftovers[0])

    history = train(build(), callbacks=[ModelCheckpoint(path)], resume_from=path)
    assert len(history) == EPOCHS and load_checkpoint(path)["epoch"] == EPOCHS
    assert temporary_files(path) == [] and sorted(os.listdir(tmp_path)) == ["run.pt"]


def test_a_checkpoint_loads_with_weights_only_and_holds_everything(tmp_path):
    path = tmp_path / "run.pt"
    parts = build()
    train(parts | {}, callbacks=[ModelCheckpoint(path)])
    checkpoint = torch.load(path, weights_only=True)
    assert set(checkpoint) == {"format", "version", "epoch", "stop_training", "model",
                               "optimizer", "scheduler", "scaler", "callbacks", "rng", "loader",
                               "history"}
    assert checkpoint["epoch"] == EPOCHS and checkpoint["scaler"] is None
    assert set(checkpoint["rng"]) == {"torch", "cuda", "numpy", "python"}
    assert checkpoint["loader"]["kind"] == "state_dict"
    early = checkpoint["callbacks"][0]
    assert early["name"] == "EarlyStopping" and early["state"]["best_epoch"] >= 1
    assert set(early["state"]["best_weights"]) == set(checkpoint["model"])


def test_a_run_that_had_stopped_resumes_to_its_end_at_once(tmp_path):
    X, y = circles(n_samples=60, noise=0.1, factor=0.5, rng=0)

    def parts():
        torch.manual_seed(0)
        model = torch.nn.Linear(2, 2)
        return model, torch.optim.SGD(model.parameters(), lr=0.0)

    path = tmp_path / "stopped.pt"
    model, optimizer = parts()
    loader = DataLoader(X, y, batch_size=30)
    history = fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=10,
                  val_data=(X, y), progress=False,
                  callbacks=[EarlyStopping(patience=1), ModelCheckpoint(path)])
    assert len(history) == 2
    model, optimizer = parts()
    again = fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=10,
                val_data=(X, y), progress=False, resume_from=path,
                callbacks=[EarlyStopping(patience=1), ModelCheckpoint(path)])
    assert len(again) == 2 and again.records[1]["val_loss"] == history.records[1]["val_loss"]


def test_resume_from_a_missing_corrupt_or_foreign_file_is_refused(tmp_path):
    parts = build()
    with pytest.raises(ValueError, match=r"fit: expected resume_from to be a checkpoint file, "
                                         r"got '.*nowhere.pt', which does not exist"):
        train(dict(parts), resume_from=tmp_path / "nowhere.pt")
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"not a checkpoint at all")
    with pytest.raises(ValueError, match=r"fit: cannot read the checkpoint '.*garbage.pt' "
                                         r"\(truncated, corrupt or not written by "
                                         r"save_checkpoint\)"):
        train(dict(parts), resume_from=garbage)
    weights = tmp_path / "weights.pt"
    save_weights(weights, parts["model"])
    with pytest.raises(ValueError, match=r"fit: '.*weights.pt' is not a training checkpoint "
                                         r"written by ModelCheckpoint or save_checkpoint"):
        train(dict(parts), resume_from=weights)
    with pytest.raises(TypeError, match=r"fit: expected the checkpoint path to be a str or "
                                        r"os.PathLike, got int"):
        train(dict(parts), resume_from=3)


def test_resume_with_other_parts_is_refused(tmp_path):
    path = tmp_path / "run.pt"
    parts = build()
    save_checkpoint(path, model=parts["model"], optimizer=parts["optimizer"], epoch=7,
                    history=History(), scheduler=parts["scheduler"])
    with pytest.raises(ValueError, match=r"fit: the checkpoint has 7 epochs done, more than "
                                         r"epochs=5"):
        train(build(), resume_from=path)
    without = build()
    without.pop("scheduler")
    with pytest.raises(ValueError, match=r"fit: the checkpoint was written with a scheduler; "
                                         r"resume with the same scheduler"):
        train(without, resume_from=path)
    other = build()
    other["model"] = torch.nn.Linear(2, 2)
    other["optimizer"] = torch.optim.Adam(other["model"].parameters())
    other["scheduler"] = torch.optim.lr_scheduler.OneCycleLR(other["optimizer"], max_lr=0.05,
                                                             total_steps=20)
    with pytest.raises(ValueError, match=r"fit: the checkpoint's model state does not fit the "
                                         r"model given"):
        train(other, resume_from=path)


def test_rng_state_round_trips_every_generator():
    import random

    saved = rng_state()
    first = (torch.rand(3), np.random.rand(3), random.random())  # noqa: NPY002
    set_rng_state(saved)
    again = (torch.rand(3), np.random.rand(3), random.random())  # noqa: NPY002
    assert torch.equal(first[0], again[0]) and np.array_equal(first[1], again[1])
    assert first[2] == again[2]
