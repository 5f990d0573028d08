"""Learning-rate schedulers: torch's lr sequence step for step, state_dict, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlbook.np.nn import Parameter
from dlbook.np.optim import SGD, Adam, lr_scheduler

EPOCHS = 30
GROUP_LRS = (0.1, 0.03)

SCHEDULERS = [
    ("StepLR", dict(step_size=4, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.001)),  # runs past T_max: climbs back
    ("CosineAnnealingLR", dict(T_max=30)),
    ("LinearLR", dict(start_factor=0.2, end_factor=0.8, total_iters=9)),
    ("LinearLR", dict()),
]


def make_pair(ours_cls=SGD, theirs_cls=torch.optim.SGD):
    ours = ours_cls([{"params": [Parameter(np.zeros(2))], "lr": GROUP_LRS[0]},
                     {"params": [Parameter(np.zeros(1))], "lr": GROUP_LRS[1]}])
    theirs = theirs_cls([{"params": [torch.zeros(2, requires_grad=True)], "lr": GROUP_LRS[0]},
                         {"params": [torch.zeros(1, requires_grad=True)], "lr": GROUP_LRS[1]}])
    return ours, theirs


@pytest.mark.parametrize(("name", "config"), SCHEDULERS,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(SCHEDULERS)])
def test_matches_torch_for_30_epochs(name, config):
    ours_opt, theirs_opt = make_pair()
    ours = getattr(lr_scheduler, name)(ours_opt, **config)
    theirs = getattr(torch.optim.lr_scheduler, name)(theirs_opt, **config)
    for epoch in range(EPOCHS):
        np.testing.assert_allclose(ours.get_last_lr(), theirs.get_last_lr(), rtol=1e-12,
                                   atol=1e-15, err_msg=f"epoch {epoch}")
        assert [g["lr"] for g in ours_opt.param_groups] == ours.get_last_lr()
        ours_opt.step()
        theirs_opt.step()
        ours.step()
        theirs.step()
    assert ours.last_epoch == theirs.last_epoch == EPOCHS
    assert [g["initial_lr"] for g in ours_opt.param_groups] == list(GROUP_LRS)


METRICS = [5, 4, 4, 4, 4, 4, 3.9999, 3.9, 3.9, 3.9, 3.9, 3.9, 3.9, 3.9, 3.9, 3.0, 3.0, 3.0,
           3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0]

PLATEAU_CONFIGS = [
    dict(mode="min", factor=0.5, patience=2, threshold=1e-3, threshold_mode="rel",
         cooldown=1, min_lr=[0.01, 0.005], eps=1e-9),
    dict(mode="min", factor=0.3, patience=1, threshold=0.05, threshold_mode="abs",
         cooldown=2, min_lr=0.02, eps=1e-6),
    dict(mode="max", factor=0.2, patience=3, threshold=0.01, threshold_mode="rel"),
    dict(mode="max", factor=0.5, patience=0, threshold=0.5, threshold_mode="abs", cooldown=3),
]


@pytest.mark.parametrize("config", PLATEAU_CONFIGS, ids=range(len(PLATEAU_CONFIGS)))
def test_reduce_on_plateau_matches_torch(config):
    ours_opt, theirs_opt = make_pair()
    ours = lr_scheduler.ReduceLROnPlateau(ours_opt, **config)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs_opt, **config)
    metrics = METRICS if config["mode"] == "min" else [10 - m for m in METRICS]
    lrs = set()
    for epoch, metric in enumerate(metrics):
        ours.step(metric)
        theirs.step(metric)
        assert ours.get_last_lr() == theirs.get_last_lr(), f"epoch {epoch}"
        assert (ours.num_bad_epochs, ours.cooldown_counter) == (theirs.num_bad_epochs,
                                                                theirs.cooldown_counter)
        lrs.add(ours.get_last_lr()[0])
    assert len(lrs) > 1  # the sequence did reduce the learning rate


def test_scheduler_drives_an_adaptive_optimizer():
    ours_opt, theirs_opt = make_pair(Adam, torch.optim.Adam)
    ours = lr_scheduler.StepLR(ours_opt, step_size=2)
    theirs = torch.optim.lr_scheduler.StepLR(theirs_opt, step_size=2)
    for _ in range(5):
        ours_opt.step(); theirs_opt.step(); ours.step(); theirs.step()  # noqa: E702
    assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr())


def test_state_dict_round_trip_mid_run():
    ours_opt, theirs_opt = make_pair()
    ours = lr_scheduler.CosineAnnealingLR(ours_opt, T_max=10, eta_min=0.001)
    theirs = torch.optim.lr_scheduler.CosineAnnealingLR(theirs_opt, T_max=10, eta_min=0.001)
    for _ in range(4):
        ours_opt.step(); theirs_opt.step(); ours.step(); theirs.step()  # noqa: E702
    saved = ours.state_dict()
    assert "optimizer" not in saved and saved["last_epoch"] == 4
    resumed = lr_scheduler.CosineAnnealingLR(ours_opt, T_max=3)
    resumed.load_state_dict(saved)
    for group, lr in zip(ours_opt.param_groups, saved["_last_lr"], strict=True):
        group["lr"] = lr  # the optimizer's own state_dict carries lr in a real checkpoint
    for _ in range(10):
        resumed.step(); theirs.step()  # noqa: E702
        np.testing.assert_allclose(resumed.get_last_lr(), theirs.get_last_lr(), rtol=1e-12)


def test_plateau_state_dict_round_trip():
    ours_opt, _ = make_pair()
    ours = lr_scheduler.ReduceLROnPlateau(ours_opt, patience=1)
    for metric in [3.0, 2.0, 2.0]:
        ours.step(metric)
    saved = ours.state_dict()
    other = lr_scheduler.ReduceLROnPlateau(ours_opt, patience=5)
    other.load_state_dict(saved)
    assert (other.patience, other.best, other.num_bad_epochs) == (1, 2.0, 1)


@pytest.mark.parametrize(("name", "kwargs", "error", "message"), [
    ("StepLR", dict(step_size=0), ValueError, "StepLR: expected step_size >= 1, got 0"),
    ("StepLR", dict(step_size=2.5), TypeError, "StepLR: expected step_size to be an int"),
    ("StepLR", dict(step_size=2, gamma=-0.1), ValueError, "StepLR: expected gamma >= 0.0"),
    ("ExponentialLR", dict(gamma=-1), ValueError, "ExponentialLR: expected gamma >= 0.0"),
    ("CosineAnnealingLR", dict(T_max=0), ValueError,
     "CosineAnnealingLR: expected T_max >= 1, got 0"),
    ("CosineAnnealingLR", dict(T_max=5, eta_min=-1), ValueError,
     "CosineAnnealingLR: expected eta_min >= 0.0"),
    ("LinearLR", dict(start_factor=0), ValueError, "LinearLR: expected start_factor > 0.0"),
    ("LinearLR", dict(end_factor=1.5), ValueError, "LinearLR: expected end_factor <= 1.0"),
    ("LinearLR", dict(total_iters=0), ValueError, "LinearLR: expected total_iters >= 1"),
    ("ReduceLROnPlateau", dict(mode="lowest"), ValueError,
     "ReduceLROnPlateau: expected mode to be one of"),
    ("ReduceLROnPlateau", dict(factor=1.0), ValueError,
     "ReduceLROnPlateau: expected factor < 1.0, got 1.0"),
    ("ReduceLROnPlateau", dict(threshold_mode="relative"), ValueError,
     "ReduceLROnPlateau: expected threshold_mode to be one of"),
    ("ReduceLROnPlateau", dict(patience=-1), ValueError,
     "ReduceLROnPlateau: expected patience >= 0"),
    ("ReduceLROnPlateau", dict(min_lr=[0.1, 0.1, 0.1]), ValueError,
     "ReduceLROnPlateau: expected 2 values in min_lr"),
])
def test_bad_arguments(name, kwargs, error, message):
    ours_opt, _ = make_pair()
    with pytest.raises(error, match=message):
        getattr(lr_scheduler, name)(ours_opt, **kwargs)


def test_needs_one_of_our_optimizers():
    _, theirs_opt = make_pair()
    with pytest.raises(TypeError, match="StepLR: expected a dlbook.np.optim Optimizer, "
                                        "got torch.optim.SGD"):
        lr_scheduler.StepLR(theirs_opt, step_size=2)
    with pytest.raises(NotImplementedError, match="LRScheduler does not implement get_lr"):
        lr_scheduler.LRScheduler(make_pair()[0])
