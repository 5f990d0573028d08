"""Tests of dlbook.torch.diagnostics: the gradient-norm recorder and the lr range test."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from dlbook.data import DataLoader
from dlbook.history import History
from dlbook.torch.callbacks import ModelCheckpoint, TrainState
from dlbook.torch.diagnostics import GradientNormRecorder, LRRangeTestResult, lr_range_test
from dlbook.torch.models import MLP
from dlbook.torch.train import fit


@pytest.fixture(autouse=True)
def _one_cpu_thread(one_cpu_thread):
    """Tiny models: one CPU thread (see tests/torch/conftest.py)."""


def _data(n=48, features=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, features)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    return X, y


def _fit(model, recorder, *, epochs=2, lr=0.1, device="cpu", grad_clip=None, X=None, y=None):
    X, y = _data() if X is None else (X, y)
    return fit(model, torch.nn.CrossEntropyLoss(),
               torch.optim.SGD(model.parameters(), lr=lr), DataLoader(X, y, batch_size=16),
               epochs=epochs, callbacks=[recorder], progress=False, device=device,
               grad_clip=grad_clip)


# GradientNormRecorder ----------------------------------------------------------------------------

def test_layer_norms_match_the_gradients_of_the_step(device):
    torch.manual_seed(0)
    model = MLP(4, (8, 6), 2, device=device)
    X, y = _data(n=16)
    seen = {}

    class Spy(GradientNormRecorder):  # the .grad the recorder reads, computed independently
        def on_batch_end(self, state):
            super().on_batch_end(state)
            seen.update({name: p.grad.detach().cpu().double().clone()
                         for name, p in state.model.named_parameters()})

    recorder = Spy()
    _fit(model, recorder, epochs=1, device=device, X=X, y=y)
    assert list(recorder.norms) == ["0", "2", "4"]
    assert recorder.steps == [1]
    for layer in ("0", "2", "4"):
        expected = math.sqrt(float(seen[f"{layer}.weight"].pow(2).sum()
                                   + seen[f"{layer}.bias"].pow(2).sum()))
        assert recorder.norms[layer][0] == pytest.approx(expected, rel=1e-12)


def test_parameter_grouping_and_every():
    torch.manual_seed(0)
    model = MLP(4, (8,), 2)
    recorder = GradientNormRecorder(group="parameter", every=2)
    _fit(model, recorder, epochs=2)  # 3 batches per epoch: steps 1..6
    assert list(recorder.norms) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert recorder.steps == [2, 4, 6]
    assert all(len(values) == 3 for values in recorder.norms.values())


def test_norms_are_measured_after_clipping():
    torch.manual_seed(0)
    model = MLP(4, (8,), 2)
    recorder = GradientNormRecorder()
    _fit(model, recorder, lr=0.0, grad_clip=1e-3)
    total = np.sqrt(sum(np.square(values) for values in recorder.norms.values()))
    assert np.all(total <= 1e-3 * (1 + 1e-5))


def test_norms_before_clip_are_the_total_norms_clipping_saw():
    torch.manual_seed(0)
    model = MLP(4, (8,), 2)
    seen = []

    class Spy(GradientNormRecorder):  # the norm clip_grad_norm_ returns, computed again
        def on_batch_end(self, state):
            super().on_batch_end(state)
            seen.append(state.grad_norm)

    X, y = _data()
    reference = MLP(4, (8,), 2)
    reference.load_state_dict(model.state_dict())
    recorder = Spy()
    _fit(model, recorder, epochs=1, lr=0.0, grad_clip=1e-3, X=X, y=y)
    assert len(recorder.norms_before_clip) == recorder.steps[-1] == 3
    for index, start in enumerate(range(0, 48, 16)):  # lr=0: every step sees the same weights
        reference.zero_grad()
        torch.nn.CrossEntropyLoss()(reference(torch.from_numpy(X[start:start + 16])),
                                    torch.from_numpy(y[start:start + 16])).backward()
        expected = torch.nn.utils.clip_grad_norm_(reference.parameters(), math.inf)
        assert recorder.norms_before_clip[index] == pytest.approx(float(expected), rel=1e-6)
        assert isinstance(seen[index], torch.Tensor) and seen[index].ndim == 0
    assert min(recorder.norms_before_clip) > 1e-3  # so every step was clipped


def test_no_norms_before_clip_without_clipping():
    torch.manual_seed(0)
    model = MLP(4, (8,), 2)
    seen = []

    class Spy(GradientNormRecorder):
        def on_batch_end(self, state):
            super().on_batch_end(state)
            seen.append(state.grad_norm)

    recorder = Spy()
    _fit(model, recorder, epochs=1)
    assert recorder.norms_before_clip == [] and seen == [None, None, None]
    assert recorder.state_dict()["norms_before_clip"] == []


def test_frozen_parameters_record_nan():
    torch.manual_seed(0)
    model = MLP(4, (8,), 2)
    model[0].requires_grad_(False)
    recorder = GradientNormRecorder()
    X, y = _data()
    fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model[2].parameters(), lr=0.1),
        DataLoader(X, y, batch_size=16), epochs=1, callbacks=[recorder], progress=False)
    assert all(math.isnan(v) for v in recorder.norms["0"])
    assert all(v > 0 for v in recorder.norms["2"])


def test_state_dict_round_trip_and_resume(tmp_path):
    X, y = _data()
    path = tmp_path / "ckpt.pt"

    def run(epochs, resume_from=None):
        torch.manual_seed(0)
        model = MLP(4, (8,), 2)
        recorder = GradientNormRecorder()
        fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
            DataLoader(X, y, batch_size=16, shuffle=True, rng=0), epochs=epochs,
            callbacks=[recorder, ModelCheckpoint(path)], progress=False,
            resume_from=resume_from)
        return recorder

    straight = run(4)
    run(2)
    resumed = run(4, resume_from=path)
    assert resumed.steps == straight.steps == list(range(1, 13))
    assert resumed.norms == straight.norms
    copy = GradientNormRecorder()
    copy.load_state_dict(straight.state_dict())
    assert copy.norms == straight.norms and copy.step == straight.step


def test_recorder_bad_arguments():
    with pytest.raises(ValueError, match=r"GradientNormRecorder: expected group to be one of "
                                         r".*'layer'.*'parameter'.*, got 'module'"):
        GradientNormRecorder(group="module")
    with pytest.raises(ValueError, match="GradientNormRecorder: expected every >= 1, got 0"):
        GradientNormRecorder(every=0)


def test_recorder_refuses_a_model_that_is_not_a_torch_module():
    state = TrainState(model=object(), optimizer=None, history=History(), epochs=1)
    with pytest.raises(TypeError, match="GradientNormRecorder: expected a torch.nn.Module model "
                                        r"\(use it with dlbook.torch.train.fit\), got object"):
        GradientNormRecorder().on_train_begin(state)


# lr_range_test -----------------------------------------------------------------------------------

def _linear_problem():
    X = np.linspace(-1, 1, 64, dtype=np.float32).reshape(64, 1)
    return X, 3 * X


def test_exponential_schedule_and_restore(device):
    torch.manual_seed(0)
    X, Y = _linear_problem()
    model = torch.nn.Linear(1, 1).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    result = lr_range_test(model, torch.nn.MSELoss(), optimizer, DataLoader(X, Y, batch_size=8),
                           start_lr=1e-4, end_lr=1e-2, num_steps=20, divergence_factor=math.inf)
    assert isinstance(result, LRRangeTestResult) and not result.diverged
    expected = 1e-4 * 100.0 ** (np.arange(20) / 19)
    np.testing.assert_allclose(result.lrs, expected, rtol=1e-12)
    assert len(result.losses) == len(result.smoothed) == 20  # 8 batches per pass: 3 passes
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key])
    assert optimizer.param_groups[0]["lr"] == 0.5
    assert optimizer.state_dict()["state"] == {}  # no momentum buffers left behind


def test_recorded_losses_are_the_batches_losses():
    """A model with lr 0 everywhere: the losses are those of the untouched model."""
    torch.manual_seed(0)
    X, Y = _linear_problem()
    model = torch.nn.Linear(1, 1)
    loss_fn = torch.nn.MSELoss()
    result = lr_range_test(model, loss_fn, torch.optim.SGD(model.parameters()),
                           DataLoader(X, Y, batch_size=16), start_lr=1e-12, end_lr=2e-12,
                           smoothing=0.0, divergence_factor=math.inf)
    with torch.no_grad():
        expected = [float(loss_fn(model(torch.from_numpy(X[i:i + 16])),
                                  torch.from_numpy(Y[i:i + 16]))) for i in range(0, 64, 16)]
    np.testing.assert_allclose(result.losses, expected, rtol=1e-5)
    np.testing.assert_allclose(result.smoothed, result.losses)  # smoothing=0: no averaging


def test_linear_mode_smoothing_and_divergence():
    torch.manual_seed(0)
    X, Y = _linear_problem()
    model = torch.nn.Linear(1, 1)
    result = lr_range_test(model, torch.nn.MSELoss(), torch.optim.SGD(model.parameters()),
                           DataLoader(X, Y, batch_size=4, shuffle=True, rng=0), start_lr=0.01,
                           end_lr=50.0, num_steps=100, mode="linear", smoothing=0.5)
    n = len(result.lrs)
    np.testing.assert_allclose(result.lrs, 0.01 + (50.0 - 0.01) * np.arange(n) / 99)
    average, smoothed = 0.0, []
    for t, loss in enumerate(result.losses, start=1):
        average = 0.5 * average + 0.5 * loss
        smoothed.append(average / (1 - 0.5 ** t))
    np.testing.assert_allclose(result.smoothed, smoothed, rtol=1e-12)
    assert result.diverged and n < 100
    assert result.smoothed[-1] > 4.0 * result.smoothed[:-1].min()
    assert np.all(result.smoothed[:-1] <= 4.0 * np.minimum.accumulate(result.smoothed[:-1]))


def test_suggestions():
    lrs = np.array([1e-3, 1e-2, 1e-1, 1.0, 10.0])
    smoothed = np.array([2.0, 1.9, 1.0, 0.8, 5.0])
    result = LRRangeTestResult(lrs=lrs, losses=smoothed, smoothed=smoothed, diverged=True)
    assert result.lr_at_min == 1.0
    assert result.steepest_lr == 0.1  # the largest fall per factor of ten, before the minimum
    rising = np.array([0.5, 1.0, 2.0, 3.0, 4.0])  # lowest at the first step
    first = LRRangeTestResult(lrs=lrs, losses=rising, smoothed=rising, diverged=False)
    assert first.steepest_lr == first.lr_at_min == 1e-3


def test_restore_false_keeps_the_trained_weights():
    torch.manual_seed(0)
    X, Y = _linear_problem()
    model = torch.nn.Linear(1, 1)
    before = model.weight.item()
    lr_range_test(model, torch.nn.MSELoss(), torch.optim.SGD(model.parameters()),
                  DataLoader(X, Y, batch_size=8), start_lr=1e-3, end_lr=0.1, restore=False)
    assert model.weight.item() != before


def test_one_pass_by_default_and_loaders_without_length():
    torch.manual_seed(0)
    X, Y = _linear_problem()
    model = torch.nn.Linear(1, 1)
    optimizer = torch.optim.SGD(model.parameters())
    result = lr_range_test(model, torch.nn.MSELoss(), optimizer, DataLoader(X, Y, batch_size=8),
                           divergence_factor=math.inf)
    assert len(result.lrs) == 8
    batches = [(X[i:i + 8], Y[i:i + 8]) for i in range(0, 64, 8)]
    result = lr_range_test(model, torch.nn.MSELoss(), optimizer, iter(batches), num_steps=5,
                           divergence_factor=math.inf)
    assert len(result.lrs) == 5
    with pytest.raises(TypeError, match=r"lr_range_test: train_loader has no length "
                                        r"\(list_iterator\); pass num_steps"):
        lr_range_test(model, torch.nn.MSELoss(), optimizer, iter(batches))


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"start_lr": 0.0}, ValueError, "lr_range_test: expected start_lr > 0.0, got 0.0"),
    ({"end_lr": -1.0}, ValueError, r"lr_range_test: expected end_lr > 0.0, got -1.0"),
    ({"start_lr": 1.0, "end_lr": 0.5}, ValueError,
     r"lr_range_test: expected end_lr > start_lr = 1.0, got 0.5"),
    ({"start_lr": "small"}, TypeError,
     "lr_range_test: expected start_lr to be a real number, got str 'small'"),
    ({"mode": "cosine"}, ValueError,
     r"lr_range_test: expected mode to be one of .*'exp'.*'linear'.*, got 'cosine'"),
    ({"smoothing": 1.0}, ValueError, r"lr_range_test: expected smoothing < 1.0, got 1.0"),
    ({"divergence_factor": 1.0}, ValueError,
     r"lr_range_test: expected divergence_factor > 1.0, got 1.0"),
    ({"num_steps": 1}, ValueError, "lr_range_test: expected num_steps >= 2, got 1"),
    ({"num_steps": 2.5}, TypeError, "lr_range_test: expected num_steps to be"),
    ({"restore": 1}, TypeError, "lr_range_test: expected restore to be a bool, got int"),
])
def test_range_test_bad_arguments(kwargs, error, message):
    X, Y = _linear_problem()
    model = torch.nn.Linear(1, 1)
    with pytest.raises(error, match=message):
        lr_range_test(model, torch.nn.MSELoss(), torch.optim.SGD(model.parameters()),
                      DataLoader(X, Y, batch_size=8), **kwargs)


def test_range_test_bad_model_and_optimizer():
    X, Y = _linear_problem()
    model = torch.nn.Linear(1, 1)
    loader = DataLoader(X, Y, batch_size=8)
    with pytest.raises(TypeError, match="lr_range_test: expected model to be a torch.nn.Module, "
                                        "got str"):
        lr_range_test("model", torch.nn.MSELoss(), torch.optim.SGD(model.parameters()), loader)
    with pytest.raises(TypeError, match="lr_range_test: expected optimizer to be a "
                                        "torch.optim.Optimizer, got dict"):
        lr_range_test(model, torch.nn.MSELoss(), {"lr": 0.1}, loader)
