"""Tests of dlbook.torch.train: fit, evaluate, predict on every device present."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlbook.data import DataLoader, circles, train_val_test_split
from dlbook.torch.models import MLP
from dlbook.torch.train import evaluate, fit, model_device, predict


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


def _circles():
    X, y = circles(n_samples=300, noise=0.1, factor=0.5, random_state=0)
    return train_val_test_split(X, y, val_size=0.2, test_size=0.2, random_state=0)


def _model(device, dtype=torch.float32):
    torch.manual_seed(0)
    return MLP(2, [16], 2, device=device, dtype=dtype)


def test_an_mlp_learns_the_circles_from_numpy_batches(device, capsys):
    (X_train, y_train), val, (X_test, y_test) = _circles()
    model = _model(device)
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loader = DataLoader(X_train, y_train, batch_size=30, shuffle=True, seed=0)
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
    (X_train, y_train), val, _ = _circles()
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
    (X_train, y_train), _, _ = _circles()
    torch.manual_seed(0)
    model = MLP(2, [4], 2)
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    fit(model, torch.nn.CrossEntropyLoss(), optimizer, DataLoader(X_train, y_train, batch_size=90),
        epochs=1, device=device, progress=False)
    assert all(p.device.type == device for p in model.parameters())


def test_modes_training_then_evaluation_for_validation(device):
    (X_train, y_train), val, _ = _circles()
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
    (X_train, y_train), _, _ = _circles()
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
                  DataLoader(X, y, batch_size=16, shuffle=True, seed=0), epochs=50,
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
    loader = DataLoader(X, y, batch_size=16, shuffle=True, seed=0)
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
    (X_train, y_train), val, _ = _circles()
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

    (X_train, y_train), _, _ = _circles()
    model = _model("cpu")
    numpy_optimizer = dnp.optim.SGD([dnp.nn.Parameter(np.zeros(2))], lr=0.1)
    with pytest.raises(TypeError, match=r"fit: expected optimizer to be a torch.optim.Optimizer "
                                        r"over the model's parameters, got dlbook.np.optim.SGD"):
        fit(model, torch.nn.CrossEntropyLoss(), numpy_optimizer,
            DataLoader(X_train, y_train, batch_size=90), epochs=1, progress=False)


def test_progress_bar_only_when_on(capsys, monkeypatch):
    (X_train, y_train), _, _ = _circles()
    model = _model("cpu")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loader = DataLoader(X_train, y_train, batch_size=90)
    fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=1, progress=True)
    assert "epochs" in capsys.readouterr().err
    monkeypatch.setenv("DLBOOK_PROGRESS", "0")
    fit(model, torch.nn.CrossEntropyLoss(), optimizer, loader, epochs=1)
    assert capsys.readouterr() == ("", "")


def test_bad_arguments():
    (X_train, y_train), _, _ = _circles()
    model = _model("cpu")
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loader = DataLoader(X_train, y_train, batch_size=90)
    with pytest.raises(ValueError, match=r"fit: expected epochs >= 1, got 0"):
        fit(model, loss_fn, optimizer, loader, epochs=0)
    with pytest.raises(TypeError, match=r"fit: expected model to be a torch.nn.Module, got "
                                        r"function"):
        fit(lambda x: x, loss_fn, optimizer, loader, epochs=1)
    with pytest.raises(TypeError, match=r"fit: expected optimizer to be a torch.optim.Optimizer "
                                        r"over the model's parameters, got str"):
        fit(model, loss_fn, "adam", loader, epochs=1)
    with pytest.raises(TypeError, match=r"fit: expected train_loader to yield \(xb, yb\) pairs, "
                                        r"got numpy.ndarray"):
        fit(model, loss_fn, optimizer, DataLoader(X_train, batch_size=90), epochs=1,
            progress=False)
    with pytest.raises(ValueError, match=r"fit: train_loader yielded no batch"):
        fit(model, loss_fn, optimizer, [], epochs=1, progress=False)
    with pytest.raises(TypeError, match=r"fit: expected batches of numpy arrays or torch tensors, "
                                        r"got list"):
        fit(model, loss_fn, optimizer, [([[0.0, 0.0]], [0])], epochs=1, progress=False)


def test_an_optimizer_over_another_model_is_refused():
    (X_train, y_train), _, _ = _circles()
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
    (X_train, y_train), _, _ = _circles()
    with pytest.raises(ValueError, match=r"evaluate: expected y with 180 samples like X, got "
                                         r"shape \(3,\)"):
        evaluate(_model("cpu"), torch.nn.CrossEntropyLoss(), X_train, y_train[:3])
