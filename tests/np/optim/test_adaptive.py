"""Adagrad, RMSprop, Adam, AdamW, Adamax, RAdam: step-by-step parity with torch.optim."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlbook.np import optim
from dlbook.np.nn import Parameter
from dlbook.testing import assert_close

STEPS = 14
SHAPES = [(3, 4), (4,), (2, 1)]

# (name, configurations with every hyperparameter away from its default)
CONFIGS = [
    ("Adagrad", dict(lr=0.05, lr_decay=0.1, weight_decay=0.03, initial_accumulator_value=0.2,
                     eps=1e-6)),
    ("Adagrad", dict(lr=0.2, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5,
                     eps=1e-3, maximize=True)),
    ("RMSprop", dict(lr=0.02, alpha=0.9, eps=1e-4, weight_decay=0.05, momentum=0.8,
                     centered=True)),
    ("RMSprop", dict(lr=0.03, alpha=0.8, eps=1e-3, weight_decay=0.02, momentum=0.0,
                     centered=False, maximize=True)),
    ("RMSprop", dict(lr=0.01, alpha=0.95, eps=1e-5, weight_decay=0.0, momentum=0.5,
                     centered=False)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.95), eps=1e-4, weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=0.02, betas=(0.7, 0.9), eps=1e-3, weight_decay=0.05, amsgrad=False,
                  maximize=True)),
    ("AdamW", dict(lr=0.05, betas=(0.8, 0.95), eps=1e-4, weight_decay=0.2, amsgrad=True)),
    ("AdamW", dict(lr=0.02, betas=(0.85, 0.9), eps=1e-3, weight_decay=0.1, amsgrad=False,
                   maximize=True)),
    ("Adamax", dict(lr=0.05, betas=(0.8, 0.95), eps=1e-3, weight_decay=0.1)),
    ("Adamax", dict(lr=0.01, betas=(0.7, 0.99), eps=1e-5, weight_decay=0.02, maximize=True)),
    ("RAdam", dict(lr=0.05, betas=(0.8, 0.95), eps=1e-4, weight_decay=0.1)),
    ("RAdam", dict(lr=0.02, betas=(0.85, 0.99), eps=1e-3, weight_decay=0.05,
                   decoupled_weight_decay=True, maximize=True)),
]
NAMES = ["Adagrad", "RMSprop", "Adam", "AdamW", "Adamax", "RAdam"]


def gradient(value: np.ndarray, step: int) -> np.ndarray:
    """A gradient that depends on the parameter and the step, with varied scales."""
    return np.cos(3 * value) * (1 + step % 3) + 0.1 * step * np.sin(value)


def make_pair(seed: int = 0):
    rng = np.random.default_rng(seed)
    initial = [rng.standard_normal(shape) for shape in SHAPES]
    ours = [Parameter(a.copy()) for a in initial]
    theirs = [torch.nn.Parameter(torch.tensor(a)) for a in initial]
    return ours, theirs


def pair_optimizers(name, ours, theirs, groups=None, **config):
    if groups is not None:
        ours = [{"params": ours[:2], **groups[0]}, {"params": ours[2:], **groups[1]}]
        theirs = [{"params": theirs[:2], **groups[0]}, {"params": theirs[2:], **groups[1]}]
    return (getattr(optim, name)(ours, **config),
            getattr(torch.optim, name)(theirs, foreach=False, **config))


def run_steps(ours_opt, ours, theirs_opt, theirs, steps, first_step=0):
    for step in range(first_step, first_step + steps):
        ours_opt.zero_grad()
        theirs_opt.zero_grad()
        for p, q in zip(ours, theirs, strict=True):
            p.grad += gradient(p.data, step)
            q.grad = torch.tensor(gradient(q.detach().numpy(), step))
        ours_opt.step()
        theirs_opt.step()
        for i, (p, q) in enumerate(zip(ours, theirs, strict=True)):
            assert_close(p.data, q, name=f"step {step}, parameter {i}")


@pytest.mark.parametrize(("name", "config"), CONFIGS,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(CONFIGS)])
def test_matches_torch(name, config):
    ours, theirs = make_pair()
    ours_opt, theirs_opt = pair_optimizers(name, ours, theirs, **config)
    run_steps(ours_opt, ours, theirs_opt, theirs, STEPS)


@pytest.mark.parametrize(("name", "config"), CONFIGS[::2], ids=lambda x: str(x)[:20])
def test_parameter_group_with_its_own_lr_matches_torch(name, config):
    ours, theirs = make_pair(1)
    groups = [{}, {"lr": config["lr"] * 3}]
    ours_opt, theirs_opt = pair_optimizers(name, ours, theirs, groups, **config)
    assert ours_opt.param_groups[1]["lr"] == config["lr"] * 3
    run_steps(ours_opt, ours, theirs_opt, theirs, STEPS)


def test_radam_runs_both_branches():
    # rho_t <= 5 for the first steps (plain momentum), then rectified Adam steps.
    beta2 = 0.99
    rho_inf = 2 / (1 - beta2) - 1
    rho = [rho_inf - 2 * t * beta2**t / (1 - beta2**t) for t in range(1, STEPS + 1)]
    assert rho[0] <= 5 < rho[-1]


def _to_torch_state(saved):
    saved = dict(saved)
    saved["state"] = {i: {k: torch.as_tensor(v) for k, v in s.items()}
                      for i, s in saved["state"].items()}
    return saved


@pytest.mark.parametrize("direction", ["ours->ours", "ours->torch", "torch->ours"])
@pytest.mark.parametrize(("name", "config"), CONFIGS[::2], ids=lambda x: str(x)[:20])
def test_state_dict_round_trip_mid_run(name, config, direction):
    ours, theirs = make_pair(3)
    ours_opt, theirs_opt = pair_optimizers(name, ours, theirs, **config)
    run_steps(ours_opt, ours, theirs_opt, theirs, 6)
    # Fresh optimizers with other hyperparameters, then loaded: the saved ones win.
    new_ours, new_theirs = pair_optimizers(name, ours, theirs, lr=1.0)
    if direction == "ours->ours":
        new_ours.load_state_dict(ours_opt.state_dict())
        new_theirs.load_state_dict(theirs_opt.state_dict())
    elif direction == "ours->torch":
        saved = ours_opt.state_dict()
        new_ours.load_state_dict(saved)
        new_theirs.load_state_dict(_to_torch_state(saved))
    else:
        new_ours.load_state_dict(theirs_opt.state_dict())
        new_theirs.load_state_dict(theirs_opt.state_dict())
    assert new_ours.param_groups[0]["lr"] == config["lr"]
    run_steps(new_ours, ours, new_theirs, theirs, 8, first_step=6)


@pytest.mark.parametrize("name", NAMES)
def test_state_keys_match_torch(name):
    ours, theirs = make_pair()
    extra = {"RMSprop": dict(momentum=0.5, centered=True), "Adam": dict(amsgrad=True)}
    ours_opt, theirs_opt = pair_optimizers(name, ours, theirs, **extra.get(name, {}))
    run_steps(ours_opt, ours, theirs_opt, theirs, 2)
    ours_state, theirs_state = ours_opt.state_dict()["state"], theirs_opt.state_dict()["state"]
    assert set(ours_state[0]) == set(theirs_state[0])
    for key, value in theirs_state[0].items():
        assert_close(np.asarray(ours_state[0][key], dtype=np.float64), value.double(),
                     name=key)


def test_defaults_match_torch():
    param = Parameter(np.zeros(1))
    for name in NAMES:
        ours = getattr(optim, name)([param]).defaults
        theirs = getattr(torch.optim, name)([torch.zeros(1)]).defaults
        for key, value in ours.items():
            assert theirs[key] == value, (name, key)
    assert optim.AdamW([param]).defaults["weight_decay"] == 1e-2
    assert optim.Adamax([param]).defaults["lr"] == 2e-3


def test_float32_parameters_stay_float32():
    param = Parameter(np.ones(3, dtype=np.float32))
    for name in NAMES:
        opt = getattr(optim, name)([param])
        param.grad += 1.0
        opt.step()
        assert param.data.dtype == np.float32


@pytest.mark.parametrize(("name", "kwargs", "error", "message"), [
    ("Adagrad", dict(lr=-0.1), ValueError, "Adagrad: expected lr >= 0.0, got -0.1"),
    ("Adagrad", dict(lr_decay=-1), ValueError, "Adagrad: expected lr_decay >= 0.0, got -1.0"),
    ("Adagrad", dict(initial_accumulator_value=-1), ValueError,
     "Adagrad: expected initial_accumulator_value >= 0.0"),
    ("RMSprop", dict(alpha=-0.5), ValueError, "RMSprop: expected alpha >= 0.0, got -0.5"),
    ("RMSprop", dict(momentum=-0.5), ValueError, "RMSprop: expected momentum >= 0.0"),
    ("RMSprop", dict(centered=1), TypeError, "RMSprop: expected centered to be bool, got int"),
    ("Adam", dict(betas=(0.9, 1.0)), ValueError, r"Adam: expected betas\[1\] < 1.0, got 1.0"),
    ("Adam", dict(betas=(-0.1, 0.9)), ValueError,
     r"Adam: expected betas\[0\] >= 0.0, got -0.1"),
    ("Adam", dict(betas=0.9), ValueError, r"Adam: expected betas to be a pair"),
    ("Adam", dict(eps=-1e-8), ValueError, "Adam: expected eps >= 0.0"),
    ("Adam", dict(amsgrad="yes"), TypeError, "Adam: expected amsgrad to be bool, got str"),
    ("AdamW", dict(weight_decay=-0.01), ValueError,
     "AdamW: expected weight_decay >= 0.0, got -0.01"),
    ("AdamW", dict(betas=(0.9, 1.5)), ValueError, r"AdamW: expected betas\[1\] < 1.0"),
    ("Adamax", dict(lr=float("nan")), ValueError, "Adamax: expected lr to be finite"),
    ("RAdam", dict(betas=(1.0, 0.9)), ValueError, r"RAdam: expected betas\[0\] < 1.0"),
    ("RAdam", dict(decoupled_weight_decay=None), TypeError,
     "RAdam: expected decoupled_weight_decay to be bool"),
    ("RAdam", dict(maximize=0), TypeError, "RAdam: expected maximize to be bool, got int"),
])
def test_bad_hyperparameters(name, kwargs, error, message):
    with pytest.raises(error, match=message):
        getattr(optim, name)([Parameter(np.zeros(1))], **kwargs)


def test_bad_group_hyperparameter_and_unknown_name():
    param = Parameter(np.zeros(1))
    with pytest.raises(ValueError, match="Adam: expected lr >= 0.0, got -1.0"):
        optim.Adam([{"params": [param], "lr": -1.0}])
    with pytest.raises(ValueError, match=r"RMSprop: unknown hyperparameters \['betas'\]"):
        optim.RMSprop([{"params": [param], "betas": (0.9, 0.99)}])
