"""dlbook.np.optim.Optimizer: the shared part of every step (maximize, weight decay, state)."""

import numpy as np
import pytest

from dlbook.np import optim
from dlbook.np.nn import Parameter


def _param(seed: int = 0) -> Parameter:
    rng = np.random.default_rng(seed)
    param = Parameter(rng.standard_normal(4))
    param.grad += rng.standard_normal(4)
    return param


@pytest.mark.parametrize("maximize", [False, True])
def test_gradients_applies_maximize_then_coupled_weight_decay(maximize):
    param = _param()
    data, grad = param.data.copy(), param.grad.copy()
    opt = optim.Adam([param], lr=0.1, weight_decay=0.3, maximize=maximize)
    [(yielded_param, yielded_grad, state)] = list(opt.gradients(opt.param_groups[0]))
    sign = -1 if maximize else 1
    assert yielded_param is param
    np.testing.assert_array_equal(yielded_grad, sign * grad + 0.3 * data)
    np.testing.assert_array_equal(param.data, data)  # coupled decay leaves the parameter alone
    assert state is opt.state[param] and state["step"] == 0 and not state["exp_avg"].any()


@pytest.mark.parametrize("name, kwargs", [("AdamW", {}),
                                          ("RAdam", {"decoupled_weight_decay": True})])
def test_decoupled_weight_decay_shrinks_the_parameter_and_leaves_the_gradient(name, kwargs):
    param = _param(1)
    data, grad = param.data.copy(), param.grad.copy()
    opt = getattr(optim, name)([param], lr=0.1, weight_decay=0.3, **kwargs)
    [(_, yielded_grad, _)] = list(opt.gradients(opt.param_groups[0]))
    np.testing.assert_array_equal(yielded_grad, grad)  # not grad + weight_decay * data
    np.testing.assert_allclose(param.data, data * (1 - 0.1 * 0.3), rtol=0, atol=0)


def test_an_optimizer_that_keeps_nothing_stores_no_state():
    param = _param(2)
    opt = optim.SGD([param], lr=0.1)
    opt.step()
    assert opt.state == {} and opt.state_dict()["state"] == {}
    with_momentum = optim.SGD([param], lr=0.1, momentum=0.9)
    with_momentum.step()
    assert list(with_momentum.state[param]) == ["momentum_buffer"]


def test_state_is_made_once_and_kept_between_steps():
    param = _param(3)
    opt = optim.RMSprop([param], lr=0.01, momentum=0.5, centered=True)
    opt.step()
    first = opt.state[param]
    opt.step()
    assert opt.state[param] is first and first["step"] == 2
    assert set(first) == {"step", "square_avg", "momentum_buffer", "grad_avg"}
