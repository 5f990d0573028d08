"""dlbook.torch.nn pooling (unfold + max / mean) against torch.nn on every device present."""

from __future__ import annotations

import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dlbook.torch.nn import AvgPool2d, MaxPool2d
from tests.np.nn.cnn_strategies import geometry, maybe_int

SETTINGS = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _assert_close(ours, theirs, what):
    torch.testing.assert_close(ours, theirs, rtol=1e-7, atol=1e-12,
                               msg=lambda m: f"{what}: ours {ours} vs torch {theirs}\n{m}")


def _compare(ours, theirs, x):
    x_ours, x_theirs = x.clone().requires_grad_(), x.clone().requires_grad_()
    out_ours, out_theirs = ours(x_ours), theirs(x_theirs)
    if isinstance(out_theirs, tuple):
        assert torch.equal(out_ours[1], out_theirs[1]), (out_ours[1], out_theirs[1])
        out_ours, out_theirs = out_ours[0], out_theirs[0]
    assert out_ours.device == x.device
    _assert_close(out_ours, out_theirs, "output")
    upstream = torch.randn_like(out_theirs)
    out_ours.backward(upstream)
    out_theirs.backward(upstream)
    _assert_close(x_ours.grad, x_theirs.grad, "grad input")


@SETTINGS
@given(g=geometry(pool=True), return_indices=st.booleans(), seed=st.integers(0, 2**16))
def test_max_pool_matches_torch(g, return_indices, seed, device):
    hyper = {name: maybe_int(g[name]) for name in ("kernel_size", "stride", "padding", "dilation")}
    torch.manual_seed(seed)
    x = torch.randn(g["batch"], g["channels"], *g["size"], dtype=torch.float64, device=device)
    theirs = torch.nn.MaxPool2d(**hyper, return_indices=return_indices)
    # A window of padding only has no defined index or gradient (torch picks an element).
    assume(torch.isfinite(torch.nn.functional.max_pool2d(x, **hyper)).all())
    _compare(MaxPool2d(**hyper, return_indices=return_indices), theirs, x)


@SETTINGS
@given(g=geometry(max_dilation=1, pool=True), count_include_pad=st.booleans(),
       seed=st.integers(0, 2**16))
def test_avg_pool_matches_torch(g, count_include_pad, seed, device):
    hyper = {name: maybe_int(g[name]) for name in ("kernel_size", "stride", "padding")}
    hyper["count_include_pad"] = count_include_pad
    torch.manual_seed(seed)
    x = torch.randn(g["batch"], g["channels"], *g["size"], dtype=torch.float64, device=device)
    _compare(AvgPool2d(**hyper), torch.nn.AvgPool2d(**hyper), x)


def test_max_pool_ties_follow_torch(device):
    x = torch.ones(1, 2, 4, 6, dtype=torch.float64, device=device)  # every window is a tie
    _compare(MaxPool2d(2, return_indices=True), torch.nn.MaxPool2d(2, return_indices=True), x)


def test_repr_and_float32(device):
    assert repr(MaxPool2d(2)) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1)"
    assert repr(AvgPool2d(3, 1, 1)) == repr(torch.nn.AvgPool2d(3, 1, 1))
    x = torch.randn(2, 3, 6, 6, device=device)
    assert MaxPool2d(2)(x).dtype == torch.float32 and AvgPool2d(2)(x).dtype == torch.float32


def test_bad_input():
    with pytest.raises(ValueError, match=r"MaxPool2d: expected input of shape \(N, C, H, W\), "
                                         r"got \(3, 8\)"):
        MaxPool2d(2)(torch.zeros(3, 8))
    with pytest.raises(ValueError, match=r"AvgPool2d: expected padding at most half of the "
                                         r"kernel size \(2, 2\), got padding \(2, 2\)"):
        AvgPool2d(2, padding=2)(torch.zeros(1, 1, 4, 4))
    with pytest.raises(ValueError, match=r"MaxPool2d: kernel of effective size 3 along axis 3"):
        MaxPool2d(3)(torch.zeros(1, 1, 4, 2))
    with pytest.raises(TypeError, match=r"MaxPool2d: expected input with a floating-point"):
        MaxPool2d(2)(torch.zeros(1, 1, 4, 4, dtype=torch.int64))
    with pytest.raises(ValueError, match=r"MaxPool2d: expected kernel_size >= 1, got 0"):
        MaxPool2d(0)


@pytest.mark.parametrize("layer", [MaxPool2d(2), AvgPool2d(2)])
def test_integer_input_is_named(layer):
    name = type(layer).__name__
    with pytest.raises(TypeError, match=rf"^{name}: expected input with a floating-point dtype, "
                                        rf"got torch.int64$"):
        layer(torch.zeros(1, 1, 4, 4, dtype=torch.int64))
    assert layer(torch.zeros(1, 1, 4, 4, dtype=torch.float64)).dtype == torch.float64
