"""Parity of dlbook.torch.nn.Linear with torch.nn.Linear: initialisation, outputs, gradients."""

from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlbook.torch.nn import Linear


def _assert_close(ours, theirs, what):
    torch.testing.assert_close(ours, theirs, rtol=1e-7, atol=1e-12,
                               msg=lambda m: f"{what}: ours {ours} vs torch {theirs}\n{m}")


@pytest.mark.parametrize("bias", [True, False])
def test_same_initialisation_as_torch_after_the_same_seed(bias):
    torch.manual_seed(123)
    ours = Linear(7, 5, bias=bias)
    torch.manual_seed(123)
    theirs = torch.nn.Linear(7, 5, bias=bias)
    assert [name for name, _ in ours.named_parameters()] == [
        name for name, _ in theirs.named_parameters()
    ]
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        assert torch.equal(p, q), name


def test_initial_weights_within_torch_bound():
    torch.manual_seed(0)
    layer = Linear(400, 300)
    bound = 1 / 400**0.5
    assert layer.weight.abs().max() <= bound and layer.bias.abs().max() <= bound
    assert layer.weight.abs().max() > 0.95 * bound  # uses the whole interval


# The device fixture is the same for every example, so reusing it across examples is safe.
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    batch=st.integers(1, 9),
    in_features=st.integers(1, 9),
    out_features=st.integers(1, 9),
    bias=st.booleans(),
    extra_dim=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_outputs_and_gradients_match_torch(batch, in_features, out_features, bias, extra_dim,
                                           seed, device):
    torch.manual_seed(seed)
    theirs = torch.nn.Linear(in_features, out_features, bias=bias, device=device,
                             dtype=torch.float64)
    if bias:
        with torch.no_grad():
            theirs.bias.add_(0.5)  # clearly non-zero
    ours = Linear(in_features, out_features, bias=bias, device=device, dtype=torch.float64)
    ours.load_state_dict(theirs.state_dict())
    shape = (batch, 3, in_features) if extra_dim else (batch, in_features)
    x = torch.randn(*shape, dtype=torch.float64, device=device)
    x_ours, x_theirs = x.clone().requires_grad_(), x.clone().requires_grad_()
    out_ours, out_theirs = ours(x_ours), theirs(x_theirs)
    assert out_ours.device == x.device and out_ours.dtype == torch.float64
    _assert_close(out_ours, out_theirs, "output")
    upstream = torch.randn_like(out_theirs)
    out_ours.backward(upstream)
    out_theirs.backward(upstream)
    _assert_close(x_ours.grad, x_theirs.grad, "grad input")
    _assert_close(ours.weight.grad, theirs.weight.grad, "grad weight")
    if bias:
        _assert_close(ours.bias.grad, theirs.bias.grad, "grad bias")


def test_state_dict_loads_into_torch_and_back(device):
    ours = Linear(4, 3, device=device, dtype=torch.float64)
    theirs = torch.nn.Linear(4, 3, device=device, dtype=torch.float64)
    theirs.load_state_dict(ours.state_dict())
    x = torch.randn(2, 4, dtype=torch.float64, device=device)
    _assert_close(ours(x), theirs(x), "output")


def test_repr_and_parameters_on_device(device):
    layer = Linear(3, 2, bias=False, device=device)
    assert repr(layer) == "Linear(in_features=3, out_features=2, bias=False)"
    assert layer.weight.device.type == device and layer.bias is None


def test_bad_input():
    layer = Linear(3, 2)
    with pytest.raises(ValueError, match=r"Linear: expected input of shape \(N, 3\) \(last "
                                         r"dimension = in_features\), got \(8, 4\)"):
        layer(torch.zeros(8, 4))
    with pytest.raises(TypeError, match=r"Linear: expected input to be a torch.Tensor, got list"):
        layer([[0.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match=r"Linear: expected in_features >= 1, got 0"):
        Linear(0, 2)
    with pytest.raises(TypeError, match=r"Linear: expected out_features to be an int, got float"):
        Linear(2, 2.0)


def test_wrong_dtype_or_device_is_named():
    layer = Linear(3, 2)
    with pytest.raises(TypeError, match=r"^Linear: expected input of dtype torch.float32 \(the "
                                        r"weights'\), got torch.float64$"):
        layer(torch.zeros(4, 3, dtype=torch.float64))
    with pytest.raises(TypeError, match=r"^Linear: expected input of dtype torch.float32 \(the "
                                        r"weights'\), got torch.int64$"):
        layer(torch.zeros(4, 3, dtype=torch.int64))
    with pytest.raises(ValueError, match=r"^Linear: expected input on device cpu \(where the "
                                         r"weights are\), got meta$"):
        layer(torch.zeros(4, 3, device="meta"))
    assert layer.double()(torch.zeros(4, 3, dtype=torch.float64)).dtype == torch.float64


def test_autocast_may_mix_float_dtypes():
    layer = Linear(3, 2)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = layer(torch.zeros(4, 3, dtype=torch.bfloat16))
    assert out.shape == (4, 2) and out.is_floating_point()
