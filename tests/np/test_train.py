"""Tests of dlbook.np.train: fit, evaluate, predict."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from dlbook.data import DataLoader
from dlbook.np import nn, optim
from dlbook.np.train import evaluate, fit, predict
from tests.train_cases import (
    SHARED_BAD_FIT_CALLS,
    assert_same_run,
    chapter_style_kwargs,
    check_bad_call,
    circles_split,
)


class ModeSpy(nn.Module):
    """Passes data through unchanged and remembers the mode of every forward call."""

    def __init__(self):
        super().__init__()
        self.modes = []

    def forward(self, x):
        self.modes.append(self.training)
        return x

    def backward(self, grad_output):
        return grad_output


def _model(hidden=16, spy=None):
    layers = [nn.Linear(2, hidden, dtype=np.float64, rng=0), nn.ReLU(),
              nn.Linear(hidden, 2, dtype=np.float64, rng=1)]
    if spy is not None:
        layers.insert(0, spy)
    return nn.Sequential(*layers)


def test_a_small_mlp_learns_the_circles(capsys):
    (X_train, y_train), val, (X_test, y_test) = circles_split()
    model = _model()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loader = DataLoader(X_train, y_train, batch_size=20, shuffle=True, rng=0)
    history = fit(model, loss_fn, optimizer, loader, epochs=60, val_data=val, progress=False)

    assert capsys.readouterr() == ("", "")  # nothing printed with progress off
    assert len(history) == 60
    assert len(history.iteration_loss) == 60 * len(loader) == 60 * 9
    assert history["train_loss"][-1] < 0.25 * history["train_loss"][0]
    assert history["val_acc"][-1] >= 0.95, history.records[-1]
    assert history["lr"] == [0.1] * 60
    assert set(history.metrics) == {"epoch", "train_loss", "train_acc", "val_loss", "val_acc",
                                    "lr", "time"}
    result = evaluate(model, loss_fn, X_test, y_test)
    assert result["acc"] >= 0.95, result


def test_train_loss_is_the_size_weighted_mean_of_batch_losses():
    (X_train, y_train), _, _ = circles_split()  # 180 samples
    loader = DataLoader(X_train, y_train, batch_size=50)  # 50, 50, 50, 30
    model = _model()
    history = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.01), loader,
                  epochs=2, progress=False)
    losses = np.array(history.iteration_loss[4:])
    expected = (losses[:3].sum() * 50 + losses[3] * 30) / 180
    assert history["train_loss"][1] == pytest.approx(expected, rel=1e-12)


def test_modes_training_then_evaluation_for_validation():
    (X_train, y_train), val, _ = circles_split()
    spy = ModeSpy()
    model = _model(spy=spy)
    loader = DataLoader(X_train, y_train, batch_size=90)  # 2 iterations
    fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), loader, epochs=2,
        val_data=DataLoader(*val, batch_size=30), progress=False)
    # per epoch: 2 training batches, then 2 validation batches in evaluation mode
    assert spy.modes == [True, True, False, False] * 2
    model.eval()
    predict(model, X_train)
    assert model.training is False  # predict restores the mode it found


def test_progress_on_writes_a_bar_and_env_var_turns_it_off(capsys, monkeypatch):
    (X_train, y_train), _, _ = circles_split()
    loader = DataLoader(X_train, y_train, batch_size=60)
    model = _model()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=2, progress=True)
    assert "epochs" in capsys.readouterr().err
    monkeypatch.setenv("DLBOOK_PROGRESS", "0")
    fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=2)
    assert capsys.readouterr() == ("", "")


def test_regression_without_metric():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 2))
    y = X @ np.array([[2.0], [-1.0]]) + 0.5  # (64, 1)
    model = nn.Sequential(nn.Linear(2, 1, dtype=np.float64, rng=0))
    history = fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1),
                  DataLoader(X, y, batch_size=16, shuffle=True, rng=0), epochs=50,
                  val_data=(X, y), metric=None, progress=False)
    assert "val_acc" not in history
    assert history["val_loss"][-1] < 1e-6
    np.testing.assert_allclose(model[0].weight.data, [[2.0, -1.0]], atol=1e-3)


def _regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 2))
    y = X @ np.array([[2.0], [-1.0]]) + 0.5  # (64, 1) float targets
    model = nn.Sequential(nn.Linear(2, 1, dtype=np.float64, rng=0))
    return X, y, model, optim.SGD(model.parameters(), lr=0.1)


def test_regression_with_metrics_none_records_the_losses_only():
    X, y, model, optimizer = _regression()
    history = fit(model, nn.MSELoss(), optimizer, DataLoader(X, y, batch_size=16), epochs=2,
                  val_data=(X, y), metrics=None, progress=False)
    assert set(history.metrics) == {"epoch", "train_loss", "val_loss", "lr", "time"}
    assert evaluate(model, nn.MSELoss(), X, y, metrics=None).keys() == {"loss"}


def test_accuracy_on_float_targets_is_refused_before_training():
    X, y, model, optimizer = _regression()
    before = model[0].weight.data.copy()
    message = (r"fit: accuracy needs integer class labels as targets, got float64 targets of "
               r"shape \(16, 1\); for regression pass metrics=None")
    with pytest.raises(ValueError, match=message):
        fit(model, nn.MSELoss(), optimizer, DataLoader(X, y, batch_size=16), epochs=1,
            progress=False)
    np.testing.assert_array_equal(model[0].weight.data, before)  # no step was taken
    with pytest.raises(ValueError, match=r"evaluate: accuracy needs integer class labels"):
        evaluate(model, nn.MSELoss(), X, y)


def test_several_metrics_and_the_older_spelling():
    (X_train, y_train), val, _ = circles_split()
    model = _model()

    def error_rate(y_true, outputs):
        return 1.0 - float(np.mean(outputs.argmax(1) == y_true))

    from dlbook.metrics import accuracy
    loader = DataLoader(X_train, y_train, batch_size=90)
    history = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), loader,
                  epochs=2, val_data=val, metrics=(accuracy, error_rate), progress=False)
    np.testing.assert_allclose(np.add(history["val_acc"], history["val_error_rate"]), 1.0)
    np.testing.assert_allclose(np.add(history["train_acc"], history["train_error_rate"]), 1.0)
    older = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), loader,
                epochs=1, metric=None, progress=False)
    assert "train_acc" not in older
    with pytest.raises(TypeError, match="fit: pass metrics= or its older spelling metric=, "
                                        "not both"):
        fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), loader,
            epochs=1, metrics=[accuracy], metric=None)
    with pytest.raises(ValueError, match=r"fit: expected metrics with distinct names, got "
                                         r"\['acc', 'acc'\]"):
        fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), loader,
            epochs=1, metrics=[accuracy, accuracy])


def test_predict_and_evaluate_do_not_depend_on_batch_size():
    (X_train, y_train), _, _ = circles_split()
    model = _model()
    loss_fn = nn.CrossEntropyLoss()
    whole = predict(model, X_train, batch_size=1000)
    assert whole.shape == (180, 2)
    np.testing.assert_allclose(predict(model, X_train, batch_size=7), whole, rtol=1e-12)
    result = evaluate(model, loss_fn, X_train, y_train, batch_size=7)
    assert result["loss"] == pytest.approx(loss_fn(whole, y_train), rel=1e-12)
    assert result["acc"] == pytest.approx(np.mean(whole.argmax(1) == y_train))
    assert evaluate(model, loss_fn, X_train, y_train, metric=None).keys() == {"loss"}


@pytest.fixture
def fit_setup():
    """A model, its loss, optimizer and loader, and schedulers good and bad, for bad calls."""
    import torch

    (X_train, y_train), _, _ = circles_split()
    model, other = _model(), _model()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    return SimpleNamespace(
        fit=fit, model=model, loss_fn=nn.CrossEntropyLoss(), optimizer=optimizer,
        loader=DataLoader(X_train, y_train, batch_size=60), X_train=X_train, y_train=y_train,
        elsewhere=optim.lr_scheduler.StepLR(optim.SGD(other.parameters(), lr=0.1), 1),
        torch_scheduler=torch.optim.lr_scheduler.StepLR(
            torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1), 1),
        plateau=optim.lr_scheduler.ReduceLROnPlateau(optimizer))


BAD_CALLS = SHARED_BAD_FIT_CALLS + [
    (TypeError, r"fit: expected optimizer with methods step, zero_grad; str lacks step, zero_grad",
     lambda s: fit(s.model, s.loss_fn, "sgd", s.loader, epochs=1)),
    (TypeError, r"fit: expected model with methods .*; function lacks backward, train, eval",
     lambda s: fit(lambda x: x, s.loss_fn, s.optimizer, s.loader, epochs=1)),
    (TypeError, r"predict: expected X to be a numpy.ndarray, got list",
     lambda s: predict(s.model, [[0.0, 1.0]])),
    (ValueError, r"evaluate: expected y with 180 samples like X, got shape \(3,\)",
     lambda s: evaluate(s.model, s.loss_fn, s.X_train, s.y_train[:3])),
]


@pytest.mark.parametrize(("error", "message", "call"), BAD_CALLS)
def test_bad_arguments(fit_setup, error, message, call):
    check_bad_call(fit_setup, error, message, call)


def test_an_optimizer_over_another_model_is_refused():
    (X_train, y_train), _, _ = circles_split()
    model, other = _model(), _model()
    with pytest.raises(ValueError, match=r"fit: the optimizer updates none of the model's "
                                         r"parameters \(was it built for another model"):
        fit(model, nn.CrossEntropyLoss(), optim.SGD(other.parameters(), lr=0.1),
            DataLoader(X_train, y_train, batch_size=90), epochs=1, progress=False)


def test_nan_outputs_give_nan_accuracy_in_the_history():
    (X_train, y_train), val, _ = circles_split()
    model = _model()
    model[0].weight.data[...] = np.nan  # a diverged network
    history = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1),
                  DataLoader(X_train, y_train, batch_size=90), epochs=1, val_data=val,
                  progress=False)
    assert np.isnan(history["val_loss"][-1]) and np.isnan(history["val_acc"][-1])
    assert np.isnan(history["train_acc"][-1])


# ---- the training toolkit: schedulers, clipping, extra inputs --------------------------------
def _manual(model, optimizer, batches, epochs, *, clip=None, scheduler=None):
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(epochs):
        for xb, yb in batches:
            loss_fn(model(xb), yb)
            optimizer.zero_grad()
            model.backward(loss_fn.backward())
            if clip is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
        if scheduler is not None:
            scheduler.step()


def test_fit_is_the_plain_loop_with_clipping_and_a_scheduler_bitwise():
    (X_train, y_train), _, _ = circles_split()
    batches = [(X_train[i:i + 45], y_train[i:i + 45]) for i in range(0, 180, 45)]
    ours, theirs = _model(), _model()
    opt_ours = optim.SGD(ours.parameters(), lr=0.5, momentum=0.9)
    opt_theirs = optim.SGD(theirs.parameters(), lr=0.5, momentum=0.9)
    history = fit(ours, nn.CrossEntropyLoss(), opt_ours, batches, epochs=3, grad_clip=0.05,
                  scheduler=optim.lr_scheduler.StepLR(opt_ours, 1, gamma=0.5), progress=False)
    _manual(theirs, opt_theirs, batches, 3, clip=0.05,
            scheduler=optim.lr_scheduler.StepLR(opt_theirs, 1, gamma=0.5))
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data, err_msg=name)
    assert history["lr"] == [0.5, 0.25, 0.125]


def test_batch_interval_and_plateau_schedulers():
    (X_train, y_train), val, _ = circles_split()
    loader = DataLoader(X_train, y_train, batch_size=45)  # 4 batches
    model = _model()
    optimizer = optim.SGD(model.parameters(), lr=1.0)
    history = fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=2,
                  scheduler=optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.5),
                  scheduler_interval="batch", progress=False)
    assert history["lr"] == [1.0, 0.5 ** 4]
    model = _model()
    optimizer = optim.SGD(model.parameters(), lr=1.0)
    plateau = optim.lr_scheduler.ReduceLROnPlateau(optimizer, patience=0)

    class Flat(nn.CrossEntropyLoss):
        def backward(self):
            return super().backward() * 0.0  # zero gradients: the loss never moves

    history = fit(model, Flat(), optimizer, loader, epochs=3, val_data=val, scheduler=plateau,
                  progress=False)
    assert history["lr"] == [1.0, 1.0, 0.1]


def test_a_third_batch_element_is_passed_to_the_model():
    (X_train, y_train), (X_val, y_val), _ = circles_split()

    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(2, 2, dtype=np.float64, rng=0)
            self.seen = []

        def forward(self, x, scale):
            self.seen.append(scale.shape)
            self.scale = scale[:, None]
            return self.linear(x) * self.scale

        def backward(self, grad_output):
            return self.linear.backward(grad_output * self.scale)

    model = Scaled()
    scale = np.linspace(0.5, 1.5, 180)
    batches = [(X_train[i:i + 60], y_train[i:i + 60], scale[i:i + 60]) for i in (0, 60, 120)]
    history = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), batches,
                  epochs=2, val_data=(X_val, y_val, np.ones(len(X_val))), progress=False)
    assert len(history) == 2 and model.seen[0] == (60,) and model.seen[-1] == (len(X_val),)
    np.testing.assert_allclose(predict(model, X_val, extra=np.full(len(X_val), 2.0)),
                               2 * predict(model.linear, X_val), rtol=1e-12)
    result = evaluate(model, nn.CrossEntropyLoss(), X_val, y_val, extra=np.ones(len(X_val)))
    assert result["loss"] == pytest.approx(history["val_loss"][-1], rel=1e-12)
    with pytest.raises(TypeError, match=r"fit: expected train_loader to yield \(xb, yb\) pairs "
                                        r"or \(xb, yb, extra\) triples, got numpy.ndarray"):
        fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1),
            DataLoader(X_train, batch_size=60), epochs=1, progress=False)


SCHEDULER_AND_CLIPPING_CALLS = [
    (ValueError, r"fit: the scheduler is attached to another optimizer than optimizer=",
     lambda s: fit(s.model, s.loss_fn, s.optimizer, s.loader, epochs=1, scheduler=s.elsewhere)),
    (TypeError, r"fit: expected scheduler to be a dlbook.np.optim.lr_scheduler scheduler, got "
                r"torch.optim.lr_scheduler.StepLR",
     lambda s: fit(s.model, s.loss_fn, s.optimizer, s.loader, epochs=1,
                   scheduler=s.torch_scheduler)),
    (ValueError, r"fit: ReduceLROnPlateau needs the epoch's monitored value",
     lambda s: fit(s.model, s.loss_fn, s.optimizer, s.loader, epochs=1, scheduler=s.plateau,
                   scheduler_interval="batch")),
    (ValueError, r"fit: scheduler_monitor 'val_loss' is not in the epoch's logs",
     lambda s: fit(s.model, s.loss_fn, s.optimizer, s.loader, epochs=1, scheduler=s.plateau,
                   progress=False)),
    (ValueError, r"fit: expected grad_clip > 0.0, got -1.0",
     lambda s: fit(s.model, s.loss_fn, s.optimizer, s.loader, epochs=1, grad_clip=-1)),
]


@pytest.mark.parametrize(("error", "message", "call"), SCHEDULER_AND_CLIPPING_CALLS)
def test_scheduler_and_clipping_arguments_are_checked(fit_setup, error, message, call):
    check_bad_call(fit_setup, error, message, call)


def test_progress_shows_a_bar_for_each_epoch(capsys):
    (X_train, y_train), val, _ = circles_split()
    model = _model()
    fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1),
        DataLoader(X_train, y_train, batch_size=30), epochs=2, val_data=val, progress=True)
    err = capsys.readouterr().err
    assert "epochs" in err and "epoch 1/2" in err and "epoch 2/2" in err and "loss=" in err


# ---- backward compatibility: the chapters' calls train exactly as before the toolkit --------
def _chapter_style_run(use_fit, **kwargs):
    """A seeded run with shuffling, dropout and momentum, by ``fit`` or by the loop it replaced."""
    (X_train, y_train), (X_val, y_val), _ = circles_split()
    model = nn.Sequential(nn.Linear(2, 16, dtype=np.float64, rng=0), nn.ReLU(),
                          nn.Dropout(0.3, rng=2), nn.Linear(16, 2, dtype=np.float64, rng=1))
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loader = DataLoader(X_train, y_train, batch_size=32, shuffle=True, rng=3)
    loss_fn = nn.CrossEntropyLoss()
    if use_fit:
        history = fit(model, loss_fn, optimizer, loader, epochs=3, val_data=(X_val, y_val),
                      progress=False, **kwargs)
        return model, history.iteration_loss, history["val_loss"]
    # the loop of dlbook.np.train.fit before callbacks existed (main at feb3a16), by hand
    iteration_loss, val_loss = [], []
    for _ in range(3):
        model.train()
        for xb, yb in loader:
            output = model(xb)
            loss = loss_fn(output, yb)
            optimizer.zero_grad()
            model.backward(loss_fn.backward())
            optimizer.step()
            iteration_loss.append(loss)
        model.eval()
        val_loss.append(float(loss_fn(model(X_val), y_val)))
    return model, iteration_loss, val_loss


@chapter_style_kwargs
def test_a_chapter_style_fit_is_bitwise_the_loop_it_replaced(kwargs):
    assert_same_run(_chapter_style_run(True, **kwargs), _chapter_style_run(False),
                    lambda p, q: np.array_equal(p.data, q.data))
