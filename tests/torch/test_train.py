"""Tests of dlbook.torch.train: fit, evaluate, predict on every device present."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from dlbook.data import DataLoader
from dlbook.torch.models import MLP
from dlbook.torch.train import evaluate, fit, model_device, predict
from tests.train_cases import (
    SHARED_BAD_FIT_CALLS,
    assert_same_run,
    chapter_style_kwargs,
    check_bad_call,
    circles_split,
)


@pytest.fixture(autouse=True)
def _one_cpu_thread():
    """Run these tiny models on one CPU thread.

    Intra-op threads only add overhead at this size, and on a busy two-core machine they
    spin against each other: a 180-step fit measured 25 s with two threads, 0.2 s with one.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


class ModeSpy(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.modes = []

    def forward(self, x):
        self.modes.append(self.training)
        return x


def _model(device, dtype=torch.float32):
    torch.manual_seed(0)
    return MLP(2, [16], 2, device=device, dtype=dtype)


def test_an_mlp_learns_the_circles_from_numpy_batches(device, capsys):
    (X_train, y_train), val, (X_test, y_test) = circles_split()
    model = _model(device)
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loader = DataLoader(X_train, y_train, batch_size=30, shuffle=True, rng=0)
    history = fit(model, loss_fn, optimizer, loader, epochs=30, val_data=val, progress=False)
    assert capsys.readouterr() == ("", "")
    assert len(history) == 30 and len(history.iteration_loss) == 30 * 6
    assert history["train_loss"][-1] < 0.25 * history["train_loss"][0]
    assert history["val_acc"][-1] >= 0.95, history.records[-1]
    assert history["lr"] == [0.1] * 30
    result = evaluate(model, loss_fn, X_test, y_test)
    assert result["acc"] >= 0.95, result
    assert model_device(model).type == device


def test_a_torch_dataloader_works_too(device):
    (X_train, y_train), val, _ = circles_split()
    dataset = torch.utils.data.TensorDataset(torch.tensor(X_train, dtype=torch.float32),
                                             torch.tensor(y_train))
    loader = torch.utils.data.DataLoader(dataset, batch_size=50, shuffle=False)
    model = _model(device)
    history = fit(model, torch.nn.CrossEntropyLoss(),
                  torch.optim.SGD(model.parameters(), lr=0.05), loader, epochs=3,
                  val_data=val, progress=False)
    assert len(history.iteration_loss) == 3 * 4  # 180 samples, batch 50
    losses = np.array(history.iteration_loss[-4:])
    expected = (losses[:3].sum() * 50 + losses[3] * 30) / 180
    assert history["train_loss"][-1] == pytest.approx(expected, rel=1e-6)


def test_device_argument_moves_the_model(device):
    (X_train, y_train), _, _ = circles_split()
    torch.manual_seed(0)
    model = MLP(2, [4], 2)
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    fit(model, torch.nn.CrossEntropyLoss(), optimizer, DataLoader(X_train, y_train, batch_size=90),
        epochs=1, device=device, progress=False)
    assert all(p.device.type == device for p in model.parameters())


def test_modes_training_then_evaluation_for_validation(device):
    (X_train, y_train), val, _ = circles_split()
    spy = ModeSpy()
    model = torch.nn.Sequential(spy, _model(device))
    fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
        DataLoader(X_train, y_train, batch_size=90), epochs=2,
        val_data=DataLoader(*val, batch_size=30), progress=False)
    assert spy.modes == [True, True, False, False] * 2
    model.eval()
    predict(model, X_train)
    assert model.training is False


def test_predict_and_evaluate(device):
    (X_train, y_train), _, _ = circles_split()
    model = _model(device, dtype=torch.float64)
    loss_fn = torch.nn.CrossEntropyLoss()
    whole = predict(model, X_train, batch_size=1000)
    assert whole.shape == (180, 2) and whole.device.type == device
    assert not whole.requires_grad
    torch.testing.assert_close(predict(model, X_train, batch_size=7), whole)
    result = evaluate(model, loss_fn, X_train, y_train, batch_size=7)
    expected = loss_fn(whole, torch.as_tensor(y_train, device=device)).item()
    assert result["loss"] == pytest.approx(expected, rel=1e-12)
    assert result["acc"] == pytest.approx(np.mean(whole.argmax(1).cpu().numpy() == y_train))
    assert evaluate(model, loss_fn, torch.as_tensor(X_train), torch.as_tensor(y_train),
                    metric=None).keys() == {"loss"}


def test_regression_without_metric(device):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 2))
    y = X @ np.array([[2.0], [-1.0]]) + 0.5
    torch.manual_seed(0)
    model = MLP(2, (), 1, device=device, dtype=torch.float64)
    history = fit(model, torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1),
                  DataLoader(X, y, batch_size=16, shuffle=True, rng=0), epochs=50,
                  val_data=(X, y), metric=None, progress=False)
    assert "val_acc" not in history and history["val_loss"][-1] < 1e-6
    assert set(history.metrics) == {"epoch", "train_loss", "val_loss", "lr", "time"}


def _regression(device):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 2))
    y = X @ np.array([[2.0], [-1.0]]) + 0.5  # (64, 1) float targets
    torch.manual_seed(0)
    model = MLP(2, (), 1, device=device, dtype=torch.float64)
    return X, y, model, torch.optim.SGD(model.parameters(), lr=0.1)


def test_regression_with_metrics_none_and_the_older_spelling(device):
    X, y, model, optimizer = _regression(device)
    loader = DataLoader(X, y, batch_size=16, shuffle=True, rng=0)
    history = fit(model, torch.nn.MSELoss(), optimizer, loader, epochs=2, val_data=(X, y),
                  metrics=None, progress=False)
    assert set(history.metrics) == {"epoch", "train_loss", "val_loss", "lr", "time"}
    old = fit(model, torch.nn.MSELoss(), optimizer, loader, epochs=1, metric=None,
              progress=False)
    assert "train_acc" not in old
    assert evaluate(model, torch.nn.MSELoss(), X, y, metrics=None).keys() == {"loss"}


def test_accuracy_on_float_targets_is_refused_before_training(device):
    X, y, model, optimizer = _regression(device)
    before = [p.detach().clone() for p in model.parameters()]
    message = (r"fit: accuracy needs integer class labels as targets, got torch.float64 targets "
               r"of shape \(16, 1\); for regression pass metrics=None")
    with pytest.raises(ValueError, match=message):
        fit(model, torch.nn.MSELoss(), optimizer, DataLoader(X, y, batch_size=16), epochs=1,
            progress=False)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
    with pytest.raises(ValueError, match=r"evaluate: accuracy needs integer class labels"):
        evaluate(model, torch.nn.MSELoss(), X, y)


def test_several_metrics_and_their_names():
    (X_train, y_train), val, _ = circles_split()
    model = _model("cpu")

    def error_rate(y_true, outputs):
        return 1.0 - float(np.mean(outputs.argmax(1) == y_true))

    from dlbook.metrics import accuracy
    history = fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
                  DataLoader(X_train, y_train, batch_size=90), epochs=2, val_data=val,
                  metrics=[accuracy, error_rate], progress=False)
    np.testing.assert_allclose(np.add(history["val_acc"], history["val_error_rate"]), 1.0)
    with pytest.raises(TypeError, match="fit: pass metrics= or its older spelling metric=, "
                                        "not both"):
        fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
            DataLoader(X_train, y_train, batch_size=90), epochs=1, metrics=None, metric=None)
    with pytest.raises(TypeError, match="fit: expected metrics to be a metric function"):
        fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
            DataLoader(X_train, y_train, batch_size=90), epochs=1, metrics="accuracy")


def test_a_numpy_optimizer_is_refused_by_name():
    import dlbook.np as dnp

    (X_train, y_train), _, _ = circles_split()
    model = _model("cpu")
    numpy_optimizer = dnp.optim.SGD([dnp.nn.Parameter(np.zeros(2))], lr=0.1)
    with pytest.raises(TypeError, match=r"fit: expected optimizer to be a torch.optim.Optimizer "
                                        r"over the model's parameters, got dlbook.np.optim.SGD"):
        fit(model, torch.nn.CrossEntropyLoss(), numpy_optimizer,
            DataLoader(X_train, y_train, batch_size=90), epochs=1, progress=False)


def test_progress_bar_only_when_on(capsys, monkeypatch):
    (X_train, y_train), _, _ = circles_split()
    model = _model("cpu")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loader = DataLoader(X_train, y_train, batch_size=90)
    fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=1, progress=True)
    assert "epochs" in capsys.readouterr().err
    monkeypatch.setenv("DLBOOK_PROGRESS", "0")
    fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=1)
    assert capsys.readouterr() == ("", "")


@pytest.fixture
def fit_setup():
    """A model, its loss, optimizer and loader, and schedulers good and bad, for bad calls."""
    (X_train, y_train), _, _ = circles_split()
    model, other = _model("cpu"), _model("cpu")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    return SimpleNamespace(
        fit=fit, model=model, loss_fn=torch.nn.CrossEntropyLoss(), optimizer=optimizer,
        loader=DataLoader(X_train, y_train, batch_size=90), X_train=X_train,
        elsewhere=torch.optim.lr_scheduler.StepLR(torch.optim.SGD(other.parameters(), lr=0.1), 1),
        step=torch.optim.lr_scheduler.StepLR(optimizer, 1),
        plateau=torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer))


BAD_CALLS = SHARED_BAD_FIT_CALLS + [
    (TypeError, r"fit: expected model to be a torch.nn.Module, got function",
     lambda s: fit(lambda x: x, s.loss_fn, s.optimizer, s.loader, epochs=1)),
    (TypeError, r"fit: expected optimizer to be a torch.optim.Optimizer over the model's "
                r"parameters, got str",
     lambda s: fit(s.model, s.loss_fn, "adam", s.loader, epochs=1)),
    (TypeError, r"fit: expected train_loader to yield \(xb, yb\) pairs or \(xb, yb, extra\) "
                r"triples, got numpy.ndarray",
     lambda s: fit(s.model, s.loss_fn, s.optimizer, DataLoader(s.X_train, batch_size=90),
                   epochs=1, progress=False)),
    (TypeError, r"fit: expected batches of numpy arrays or torch tensors, got list",
     lambda s: fit(s.model, s.loss_fn, s.optimizer, [([[0.0, 0.0]], [0])], epochs=1,
                   progress=False)),
]


@pytest.mark.parametrize(("error", "message", "call"), BAD_CALLS)
def test_bad_arguments(fit_setup, error, message, call):
    check_bad_call(fit_setup, error, message, call)


def test_an_optimizer_over_another_model_is_refused():
    (X_train, y_train), _, _ = circles_split()
    model, other = _model("cpu"), _model("cpu")
    with pytest.raises(ValueError, match=r"fit: the optimizer updates none of the model's "
                                         r"parameters \(was it built for another model"):
        fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(other.parameters(), lr=0.1),
            DataLoader(X_train, y_train, batch_size=90), epochs=1, progress=False)
    # some of the model's parameters (fine-tuning one layer) are fine
    partial = torch.optim.SGD(list(model.parameters())[-2:], lr=0.1)
    fit(model, torch.nn.CrossEntropyLoss(), partial, DataLoader(X_train, y_train, batch_size=90),
        epochs=1, progress=False)


def test_evaluate_checks_that_x_and_y_have_the_same_length():
    (X_train, y_train), _, _ = circles_split()
    with pytest.raises(ValueError, match=r"evaluate: expected y with 180 samples like X, got "
                                         r"shape \(3,\)"):
        evaluate(_model("cpu"), torch.nn.CrossEntropyLoss(), X_train, y_train[:3])


# ---- the training toolkit: extra inputs, schedulers, clipping, mixed precision ---------------
class Scaled(torch.nn.Module):
    """A linear classifier whose scores are scaled per row by a second input."""

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(2, 2)
        self.seen = []

    def forward(self, x, scale):
        self.seen.append((scale.device.type, scale.dtype, tuple(scale.shape)))
        return self.linear(x) * scale[:, None]


def _manual_run(model, optimizer, batches, epochs, *, clip=None, scheduler=None, per_batch=False):
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(epochs):
        for xb, yb in batches:
            optimizer.zero_grad()
            loss = loss_fn(model(torch.as_tensor(xb, dtype=torch.float32)), torch.as_tensor(yb))
            loss.backward()
            if clip is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            if per_batch:
                scheduler.step()
        if scheduler is not None and not per_batch:
            scheduler.step()


def test_fit_is_the_plain_loop_with_clipping_and_a_scheduler_bitwise():
    (X_train, y_train), _, _ = circles_split()
    batches = [(X_train[i:i + 45], y_train[i:i + 45]) for i in range(0, 180, 45)]
    for clip, per_batch in [(None, False), (0.05, False), (0.05, True)]:
        ours, theirs = _model("cpu"), _model("cpu")
        opt_ours = torch.optim.SGD(ours.parameters(), lr=0.5, momentum=0.9)
        opt_theirs = torch.optim.SGD(theirs.parameters(), lr=0.5, momentum=0.9)
        kind = torch.optim.lr_scheduler.StepLR
        history = fit(ours, torch.nn.CrossEntropyLoss(), opt_ours, batches, epochs=3,
                      grad_clip=clip, scheduler=kind(opt_ours, step_size=1, gamma=0.5),
                      scheduler_interval="batch" if per_batch else None, progress=False)
        _manual_run(theirs, opt_theirs, batches, 3, clip=clip,
                    scheduler=kind(opt_theirs, step_size=1, gamma=0.5), per_batch=per_batch)
        for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
            assert torch.equal(p, q), (clip, per_batch)
        expected_lr = [0.5 * 0.5 ** (4 * e) for e in range(3)] if per_batch else [0.5, 0.25,
                                                                                  0.125]
        assert history["lr"] == expected_lr


def test_one_cycle_is_stepped_every_batch_and_plateau_every_epoch():
    (X_train, y_train), val, _ = circles_split()
    loader = DataLoader(X_train, y_train, batch_size=30)  # 6 batches
    model = _model("cpu")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    one_cycle = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1.0, total_steps=18)
    history = fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=3,
                  scheduler=one_cycle, progress=False)
    assert one_cycle.last_epoch == 18
    reference = torch.optim.SGD(_model("cpu").parameters(), lr=0.1)
    replay = torch.optim.lr_scheduler.OneCycleLR(reference, max_lr=1.0, total_steps=18)
    first_of_each_epoch = []
    for step in range(18):
        if step % 6 == 0:
            first_of_each_epoch.append(reference.param_groups[0]["lr"])
        reference.step()
        replay.step()
    assert history["lr"] == first_of_each_epoch

    model = _model("cpu")
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, patience=0)

    def flat(output, target):  # zero gradients and a constant loss: a plateau from the start
        return (output * 0.0).sum()

    history = fit(model, flat, optimizer, loader, epochs=3, val_data=val, scheduler=plateau,
                  progress=False)
    assert history["lr"] == pytest.approx([1.0, 1.0, 0.1], rel=1e-12, abs=0.0)


def test_a_third_batch_element_is_passed_to_the_model():
    (X_train, y_train), (X_val, y_val), _ = circles_split()
    scale = np.linspace(0.5, 1.5, 180)
    dataset = torch.utils.data.TensorDataset(torch.tensor(X_train, dtype=torch.float32),
                                             torch.tensor(y_train),
                                             torch.tensor(scale, dtype=torch.float32))
    torch.manual_seed(0)
    model = Scaled()
    history = fit(model, torch.nn.CrossEntropyLoss(),
                  torch.optim.SGD(model.parameters(), lr=0.1),
                  torch.utils.data.DataLoader(dataset, batch_size=60), epochs=2,
                  val_data=(X_val, y_val, np.ones(len(X_val))), progress=False)
    assert len(history) == 2
    assert model.seen[0] == ("cpu", torch.float32, (60,))
    assert model.seen[-1] == ("cpu", torch.float32, (len(X_val),))  # NumPy floats: model dtype
    plain = predict(model.linear, X_val)
    doubled = predict(model, X_val, extra=np.full(len(X_val), 2.0), batch_size=7)
    torch.testing.assert_close(doubled, 2 * plain)
    result = evaluate(model, torch.nn.CrossEntropyLoss(), X_val, y_val, extra=np.ones(len(X_val)))
    assert result["loss"] == pytest.approx(history["val_loss"][-1], rel=1e-6)
    with pytest.raises(TypeError, match=r"fit: expected train_loader to yield \(xb, yb\) pairs "
                                        r"or \(xb, yb, extra\) triples, got tuple of length 4"):
        fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
            [(X_train, y_train, scale, scale)], epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"predict: expected extra with 60 rows like X, got 3"):
        predict(model, X_val, extra=np.ones(3))


def test_bf16_autocast_on_the_cpu_and_fp16_refused_there():
    (X_train, y_train), val, _ = circles_split()
    model = _model("cpu")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    history = fit(model, torch.nn.CrossEntropyLoss(), optimizer,
                  DataLoader(X_train, y_train, batch_size=30, shuffle=True, rng=0), epochs=10,
                  val_data=val, amp="bf16", progress=False)
    assert all(p.dtype == torch.float32 for p in model.parameters())
    assert np.isfinite(history["val_loss"]).all() and history["val_acc"][-1] > 0.8
    with pytest.raises(ValueError, match=r"fit: amp='fp16' needs a CUDA device \(float16 "
                                         r"autocast with a GradScaler\), got the model on cpu"):
        fit(model, torch.nn.CrossEntropyLoss(), optimizer, DataLoader(X_train, y_train,
            batch_size=30), epochs=1, amp="fp16", progress=False)
    with pytest.raises(ValueError, match=r"fit: expected amp to be one of None, 'bf16', 'fp16', "
                                         r"got 'fp32'"):
        fit(model, torch.nn.CrossEntropyLoss(), optimizer, DataLoader(X_train, y_train,
            batch_size=30), epochs=1, amp="fp32", progress=False)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_fp16_with_a_grad_scaler_on_cuda(tmp_path):
    from dlbook.torch.callbacks import ModelCheckpoint

    (X_train, y_train), val, _ = circles_split()
    model = _model("cuda")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loader = DataLoader(X_train, y_train, batch_size=30, shuffle=True, rng=0)
    history = fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=10,
                  val_data=val, amp="fp16", grad_clip=1.0, progress=False,
                  callbacks=[ModelCheckpoint(tmp_path / "fp16.pt")])
    assert np.isfinite(history["val_loss"]).all() and history["val_acc"][-1] > 0.8
    assert torch.load(tmp_path / "fp16.pt", weights_only=True)["scaler"] is not None


SCHEDULER_AND_CLIPPING_CALLS = [
    (ValueError, r"fit: the scheduler is attached to another optimizer than optimizer= "
                 r"\(build it as StepLR\(optimizer",
     lambda s: fit(s.model, s.loss_fn, s.optimizer, s.loader, epochs=1, scheduler=s.elsewhere)),
    (TypeError, r"fit: expected scheduler to be a torch.optim.lr_scheduler scheduler, got str",
     lambda s: fit(s.model, s.loss_fn, s.optimizer, s.loader, epochs=1, scheduler="cosine")),
    (ValueError, r"fit: expected scheduler_interval to be one of 'epoch', 'batch', got 'step'",
     lambda s: fit(s.model, s.loss_fn, s.optimizer, s.loader, epochs=1, scheduler=s.step,
                   scheduler_interval="step")),
    (ValueError, r"fit: scheduler_interval='batch' was given without a scheduler",
     lambda s: fit(s.model, s.loss_fn, s.optimizer, s.loader, epochs=1,
                   scheduler_interval="batch")),
    (ValueError, r"fit: ReduceLROnPlateau needs the epoch's monitored value; use "
                 r"scheduler_interval='epoch'",
     lambda s: fit(s.model, s.loss_fn, s.optimizer, s.loader, epochs=1, scheduler=s.plateau,
                   scheduler_interval="batch")),
    (ValueError, r"fit: scheduler_monitor 'val_loss' is not in the epoch's logs; available: "
                 r"train_loss, train_acc, lr",
     lambda s: fit(s.model, s.loss_fn, s.optimizer, s.loader, epochs=1, scheduler=s.plateau,
                   progress=False)),
    (ValueError, r"fit: expected grad_clip > 0.0, got 0.0",
     lambda s: fit(s.model, s.loss_fn, s.optimizer, s.loader, epochs=1, grad_clip=0)),
    (TypeError, r"fit: expected grad_clip to be a real number, got str",
     lambda s: fit(s.model, s.loss_fn, s.optimizer, s.loader, epochs=1, grad_clip="1")),
]


@pytest.mark.parametrize(("error", "message", "call"), SCHEDULER_AND_CLIPPING_CALLS)
def test_scheduler_and_clipping_arguments_are_checked(fit_setup, error, message, call):
    check_bad_call(fit_setup, error, message, call)


def test_progress_shows_a_bar_for_each_epoch_with_the_running_loss(capsys):
    (X_train, y_train), val, _ = circles_split()
    model = _model("cpu")
    fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
        DataLoader(X_train, y_train, batch_size=30), epochs=2, val_data=val, progress=True)
    err = capsys.readouterr().err
    assert "epoch 1/2" in err and "epoch 2/2" in err and "loss=" in err
    assert "val_loss=" in err


# ---- backward compatibility: the chapters' calls train exactly as before the toolkit --------
def _chapter_style_run(use_fit, **kwargs):
    """A seeded run with shuffling, dropout and Adam, by ``fit`` or by the loop it replaced."""
    (X_train, y_train), (X_val, y_val), _ = circles_split()
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Dropout(0.3),
                                torch.nn.Linear(16, 2))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loader = DataLoader(X_train, y_train, batch_size=32, shuffle=True, rng=3)
    loss_fn = torch.nn.CrossEntropyLoss()
    if use_fit:
        history = fit(model, loss_fn, optimizer, loader, epochs=3, val_data=(X_val, y_val),
                      progress=False, **kwargs)
        return model, history.iteration_loss, history["val_loss"]
    # the loop of dlbook.torch.train.fit before callbacks existed (main at feb3a16), by hand
    iteration_loss, val_loss = [], []
    for _ in range(3):
        model.train()
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(torch.as_tensor(xb, dtype=torch.float32)), torch.as_tensor(yb))
            loss.backward()
            optimizer.step()
            iteration_loss.append(float(loss.detach().double()))
        model.eval()
        with torch.no_grad():
            val_loss.append(float(loss_fn(model(torch.as_tensor(X_val, dtype=torch.float32)),
                                          torch.as_tensor(y_val))))
    return model, iteration_loss, val_loss


@chapter_style_kwargs
def test_a_chapter_style_fit_is_bitwise_the_loop_it_replaced(kwargs):
    assert_same_run(_chapter_style_run(True, **kwargs), _chapter_style_run(False), torch.equal)
