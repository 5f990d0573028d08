"""Tests of dlbook.history.History."""

from __future__ import annotations

import math

import pytest

from dlbook.history import History, metric_name
from dlbook.metrics import accuracy


def _history():
    history = History()
    for epoch, (train, val, acc) in enumerate([(1.0, 1.1, 0.5), (0.6, 0.7, 0.8), (0.4, 0.9, 0.8)]):
        for step in range(4):
            history.log_iteration(train + 0.1 * (4 - step) + epoch)
        history.log_epoch(train_loss=train, val_loss=val, val_acc=acc, lr=0.1)
    return history


def test_records_and_columns():
    history = _history()
    assert len(history) == 3
    assert len(history.iteration_loss) == 12
    assert history["train_loss"] == [1.0, 0.6, 0.4]
    columns = history.as_dict()
    assert list(columns) == ["epoch", "train_loss", "val_loss", "val_acc", "lr"]
    assert columns["epoch"] == [1, 2, 3]
    assert all(len(column) == 3 for column in columns.values())
    assert "val_acc" in history and "test_acc" not in history
    assert [record["epoch"] for record in history] == [1, 2, 3]
    assert repr(history) == (
        "History(epochs=3, iterations=12, metrics=['train_loss', 'val_loss', 'val_acc', 'lr'])"
    )


def test_best_epoch_modes_and_ties():
    history = _history()
    assert history.best_epoch("val_loss") == 2  # "loss" -> minimum
    assert history.best_epoch("val_acc") == 2  # otherwise maximum; a tie goes to the earliest
    assert history.best_epoch("val_acc", mode="min") == 1
    assert history.best_epoch("train_loss", mode="max") == 1
    assert history.best("val_loss") == (2, 0.7)


def test_missing_values_are_nan_and_skipped():
    history = History()
    history.log_epoch(train_loss=1.0)
    history.log_epoch(train_loss=0.5, val_loss=0.7)
    assert math.isnan(history["val_loss"][0])
    assert history.best_epoch("val_loss") == 2


def test_errors():
    with pytest.raises(ValueError, match=r"History.best_epoch: the history is empty"):
        History().best_epoch()
    history = _history()
    with pytest.raises(ValueError, match=r"History.best_epoch: no metric 'val_f1'; recorded "
                                         r"metrics are \['epoch', 'train_loss'"):
        history.best_epoch("val_f1")
    with pytest.raises(ValueError, match=r"History.best_epoch: expected mode 'min' or 'max', "
                                         r"got 'lowest'"):
        history.best_epoch("val_loss", mode="lowest")
    with pytest.raises(ValueError, match=r"History\[...\]: no metric 'loss'"):
        history["loss"]
    with pytest.raises(ValueError, match=r"History.log_epoch: 'epoch' is numbered automatically"):
        history.log_epoch(epoch=4)
    only_nan = History()
    only_nan.log_epoch(val_loss=float("nan"))
    with pytest.raises(ValueError, match=r"metric 'val_loss' has no value that is not nan"):
        only_nan.best_epoch()


def test_metric_name():
    assert metric_name(accuracy) == "acc"

    def f1(y_true, y_pred):
        return 0.0

    assert metric_name(f1) == "f1"
