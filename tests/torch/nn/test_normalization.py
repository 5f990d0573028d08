"""dlbook.torch.nn BatchNorm1d, BatchNorm2d and LayerNorm against torch.nn on every device."""

from __future__ import annotations

import re

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlbook.torch.nn import BatchNorm1d, BatchNorm2d, LayerNorm
from tests.torch.nn.parity import SETTINGS, assert_close

BATCH_NORMS = {"BatchNorm1d": (BatchNorm1d, torch.nn.BatchNorm1d),
               "BatchNorm2d": (BatchNorm2d, torch.nn.BatchNorm2d)}

# momentum None is torch's cumulative average; eps far from the default so a misuse shows
batch_norm_hyper = st.fixed_dictionaries({
    "eps": st.sampled_from([1e-5, 1e-3, 0.5]),
    "momentum": st.sampled_from([0.1, 0.3, 1.0, 0.0, None]),
    "affine": st.booleans(),
    "bias": st.booleans(),
    "track_running_stats": st.booleans(),
})


def _pair(name: str, num_features: int, device: str, **hyper):
    """Our layer and torch's, float64, with torch's random non-zero weight and bias copied."""
    ours_cls, torch_cls = BATCH_NORMS[name]
    theirs = torch_cls(num_features, device=device, dtype=torch.float64, **hyper)
    if hyper.get("affine", True):
        with torch.no_grad():
            theirs.weight.uniform_(0.5, 2.0)
            if theirs.bias is not None:
                theirs.bias.uniform_(-1.0, 1.0)
    ours = ours_cls(num_features, device=device, dtype=torch.float64, **hyper)
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


def _step(ours, theirs, x: torch.Tensor, what: str) -> None:
    """One forward and backward pass of both layers; compare outputs and every gradient."""
    x_ours, x_theirs = x.clone().requires_grad_(), x.clone().requires_grad_()
    out_ours, out_theirs = ours(x_ours), theirs(x_theirs)
    assert out_ours.shape == x.shape and out_ours.device == x.device
    assert_close(out_ours, out_theirs, f"{what} output")
    upstream = torch.randn_like(out_theirs)
    out_ours.backward(upstream)
    out_theirs.backward(upstream)
    assert_close(x_ours.grad, x_theirs.grad, f"{what} grad input")
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        assert_close(p.grad, q.grad, f"{what} grad {name}")
    for (name, b), c in zip(ours.named_buffers(), theirs.buffers(), strict=True):
        assert b.dtype == c.dtype, name
        assert_close(b, c, f"{what} buffer {name}")


@pytest.mark.parametrize("name", BATCH_NORMS)
@pytest.mark.parametrize("hyper", [{}, {"affine": False}, {"bias": False},
                                   {"track_running_stats": False}])
def test_same_parameters_buffers_and_repr_as_torch(name, hyper):
    ours_cls, torch_cls = BATCH_NORMS[name]
    ours, theirs = ours_cls(3, **hyper), torch_cls(3, **hyper)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (key, a), b in zip(ours.state_dict().items(), theirs.state_dict().values(), strict=True):
        assert a.dtype == b.dtype and torch.equal(a, b), key
    assert ours.momentum == theirs.momentum and ours.eps == theirs.eps


@SETTINGS
@given(batch=st.integers(1, 5), channels=st.integers(1, 4), length=st.none() | st.integers(1, 5),
       hyper=batch_norm_hyper, seed=st.integers(0, 2**16))
def test_batch_norm_1d_matches_torch_over_training_steps_then_eval(batch, channels, length,
                                                                   hyper, seed, device):
    shape = (batch, channels) if length is None else (batch, channels, length)
    if batch * (length or 1) == 1:
        return  # one value per channel: both refuse to train (tested below)
    torch.manual_seed(seed)
    ours, theirs = _pair("BatchNorm1d", channels, device, **hyper)
    for step in range(3):
        _step(ours, theirs, 3 * torch.randn(shape, dtype=torch.float64, device=device) + 1,
              f"training step {step}")
    ours.eval()
    theirs.eval()
    _step(ours, theirs, torch.randn(shape, dtype=torch.float64, device=device), "eval")


@SETTINGS
@given(batch=st.integers(1, 4), channels=st.integers(1, 4), height=st.integers(1, 5),
       width=st.integers(1, 5), hyper=batch_norm_hyper, seed=st.integers(0, 2**16))
def test_batch_norm_2d_matches_torch_over_training_steps_then_eval(batch, channels, height,
                                                                   width, hyper, seed, device):
    if batch * height * width == 1:
        return  # one value per channel: both refuse to train (tested below)
    shape = (batch, channels, height, width)
    torch.manual_seed(seed)
    ours, theirs = _pair("BatchNorm2d", channels, device, **hyper)
    for step in range(3):
        _step(ours, theirs, 2 * torch.randn(shape, dtype=torch.float64, device=device) - 1,
              f"training step {step}")
    ours.eval()
    theirs.eval()
    _step(ours, theirs, torch.randn(shape, dtype=torch.float64, device=device), "eval")


def test_running_statistics_after_many_steps_and_reset(device):
    torch.manual_seed(0)
    ours, theirs = _pair("BatchNorm2d", 3, device, eps=1e-4, momentum=None)
    for step in range(6):
        _step(ours, theirs, torch.randn(4, 3, 2, 3, dtype=torch.float64, device=device) + step,
              f"step {step}")
    assert int(ours.num_batches_tracked) == 6
    ours.reset_running_stats()
    theirs.reset_running_stats()
    for a, b in zip(ours.buffers(), theirs.buffers(), strict=True):
        assert torch.equal(a, b)


def test_batch_of_one_in_eval_mode_uses_the_running_statistics(device):
    torch.manual_seed(1)
    ours, theirs = _pair("BatchNorm1d", 4, device, eps=1e-3, momentum=0.2)
    _step(ours, theirs, torch.randn(6, 4, dtype=torch.float64, device=device), "training")
    ours.eval()
    theirs.eval()
    _step(ours, theirs, torch.randn(1, 4, dtype=torch.float64, device=device), "eval batch of 1")


@pytest.mark.parametrize("name, shape", [("BatchNorm1d", (1, 3)), ("BatchNorm1d", (1, 3, 1)),
                                         ("BatchNorm2d", (1, 3, 1, 1))])
def test_one_value_per_channel_cannot_train(name, shape):
    ours_cls, torch_cls = BATCH_NORMS[name]
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        torch_cls(3)(torch.zeros(shape))
    message = (f"{name}: expected more than 1 value per channel when training, got input of "
               f"shape {shape}")
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        ours_cls(3)(torch.zeros(shape))


def test_batch_norm_bad_input():
    with pytest.raises(ValueError, match=r"^BatchNorm1d: expected input of shape \(N, C\) or "
                                         r"\(N, C, L\) with C = num_features = 3, got "
                                         r"\(8, 3, 4, 4\)$"):
        BatchNorm1d(3)(torch.zeros(8, 3, 4, 4))
    with pytest.raises(ValueError, match=r"^BatchNorm2d: expected input of shape \(N, C, H, W\) "
                                         r"with C = num_features = 3, got \(8, 4, 5, 5\)$"):
        BatchNorm2d(3)(torch.zeros(8, 4, 5, 5))
    with pytest.raises(TypeError, match=r"^BatchNorm2d: expected input of dtype torch.float32 "
                                        r"\(the weights'\), got torch.float64$"):
        BatchNorm2d(3)(torch.zeros(2, 3, 2, 2, dtype=torch.float64))
    with pytest.raises(TypeError, match="^BatchNorm1d: expected input to be a torch.Tensor, "
                                        "got list$"):
        BatchNorm1d(3)([[0.0, 1.0, 2.0]])
    with pytest.raises(TypeError, match=r"^BatchNorm1d: expected input with a floating-point "
                                        r"dtype, got torch.int64$"):
        BatchNorm1d(3, affine=False, track_running_stats=False)(torch.zeros(2, 3, dtype=int))
    with pytest.raises(ValueError, match="^BatchNorm1d: expected num_features >= 1, got 0$"):
        BatchNorm1d(0)
    with pytest.raises(ValueError, match=r"^BatchNorm2d: expected eps > 0.0, got 0.0$"):
        BatchNorm2d(3, eps=0.0)
    with pytest.raises(ValueError, match=r"^BatchNorm2d: expected momentum <= 1.0, got 1.5$"):
        BatchNorm2d(3, momentum=1.5)
    with pytest.raises(TypeError, match="^BatchNorm1d: expected affine to be bool, got int"):
        BatchNorm1d(3, affine=1)


def test_layer_norm_same_parameters_and_repr_as_torch():
    for hyper in ({}, {"elementwise_affine": False}, {"bias": False}, {"eps": 1e-3}):
        ours, theirs = LayerNorm((2, 3), **hyper), torch.nn.LayerNorm((2, 3), **hyper)
        assert repr(ours) == repr(theirs)
        assert list(ours.state_dict()) == list(theirs.state_dict())
        for a, b in zip(ours.parameters(), theirs.parameters(), strict=True):
            assert torch.equal(a, b)


@SETTINGS
@given(leading=st.lists(st.integers(1, 3), max_size=2),
       normalized=st.lists(st.integers(1, 4), min_size=1, max_size=2),
       eps=st.sampled_from([1e-5, 1e-2, 0.5]), elementwise_affine=st.booleans(),
       bias=st.booleans(), seed=st.integers(0, 2**16))
def test_layer_norm_matches_torch(leading, normalized, eps, elementwise_affine, bias, seed,
                                  device):
    hyper = {"eps": eps, "elementwise_affine": elementwise_affine, "bias": bias}
    torch.manual_seed(seed)
    theirs = torch.nn.LayerNorm(normalized, device=device, dtype=torch.float64, **hyper)
    with torch.no_grad():
        for param in theirs.parameters():
            param.uniform_(-2.0, 2.0)
    ours = LayerNorm(normalized, device=device, dtype=torch.float64, **hyper)
    ours.load_state_dict(theirs.state_dict())
    x = 2 * torch.randn(*leading, *normalized, dtype=torch.float64, device=device) + 0.5
    _step(ours, theirs, x, "LayerNorm")
    ours.eval()
    theirs.eval()
    _step(ours, theirs, x, "LayerNorm eval")


def test_layer_norm_bad_input():
    layer = LayerNorm((3, 4))
    with pytest.raises(ValueError, match=r"^LayerNorm: expected input of shape \(\*, 3, 4\) "
                                         r"\(trailing dimensions = normalized_shape\), got "
                                         r"\(2, 4, 3\)$"):
        layer(torch.zeros(2, 4, 3))
    with pytest.raises(TypeError, match=r"^LayerNorm: expected input of dtype torch.float32 "
                                        r"\(the weights'\), got torch.float64$"):
        layer(torch.zeros(2, 3, 4, dtype=torch.float64))
    with pytest.raises(ValueError, match=r"^LayerNorm: expected a non-empty normalized_shape, "
                                         r"got \(\)$"):
        LayerNorm(())
    with pytest.raises(ValueError, match="^LayerNorm: expected normalized_shape entry >= 1, "
                                         "got 0$"):
        LayerNorm((3, 0))
    with pytest.raises(ValueError, match=r"^LayerNorm: expected eps > 0.0, got -1.0$"):
        LayerNorm(3, eps=-1.0)
