"""dlbook.torch.nn.Conv2d (unfold + matmul) against torch.nn.Conv2d on every device present."""

from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlbook.torch.nn import Conv2d
from tests.np.nn.cnn_strategies import geometry, maybe_int

# The device fixture is the same for every example, so reusing it across examples is safe.
SETTINGS = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _assert_close(ours, theirs, what):
    torch.testing.assert_close(ours, theirs, rtol=1e-7, atol=1e-12,
                               msg=lambda m: f"{what}: ours {ours} vs torch {theirs}\n{m}")


@pytest.mark.parametrize("bias", [True, False])
def test_same_initialisation_as_torch_after_the_same_seed(bias):
    torch.manual_seed(123)
    ours = Conv2d(3, 5, (3, 2), stride=2, padding=1, bias=bias)
    torch.manual_seed(123)
    theirs = torch.nn.Conv2d(3, 5, (3, 2), stride=2, padding=1, bias=bias)
    assert repr(ours) == repr(theirs)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        assert torch.equal(p, q), name


@SETTINGS
@given(g=geometry(), out_channels=st.integers(1, 4), bias=st.booleans(),
       seed=st.integers(0, 2**16))
def test_outputs_and_gradients_match_torch(g, out_channels, bias, seed, device):
    hyper = {name: maybe_int(g[name]) for name in ("kernel_size", "stride", "padding", "dilation")}
    torch.manual_seed(seed)
    theirs = torch.nn.Conv2d(g["channels"], out_channels, bias=bias, device=device,
                             dtype=torch.float64, **hyper)
    if bias:
        with torch.no_grad():
            theirs.bias.add_(0.5)  # clearly non-zero
    ours = Conv2d(g["channels"], out_channels, bias=bias, device=device, dtype=torch.float64,
                  **hyper)
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(g["batch"], g["channels"], *g["size"], dtype=torch.float64, device=device)
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


def test_parameters_on_device_and_state_dict_both_ways(device):
    ours = Conv2d(2, 3, 3, padding=1, device=device, dtype=torch.float64)
    assert ours.weight.device.type == device and ours.weight.shape == (3, 2, 3, 3)
    theirs = torch.nn.Conv2d(2, 3, 3, padding=1, device=device, dtype=torch.float64)
    theirs.load_state_dict(ours.state_dict())
    x = torch.randn(2, 2, 6, 5, dtype=torch.float64, device=device)
    _assert_close(ours(x), theirs(x), "output")


def test_bad_input():
    layer = Conv2d(3, 4, 3)
    with pytest.raises(ValueError, match=r"Conv2d: expected input of shape \(N, 3, H, W\) "
                                         r"\(C = in_channels\), got \(8, 4, 32, 32\)"):
        layer(torch.zeros(8, 4, 32, 32))
    with pytest.raises(ValueError, match=r"Conv2d: expected input of shape \(N, C, H, W\), "
                                         r"got \(3, 5, 5\)"):
        layer(torch.zeros(3, 5, 5))
    with pytest.raises(TypeError, match="Conv2d: expected input to be a torch.Tensor, got list"):
        layer([0.0])
    with pytest.raises(ValueError, match=r"Conv2d: kernel of effective size 3 along axis 2 .* "
                                         r"larger than the padded input 2"):
        layer(torch.zeros(1, 3, 2, 5))
    with pytest.raises(ValueError, match="Conv2d: expected in_channels >= 1, got 0"):
        Conv2d(0, 2, 3)
    with pytest.raises(ValueError, match=r"Conv2d: expected stride >= 1, got \(1, 0\)"):
        Conv2d(1, 2, 3, stride=(1, 0))


def test_wrong_dtype_is_named():
    layer = Conv2d(3, 2, 3)
    with pytest.raises(TypeError, match=r"^Conv2d: expected input of dtype torch.float32 \(the "
                                        r"weights'\), got torch.float64$"):
        layer(torch.zeros(1, 3, 5, 5, dtype=torch.float64))
    with pytest.raises(TypeError, match=r"^Conv2d: expected input of dtype torch.float32 \(the "
                                        r"weights'\), got torch.uint8$"):
        layer(torch.zeros(1, 3, 5, 5, dtype=torch.uint8))
