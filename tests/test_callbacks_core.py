"""Tests of dlbook.callbacks_core: Keras 3's EarlyStopping, ReduceLROnPlateau and ModelCheckpoint.

Each callback is driven by a scripted sequence of monitored values through a fake loop (no
training), and every expected stop epoch, restored epoch, learning rate and saved epoch below
was worked out by hand from the rules in Keras 3.16's source
(keras/src/callbacks/early_stopping.py, reduce_lr_on_plateau.py, model_checkpoint.py,
monitor_callback.py). Epochs are counted from 1. The same tables are then run through Keras's
own callbacks (Keras 3 on the torch backend, ``tests/keras_reference.py``), which must agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pytest

from dlbook.callbacks_core import (
    Callback,
    EarlyStopping,
    ModelCheckpoint,
    ReduceLROnPlateau,
    TrainState,
    infer_mode,
)
from dlbook.callbacks_core.state import callbacks_state, check_callbacks, load_callbacks_state
from dlbook.history import History
from tests.keras_reference import KERAS_ARRAY_WARNING, keras_early_stopping, keras_reduce_lr_rates

NAN = math.nan


class FakeOptimizer:
    def __init__(self, *lrs: float) -> None:
        self.param_groups = [{"lr": lr} for lr in lrs]


@dataclass
class Run:
    stop: int | None = None  # the epoch training stopped after (None: it ran to the end)
    restored: int | None = None  # the epoch whose weights on_train_end loaded back
    used: list = field(default_factory=list)  # learning rates used during each epoch
    final: list = field(default_factory=list)  # learning rates after the last epoch
    saved: list = field(default_factory=list)  # (path, weights_only) checkpoint requests


def drive(callback: Callback, values, *, monitor: str = "val_loss", lrs=(1.0,),
          optimizer: FakeOptimizer | None = None) -> Run:
    """Run ``callback`` through a fake loop whose epoch ``e`` logs ``values[e - 1]``.

    The "weights" after epoch ``e`` are just ``{"epoch": e}``, so restoring tells which
    epoch's weights came back.
    """
    optimizer = optimizer or FakeOptimizer(*lrs)
    weights = {"epoch": 0}
    run = Run()
    restored = []
    state = TrainState(model=None, optimizer=optimizer, history=History(), epochs=len(values),
                       get_weights=lambda: dict(weights),
                       set_weights=lambda w: restored.append(w["epoch"]))
    callback.on_train_begin(state)
    for epoch, value in enumerate(values, start=1):
        run.used.append([group["lr"] for group in optimizer.param_groups])
        weights["epoch"] = epoch
        state.epoch, state.logs = epoch, {"epoch": epoch, monitor: value, "train_loss": 0.5}
        callback.on_epoch_end(state)
        if state.stop_training:
            run.stop = epoch
            break
    callback.on_train_end(state)
    run.restored = restored[0] if restored else None
    run.final = [group["lr"] for group in optimizer.param_groups]
    run.saved = list(state.checkpoint_requests)
    if len(lrs) == 1:
        run.used = [lr for (lr,) in run.used]
        run.final = run.final[0]
    return run


def scripted(values):
    """A metric whose validation value at epoch e is values[e - 1] (train calls come first)."""

    def score(y_true, outputs):
        score.calls += 1
        return values[min((score.calls - 1) // 2, len(values) - 1)]

    score.calls = 0
    return score


# ---- EarlyStopping ---------------------------------------------------------------------------
# (keyword arguments, monitored values, stop epoch, best epoch, restored epoch)
EARLY_STOPPING = [
    pytest.param({}, [1.0, 1.0], 2, 1, None, id="patience 0: an equal value is no improvement"),
    pytest.param({"patience": 0}, [1.0, 0.9, 0.95, 0.8], 3, 2, None,
                 id="patience 0 stops at the first epoch that does not improve"),
    pytest.param({"patience": 2}, [1.0, 0.9, 0.95, 0.92, 0.85, 0.99], 4, 2, None,
                 id="patience 2 stops at the second bad epoch in a row"),
    pytest.param({"patience": 2, "min_delta": 0.05}, [1.0, 0.96, 0.90, 0.88, 0.86], 5, 3, None,
                 id="min_delta: 0.96 does not beat 1.0 by 0.05, 0.90 does"),
    pytest.param({"patience": 2, "min_delta": -0.05}, [1.0, 0.96, 0.90, 0.88, 0.86], 5, 3, None,
                 id="min_delta's sign is ignored, as in Keras"),
    pytest.param({"patience": 2, "baseline": 0.5, "restore_best_weights": True},
                 [1.0, 0.9, 0.8, 0.7, 0.6], None, 5, 5,
                 id="baseline never beaten but always improving: never stops"),
    pytest.param({"patience": 2, "baseline": 0.5}, [1.0, 1.1, 1.2, 0.4], 2, 1, None,
                 id="baseline not beaten by epoch 1: wait is not reset"),
    pytest.param({"patience": 1, "baseline": 0.95}, [1.0, 0.9, 0.92, 0.91], 3, 2, None,
                 id="baseline beaten at epoch 2 resets wait"),
    pytest.param({"patience": 0, "start_from_epoch": 2, "restore_best_weights": True},
                 [0.5, 0.4, 1.0, 0.9, 0.95], 5, 4, 4,
                 id="start_from_epoch 2 ignores epochs 1 and 2, even their lower values"),
    pytest.param({"monitor": "val_acc", "patience": 1}, [0.5, 0.6, 0.6, 0.7], 3, 2, None,
                 id="mode auto on val_acc maximises"),
    pytest.param({"monitor": "val_score", "mode": "max", "min_delta": 0.01},
                 [0.5, 0.505, 0.52], 2, 1, None, id="mode max with min_delta"),
    pytest.param({"monitor": "val_acc", "mode": "min"}, [0.5, 0.6], 2, 1, None,
                 id="an explicit mode overrides the name"),
    pytest.param({"patience": 5, "restore_best_weights": True}, [1.0, 0.8, 0.9, 0.95], None, 2, 2,
                 id="Keras 3 restores the best weights even without an early stop"),
    pytest.param({"patience": 1, "restore_best_weights": True}, [1.0, 0.8, 0.9], 3, 2, 2,
                 id="restored to the best epoch after a stop"),
    pytest.param({"patience": 1}, [1.0, 0.8, 0.9], 3, 2, None,
                 id="without restore_best_weights the last weights stay"),
    pytest.param({"patience": 1}, [1.0, NAN, NAN], 2, 1, None, id="nan never improves"),
    pytest.param({"monitor": "val_acc", "patience": 2, "baseline": 0.8},
                 [0.5, 0.6, 0.7, 0.75], None, 4, None,
                 id="baseline in max mode: improving below it never stops"),
    pytest.param({"monitor": "val_acc", "patience": 2, "baseline": 0.8}, [0.5, 0.6, 0.6], 3, 2,
                 None, id="baseline in max mode: wait never reset, stops at the first plateau"),
    pytest.param({"patience": 0, "start_from_epoch": 5, "restore_best_weights": True},
                 [1.0, 2.0, 3.0], None, 0, None,
                 id="no epoch monitored: no best, nothing restored"),
    pytest.param({"patience": 1, "restore_best_weights": True}, [0.5, 0.6, 0.7], 2, 1, 1,
                 id="the first epoch is the best: its weights come back"),
    pytest.param({"monitor": "val_acc", "patience": 2, "min_delta": 0.05,
                  "restore_best_weights": True}, [0.5, 0.54, 0.53], 3, 1, 1,
                 id="min_delta in max mode: 0.54 does not beat 0.5 by 0.05"),
]


@pytest.mark.parametrize(("kwargs", "values", "stop", "best", "restored"), EARLY_STOPPING)
def test_early_stopping_follows_keras(kwargs, values, stop, best, restored):
    monitor = kwargs.get("monitor", "val_loss")
    stopper = EarlyStopping(**kwargs)
    run = drive(stopper, values, monitor=monitor)
    assert (run.stop, stopper.best_epoch, run.restored) == (stop, best, restored), stopper.__dict__
    assert stopper.stopped_epoch == (stop or 0)
    assert stopper.best == (values[best - 1] if best else None)  # best_epoch 0: none


def test_early_stopping_is_reset_by_a_new_fit_and_its_state_round_trips():
    values = [1.0, 0.9, 0.95, 0.97, 0.99]
    whole = EarlyStopping(patience=3, restore_best_weights=True)
    expected = drive(whole, values)
    assert (expected.stop, expected.restored) == (5, 2)
    # the same instance again: on_train_begin resets it (Keras >= 3.7), same result
    again = drive(whole, values)
    assert (again.stop, again.restored) == (5, 2)
    # interrupted after epoch 3, its state saved, then continued by a fresh instance
    first = EarlyStopping(patience=3, restore_best_weights=True)
    drive(first, values[:3])
    saved = first.state_dict()
    assert saved == {"wait": 1, "stopped_epoch": 0, "best": 0.9, "best_epoch": 2,
                     "best_weights": {"epoch": 2}}
    second = EarlyStopping(patience=3, restore_best_weights=True)
    second.on_train_begin(None)
    second.load_state_dict(saved)
    state = TrainState(model=None, optimizer=None, history=History(), epochs=5,
                       get_weights=dict, set_weights=lambda w: None)
    for epoch in (4, 5):
        state.epoch, state.logs = epoch, {"val_loss": values[epoch - 1]}
        second.on_epoch_end(state)
    assert state.stop_training and second.stopped_epoch == 5 and second.best_epoch == 2


# ---- ReduceLROnPlateau -----------------------------------------------------------------------
# (keyword arguments, monitored values, learning rate used in each epoch, final learning rate)
REDUCE_LR = [
    pytest.param({"patience": 0, "factor": 0.5}, [1.0, 1.0, 1.0], [1.0, 1.0, 0.5], 0.25,
                 id="patience 0 reduces after every epoch that does not improve"),
    pytest.param({"patience": 2}, [1.0, 0.99995, 0.99, 0.995, 0.999, 0.98],
                 [1.0, 1.0, 1.0, 1.0, 1.0, 0.1], 0.1,
                 id="min_delta 1e-4 is absolute: 0.99995 is no improvement on 1.0"),
    pytest.param({"patience": 1, "factor": 0.5, "cooldown": 2}, [1.0] + [1.1] * 5,
                 [1.0, 1.0, 0.5, 0.5, 0.25, 0.25], 0.125,
                 id="cooldown 2: one epoch ignored after each reduction"),
    pytest.param({"patience": 1, "factor": 0.5, "cooldown": 1}, [1.0, 1.1, 0.5, 0.6, 0.7],
                 [1.0, 1.0, 0.5, 0.5, 0.25], 0.125,
                 id="cooldown 1 delays nothing: it is counted down before the epoch is judged"),
    pytest.param({"patience": 0, "factor": 0.5, "min_lr": 0.3}, [1.0] * 4,
                 [1.0, 1.0, 0.5, 0.3], 0.3, id="min_lr bounds the reduction"),
    pytest.param({"patience": 0, "factor": 0.5, "min_lr": 0.5, "cooldown": 3}, [1.0] * 4,
                 [1.0, 1.0, 0.5, 0.5], 0.5, id="min_lr and cooldown"),
    pytest.param({"monitor": "val_acc", "patience": 1, "factor": 0.5},
                 [0.5, 0.6, 0.6, 0.7, 0.65], [1.0, 1.0, 1.0, 0.5, 0.5], 0.25,
                 id="mode auto on val_acc maximises"),
    pytest.param({"monitor": "val_acc", "mode": "min", "patience": 0, "factor": 0.5},
                 [0.5, 0.4, 0.6], [1.0, 1.0, 1.0], 0.5, id="an explicit mode overrides the name"),
    pytest.param({"patience": 1, "factor": 0.5, "min_delta": 0.1}, [1.0, 0.95, 0.85, 0.8],
                 [1.0, 1.0, 0.5, 0.5], 0.25, id="min_delta 0.1"),
    pytest.param({}, [1.0] * 8, [1.0] * 8, 1.0, id="default patience 10"),
    pytest.param({"patience": 2, "factor": 0.1}, [1.0, 2.0, 2.0, 2.0], [1.0, 1.0, 1.0, 0.1], 0.1,
                 id="Keras reduces when wait >= patience, one epoch before torch"),
    pytest.param({"patience": 1, "factor": 0.5, "min_lr": 0.5}, [1.0] * 4, [1.0, 1.0, 0.5, 0.5],
                 0.5, id="at min_lr nothing is reduced and wait keeps counting"),
    pytest.param({"patience": 1, "factor": 0.5, "cooldown": 2}, [1.0, 1.1, 0.9, 1.0, 1.0],
                 [1.0, 1.0, 0.5, 0.5, 0.25], 0.25,
                 id="an improvement during the cooldown is recorded as the new best"),
    pytest.param({"monitor": "val_acc", "patience": 0, "factor": 0.5, "min_delta": 0.05},
                 [0.5, 0.53, 0.6, 0.62], [1.0, 1.0, 0.5, 0.5], 0.25,
                 id="min_delta in max mode"),
    pytest.param({"patience": 0, "factor": 0.0, "min_lr": 0.01}, [1.0, 1.0, 1.0],
                 [1.0, 1.0, 0.01], 0.01, id="factor 0 drops straight to min_lr"),
]


@pytest.mark.parametrize(("kwargs", "values", "used", "final"), REDUCE_LR)
def test_reduce_lr_on_plateau_follows_keras(kwargs, values, used, final):
    run = drive(ReduceLROnPlateau(**kwargs), values, monitor=kwargs.get("monitor", "val_loss"))
    assert (run.used, run.final) == (used, final)


def test_reduce_lr_on_plateau_reduces_every_group_down_to_min_lr():
    run = drive(ReduceLROnPlateau(patience=0, factor=0.5, min_lr=0.08), [1.0, 1.0, 1.0],
                lrs=(1.0, 0.1))
    assert run.used == [[1.0, 0.1], [1.0, 0.1], [0.5, 0.08]]
    assert run.final == [0.25, 0.08]


def test_reduce_lr_on_plateau_state_round_trips():
    values = [1.0, 1.1, 1.1, 1.1, 1.1, 1.1]
    expected = drive(ReduceLROnPlateau(patience=1, factor=0.5, cooldown=2), values)
    first = ReduceLROnPlateau(patience=1, factor=0.5, cooldown=2)
    optimizer = FakeOptimizer(1.0)
    drive(first, values[:3], optimizer=optimizer)
    assert first.state_dict() == {"best": 1.0, "wait": 0, "cooldown_counter": 1}
    second = ReduceLROnPlateau(patience=1, factor=0.5, cooldown=2)
    second.load_state_dict(first.state_dict())
    state = TrainState(model=None, optimizer=optimizer, history=History(), epochs=6)
    for epoch in (4, 5, 6):
        state.epoch, state.logs = epoch, {"val_loss": values[epoch - 1]}
        second.on_epoch_end(state)
    assert optimizer.param_groups[0]["lr"] == expected.final == 0.125


# ---- ModelCheckpoint -------------------------------------------------------------------------
# (keyword arguments, monitored values, epochs saved)
MODEL_CHECKPOINT = [
    pytest.param({}, [1.0, 1.2, 0.9], [1, 2, 3], id="every epoch by default"),
    pytest.param({"save_best_only": True}, [1.0, 0.9, 0.95, 0.9, 0.8], [1, 2, 5],
                 id="best only: strictly better (0.9 after 0.9 is not saved)"),
    pytest.param({"save_best_only": True, "monitor": "val_acc"}, [0.5, 0.6, 0.55, 0.7], [1, 2, 4],
                 id="mode auto on val_acc maximises"),
    pytest.param({"save_best_only": True, "initial_value_threshold": 0.85},
                 [1.0, 0.9, 0.8, 0.82, 0.7], [3, 5], id="initial_value_threshold"),
    pytest.param({"save_best_only": True, "mode": "max"}, [1.0, 0.9, 1.1], [1, 3],
                 id="mode max on a loss"),
    pytest.param({"save_best_only": True, "monitor": "val_acc", "mode": "min"}, [0.5, 0.4, 0.6],
                 [1, 2], id="an explicit mode overrides the name"),
    pytest.param({"save_best_only": True}, [1.0, NAN, 0.9], [1, 3], id="nan is never the best"),
    pytest.param({"save_best_only": True, "monitor": "val_loss"}, [NAN, 0.5, 0.4], [1],
                 id="a first nan is kept as best, as in Keras, and nothing beats it"),
    pytest.param({"save_weights_only": True}, [1.0, 1.1], [1, 2], id="weights only"),
    pytest.param({"save_best_only": True, "monitor": "val_acc", "initial_value_threshold": 0.6},
                 [0.5, 0.6, 0.65, 0.64], [3], id="initial_value_threshold in max mode"),
]


@pytest.mark.parametrize(("kwargs", "values", "saved"), MODEL_CHECKPOINT)
def test_model_checkpoint_follows_keras(kwargs, values, saved):
    saver = ModelCheckpoint("ckpt-{epoch}.pt", **kwargs)
    run = drive(saver, values, monitor=kwargs.get("monitor", "val_loss"))
    weights_only = kwargs.get("save_weights_only", False)
    assert run.saved == [(f"ckpt-{epoch}.pt", weights_only) for epoch in saved]


def test_model_checkpoint_keeps_its_best_across_fits_and_formats_paths():
    saver = ModelCheckpoint("best.pt", save_best_only=True)
    assert drive(saver, [1.0, 0.8]).saved == [("best.pt", False)] * 2
    # Keras does not reset ModelCheckpoint.best: a second fit saves only what beats 0.8
    assert drive(saver, [0.9, 0.7]).saved == [("best.pt", False)]
    assert saver.state_dict() == {"best": 0.7}
    named = ModelCheckpoint("m-{epoch:02d}-{val_loss:.2f}.pt")
    assert drive(named, [0.123]).saved == [("m-01-0.12.pt", False)]
    with pytest.raises(ValueError, match=r"ModelCheckpoint: cannot fill filepath "
                                         r"'m-\{val_acc\}.pt' from the epoch's logs"):
        drive(ModelCheckpoint("m-{val_acc}.pt"), [0.5])


# ---- the rules shared by all three -----------------------------------------------------------
def test_mode_auto_is_inferred_from_the_name_as_keras_does():
    assert [infer_mode(name) for name in ("loss", "val_loss", "train_loss", "val_mse",
                                          "val_mean_absolute_error", "val_error_rate")] == [
        "min"] * 6
    assert [infer_mode(name) for name in ("val_acc", "val_accuracy", "train_acc", "val_auc",
                                          "val_sparse_categorical_accuracy", "val_f1_score")] == [
        "max"] * 6
    for make in (EarlyStopping, ReduceLROnPlateau, lambda **kw: ModelCheckpoint("x.pt", **kw)):
        with pytest.raises(ValueError, match=r"cannot tell whether monitor='val_wiggle' should "
                                             r"be minimised or maximised; pass mode='min' or "
                                             r"mode='max'"):
            make(monitor="val_wiggle")
        assert make(monitor="val_wiggle", mode="max").direction == "max"


def test_a_monitor_missing_from_the_logs_raises_and_lists_what_is_there():
    for callback in (EarlyStopping(), ReduceLROnPlateau(),
                     ModelCheckpoint("x.pt", save_best_only=True)):
        name = type(callback).__name__
        with pytest.raises(ValueError, match=rf"{name}: monitor='val_loss' is not in the epoch's "
                                             rf"logs; available: train_loss, lr \(pass val_data= "
                                             rf"to fit to have val_ metrics\)"):
            state = TrainState(model=None, optimizer=FakeOptimizer(1.0), history=History(),
                               epochs=1)
            state.epoch, state.logs = 1, {"epoch": 1, "train_loss": 0.5, "lr": 1.0}
            callback.on_train_begin(state)
            callback.on_epoch_end(state)
    # save_best_only=False does not need the monitored value (Keras needs it only then too)
    state.checkpoint_requests.clear()
    ModelCheckpoint("x.pt").on_epoch_end(state)
    assert state.checkpoint_requests == [("x.pt", False)]


@pytest.mark.parametrize(("make", "error", "message"), [
    (lambda: EarlyStopping(mode="maximum"), ValueError,
     r"EarlyStopping: expected mode to be one of 'auto', 'min', 'max', got 'maximum'"),
    (lambda: EarlyStopping(patience=-1), ValueError, r"EarlyStopping: expected patience >= 0, "
                                                     r"got -1"),
    (lambda: EarlyStopping(patience=1.5), TypeError, r"EarlyStopping: expected patience to be an "
                                                     r"int, got float 1.5"),
    (lambda: EarlyStopping(start_from_epoch=-2), ValueError, r"expected start_from_epoch >= 0"),
    (lambda: EarlyStopping(restore_best_weights=1), TypeError,
     r"EarlyStopping: expected restore_best_weights to be bool, got int"),
    (lambda: EarlyStopping(baseline="0.5"), TypeError, r"expected baseline to be a real number"),
    (lambda: EarlyStopping(monitor=3), TypeError, r"EarlyStopping: expected monitor to be str, "
                                                  r"got int"),
    (lambda: ReduceLROnPlateau(factor=1.0), ValueError,
     r"ReduceLROnPlateau: expected factor < 1.0, got 1.0"),
    (lambda: ReduceLROnPlateau(factor=-0.1), ValueError, r"expected factor >= 0.0, got -0.1"),
    (lambda: ReduceLROnPlateau(patience=-1), ValueError, r"expected patience >= 0, got -1"),
    (lambda: ReduceLROnPlateau(cooldown=-1), ValueError, r"expected cooldown >= 0, got -1"),
    (lambda: ReduceLROnPlateau(min_lr=-1e-3), ValueError, r"expected min_lr >= 0.0"),
    (lambda: ReduceLROnPlateau(mode="up"), ValueError, r"expected mode to be one of"),
    (lambda: ModelCheckpoint(3), TypeError, r"ModelCheckpoint: expected filepath to be a str or "
                                            r"os.PathLike, got int"),
    (lambda: ModelCheckpoint("x.pt", save_best_only="yes"), TypeError,
     r"ModelCheckpoint: expected save_best_only to be bool, got str"),
    (lambda: ModelCheckpoint("x.pt", mode="best"), ValueError, r"expected mode to be one of"),
])
def test_bad_arguments_are_refused_by_name(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_reduce_lr_on_plateau_needs_an_optimizer_with_param_groups():
    state = TrainState(model=None, optimizer="sgd", history=History(), epochs=2)
    reduce = ReduceLROnPlateau(patience=0)
    for epoch in (1, 2):
        state.epoch, state.logs = epoch, {"val_loss": 1.0}
        if epoch == 2:
            with pytest.raises(TypeError, match=r"ReduceLROnPlateau: expected an optimizer with "
                                                r"param_groups, got str"):
                reduce.on_epoch_end(state)
        else:
            reduce.on_epoch_end(state)


def test_check_callbacks_and_saved_states_matched_by_class_and_order():
    assert check_callbacks(None, caller="fit") == ()
    with pytest.raises(TypeError, match=r"fit: expected every callback to be a Callback instance "
                                        r"\(subclass dlbook.torch.callbacks.Callback\), got str"):
        check_callbacks(["early"], caller="fit")
    with pytest.raises(TypeError, match=r"fit: expected callbacks to be a list of Callback "
                                        r"instances"):
        check_callbacks(EarlyStopping(), caller="fit")
    first, second = EarlyStopping(patience=1), EarlyStopping(patience=2)
    first.wait, second.wait = 3, 4
    saved = callbacks_state([Callback(), first, second])
    assert [entry["name"] for entry in saved] == ["Callback", "EarlyStopping", "EarlyStopping"]
    again = [EarlyStopping(patience=1), EarlyStopping(patience=2)]
    load_callbacks_state(again, saved, caller="fit")  # the stateless Callback may be dropped
    assert [c.wait for c in again] == [3, 4]
    fresh = [EarlyStopping(patience=1)]
    load_callbacks_state(fresh, saved, caller="fit")  # the second saved state is not used
    assert fresh[0].wait == 3

    class Strict(Callback):
        def load_state_dict(self, state_dict):
            raise KeyError("count")

    with pytest.raises(ValueError, match=r"fit: cannot give Strict its saved state: 'count'"):
        load_callbacks_state([Strict()], [{"name": Strict.__qualname__, "state": {}}], caller="fit")


def test_train_state_without_weight_functions_says_so():
    state = TrainState(model=None, optimizer=None, history=History(), epochs=1)
    with pytest.raises(TypeError, match=r"TrainState.get_weights: this loop gave no way"):
        state.get_weights()
    with pytest.raises(TypeError, match=r"TrainState.set_weights: this loop gave no way"):
        state.set_weights({})


# ---- the same tables against Keras's own callbacks ---------------------------------------------
# The tables above were worked out by hand from Keras's source; here the real Keras 3 callbacks
# (torch backend, driven by the same logs) must give the same answers. Keras resolves
# mode="auto" from the compiled model's metrics, which the tiny model has none of, so a non-loss
# monitor is given the mode dlbook infers from its name.


def keras_kwargs(kwargs):
    kwargs = dict(kwargs)
    monitor = kwargs.get("monitor", "val_loss")
    if kwargs.get("mode", "auto") == "auto" and monitor.removeprefix("val_") != "loss":
        kwargs["mode"] = infer_mode(monitor)
    return kwargs


@KERAS_ARRAY_WARNING
@pytest.mark.parametrize(("kwargs", "values", "stop", "best", "restored"), EARLY_STOPPING)
def test_early_stopping_agrees_with_keras(kwargs, values, stop, best, restored):
    assert keras_early_stopping(values, **keras_kwargs(kwargs)) == (stop, best, restored)


@KERAS_ARRAY_WARNING
@pytest.mark.parametrize(("kwargs", "values", "used", "final"), REDUCE_LR)
def test_reduce_lr_on_plateau_agrees_with_keras(kwargs, values, used, final):
    rates = keras_reduce_lr_rates(values, 1.0, **keras_kwargs(kwargs))
    # Keras keeps the learning rate in float32
    assert rates[:-1] == pytest.approx(used, rel=1e-6) and rates[-1] == pytest.approx(final,
                                                                                     rel=1e-6)
