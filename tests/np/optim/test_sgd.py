"""SGD: step-by-step parity with torch.optim.SGD, parameter groups, state_dict, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlbook.np.nn import Linear, Parameter
from dlbook.np.optim import SGD, Optimizer
from dlbook.testing import assert_close

STEPS = 15
SHAPES = [(3, 4), (4,), (1,)]

# Every hyperparameter set explicitly in each combination.
CONFIGS = [
    dict(lr=0.1, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False),
    dict(lr=0.05, momentum=0.9, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False),
    dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.0, nesterov=False, maximize=False),
    dict(lr=0.05, momentum=0.8, dampening=0.0, weight_decay=0.0, nesterov=True, maximize=False),
    dict(lr=0.02, momentum=0.0, dampening=0.0, weight_decay=0.1, nesterov=False, maximize=False),
    dict(lr=0.02, momentum=0.7, dampening=0.1, weight_decay=0.05, nesterov=False, maximize=True),
    dict(lr=0.03, momentum=0.9, dampening=0.0, weight_decay=0.01, nesterov=True, maximize=True),
    dict(lr=0.01, momentum=1.5, dampening=0.5, weight_decay=0.2, nesterov=False, maximize=False),
]


def gradient(value: np.ndarray, step: int) -> np.ndarray:
    """A gradient that depends on the parameter and the step (so momentum matters)."""
    return np.cos(3 * value) + 0.1 * step * np.sin(value)


def make_pair(seed: int = 0):
    rng = np.random.default_rng(seed)
    initial = [rng.standard_normal(shape) for shape in SHAPES]
    ours = [Parameter(a.copy()) for a in initial]
    theirs = [torch.nn.Parameter(torch.tensor(a)) for a in initial]
    return ours, theirs


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


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(f"{v}" for v in c.values()))
def test_matches_torch(config):
    ours, theirs = make_pair()
    run_steps(SGD(ours, **config), ours, torch.optim.SGD(theirs, **config), theirs, STEPS)


def test_parameter_groups_match_torch():
    ours, theirs = make_pair(1)
    group_a = dict(lr=0.1, momentum=0.9, dampening=0.0, weight_decay=0.0, nesterov=True)
    group_b = dict(lr=0.01, weight_decay=0.3)
    defaults = dict(lr=0.05, momentum=0.5, dampening=0.2, weight_decay=0.0, nesterov=False,
                    maximize=False)
    ours_opt = SGD([{"params": ours[:2], **group_a}, {"params": ours[2:], **group_b}], **defaults)
    theirs_opt = torch.optim.SGD([{"params": theirs[:2], **group_a},
                                  {"params": theirs[2:], **group_b}], **defaults)
    assert ours_opt.param_groups[1]["momentum"] == 0.5  # filled from the defaults
    run_steps(ours_opt, ours, theirs_opt, theirs, STEPS)


def test_changing_lr_in_a_group_takes_effect():
    ours, theirs = make_pair(2)
    ours_opt, theirs_opt = SGD(ours, lr=0.1, momentum=0.9), torch.optim.SGD(theirs, lr=0.1,
                                                                           momentum=0.9)
    run_steps(ours_opt, ours, theirs_opt, theirs, 6)
    ours_opt.param_groups[0]["lr"] = theirs_opt.param_groups[0]["lr"] = 0.01
    run_steps(ours_opt, ours, theirs_opt, theirs, 6, first_step=6)


def test_state_dict_shape_matches_torch():
    ours, theirs = make_pair()
    config = dict(lr=0.1, momentum=0.9, dampening=0.0, weight_decay=0.0, nesterov=False,
                  maximize=False)
    ours_opt, theirs_opt = SGD(ours, **config), torch.optim.SGD(theirs, **config)
    run_steps(ours_opt, ours, theirs_opt, theirs, 3)
    ours_state, theirs_state = ours_opt.state_dict(), theirs_opt.state_dict()
    assert ours_state["param_groups"][0]["params"] == theirs_state["param_groups"][0]["params"]
    assert set(ours_state["state"]) == set(theirs_state["state"]) == {0, 1, 2}
    for index, values in theirs_state["state"].items():
        assert_close(ours_state["state"][index]["momentum_buffer"], values["momentum_buffer"])
    ours_state["state"][0]["momentum_buffer"][...] = 0  # a copy: the optimizer is unaffected
    assert ours_opt.state[ours[0]]["momentum_buffer"].any()


@pytest.mark.parametrize("direction", ["ours->ours", "ours->torch", "torch->ours"])
def test_state_dict_round_trip_continues_the_same_trajectory(direction):
    config = dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01, nesterov=False,
                  maximize=False)
    ours, theirs = make_pair(3)
    ours_opt, theirs_opt = SGD(ours, **config), torch.optim.SGD(theirs, **config)
    run_steps(ours_opt, ours, theirs_opt, theirs, 6)
    # Fresh optimizers with a different lr, then loaded: the saved lr and buffers win.
    new_ours, new_theirs = SGD(ours, lr=1.0, momentum=0.9), torch.optim.SGD(theirs, lr=1.0,
                                                                           momentum=0.9)
    if direction == "ours->ours":
        new_ours.load_state_dict(ours_opt.state_dict())
        new_theirs.load_state_dict(theirs_opt.state_dict())
    elif direction == "ours->torch":
        saved = ours_opt.state_dict()
        new_ours.load_state_dict(saved)
        saved["state"] = {i: {k: torch.from_numpy(v) for k, v in s.items()}
                          for i, s in saved["state"].items()}
        new_theirs.load_state_dict(saved)
    else:
        new_ours.load_state_dict(theirs_opt.state_dict())
        new_theirs.load_state_dict(theirs_opt.state_dict())
    assert new_ours.param_groups[0]["lr"] == 0.05
    assert new_ours.param_groups[0]["params"] == ours
    run_steps(new_ours, ours, new_theirs, theirs, 6, first_step=6)


def test_load_state_dict_casts_to_parameter_dtype():
    param = Parameter(np.zeros(2, dtype=np.float32))
    opt = SGD([param], lr=0.1, momentum=0.9)
    opt.load_state_dict({"state": {0: {"momentum_buffer": np.ones(2)}},
                         "param_groups": [{"lr": 0.1, "momentum": 0.9, "dampening": 0,
                                           "weight_decay": 0, "nesterov": False,
                                           "maximize": False, "params": [0]}]})
    assert opt.state[param]["momentum_buffer"].dtype == np.float32


def test_works_with_a_module_and_zero_grad():
    layer = Linear(3, 2, dtype=np.float64, rng=0)
    opt = SGD(layer.parameters(), lr=0.5)
    before = layer.weight.data.copy()
    layer(np.ones((4, 3)))
    layer.backward(np.ones((4, 2)))
    grad = layer.weight.grad.copy()
    opt.step()
    assert_close(layer.weight.data, before - 0.5 * grad)
    opt.zero_grad()
    assert not layer.weight.grad.any()


def test_defaults_and_repr_match_torch():
    param = Parameter(np.zeros(1))
    assert SGD([param]).defaults == {"lr": 1e-3, "momentum": 0, "dampening": 0,
                                     "weight_decay": 0, "nesterov": False, "maximize": False}
    assert repr(SGD([param], lr=0.1)).startswith("SGD (\nParameter Group 0\n    dampening: 0\n")


def test_bad_arguments():
    param = Parameter(np.zeros(1))
    with pytest.raises(ValueError, match="SGD: expected lr >= 0.0, got -0.1"):
        SGD([param], lr=-0.1)
    with pytest.raises(ValueError, match="SGD: expected momentum >= 0.0, got -0.5"):
        SGD([param], momentum=-0.5)
    with pytest.raises(ValueError, match="SGD: expected weight_decay >= 0.0, got -1.0"):
        SGD([param], weight_decay=-1.0)
    with pytest.raises(ValueError, match="SGD: nesterov=True requires momentum > 0 and "
                                         "dampening = 0, got momentum=0, dampening=0"):
        SGD([param], nesterov=True)
    with pytest.raises(ValueError, match="SGD: nesterov=True requires momentum > 0 and "
                                         "dampening = 0, got momentum=0.9, dampening=0.1"):
        SGD([param], momentum=0.9, dampening=0.1, nesterov=True)
    with pytest.raises(ValueError, match="SGD: got an empty parameter list"):
        SGD([])
    with pytest.raises(TypeError, match=r"SGD: expected an iterable of dlbook.np.nn.Parameter "
                                        r"or of parameter-group dicts, got "
                                        r"dlbook.np.nn.Parameter \(wrap it in a list"):
        SGD(param)
    with pytest.raises(TypeError, match="SGD: expected only dlbook.np.nn.Parameter in 'params', "
                                        "got numpy.ndarray"):
        SGD([np.zeros(1)])
    # torch's Parameter has the same name: the message tells the two apart
    with pytest.raises(TypeError, match="SGD: expected only dlbook.np.nn.Parameter in 'params', "
                                        "got torch.nn.Parameter"):
        SGD(torch.nn.Linear(2, 1).parameters())
    with pytest.raises(ValueError, match="SGD: some parameters appear in more than one group"):
        SGD([{"params": [param]}, {"params": [param]}])
    with pytest.raises(ValueError, match=r"SGD: unknown hyperparameters \['betas'\]"):
        SGD([{"params": [param], "betas": (0.9, 0.99)}])
    with pytest.raises(TypeError, match="SGD: expected nesterov to be bool, got int"):
        SGD([param], momentum=0.9, nesterov=1)
    with pytest.raises(NotImplementedError, match="Optimizer does not implement step"):
        Optimizer([param], {}).step()


def test_load_state_dict_errors():
    params = [Parameter(np.zeros(1)), Parameter(np.zeros(2))]
    opt = SGD(params, lr=0.1)
    with pytest.raises(ValueError, match="SGD.load_state_dict: expected 1 parameter groups, "
                                         "got 2"):
        opt.load_state_dict({"state": {}, "param_groups": [{"params": [0]}, {"params": [1]}]})
    with pytest.raises(ValueError, match="SGD.load_state_dict: expected 2 parameters in group 0,"
                                         " got 1"):
        opt.load_state_dict({"state": {}, "param_groups": [{"params": [0]}]})
    with pytest.raises(TypeError, match="SGD.load_state_dict: expected a dict with keys 'state' "
                                        "and 'param_groups'"):
        opt.load_state_dict({"state": {}})
