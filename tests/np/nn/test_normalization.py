"""BatchNorm1d, BatchNorm2d, LayerNorm: parity with torch, gradient checks, buffers, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.np.nn import BatchNorm1d, BatchNorm2d, LayerNorm
from dlbook.np.nn.functional import batch_norm, batch_norm_backward, batch_norm_forward
from dlbook.testing import assert_close, gradcheck_function, gradcheck_module, torch_state_to_numpy

SETTINGS = settings(max_examples=20, deadline=None)
sizes = st.integers(min_value=1, max_value=5)


def _randomise_affine(module: torch.nn.Module, seed: int) -> None:
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():  # well away from 1 and 0, so a missing scale or shift cannot pass
        if getattr(module, "weight", None) is not None:
            module.weight.copy_(torch.rand(module.weight.shape, generator=generator,
                                           dtype=torch.float64) + 0.5)
        if getattr(module, "bias", None) is not None:
            module.bias.copy_(torch.rand(module.bias.shape, generator=generator,
                                         dtype=torch.float64) + 0.5)


def _compare_steps(ours, theirs, shapes, seed, steps=3):
    """Run a few forward/backward passes on both and compare outputs, gradients, buffers."""
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        x = rng.standard_normal(shapes) * 3 + 1
        grad_output = rng.standard_normal(shapes)
        x_torch = torch.tensor(x, requires_grad=True)
        theirs.zero_grad()
        ours.zero_grad()
        out_torch = theirs(x_torch)
        out_torch.backward(torch.tensor(grad_output))
        out = ours(x)
        grad_x = ours.backward(grad_output)
        assert_close(out, out_torch, name="output")
        assert_close(grad_x, x_torch.grad, name="grad input")
        for name, param in theirs.named_parameters():
            assert_close(getattr(ours, name).grad, param.grad, name=f"grad {name}")
        for name, buffer in theirs.named_buffers():
            assert_close(getattr(ours, name), buffer, name=name)


@SETTINGS
@given(batch=st.integers(2, 6), channels=sizes, length=st.sampled_from([None, 1, 4]),
       momentum=st.sampled_from([0.1, 0.5, None]), affine=st.booleans(),
       track=st.booleans(), seed=st.integers(0, 2**16))
def test_batchnorm1d_matches_torch(batch, channels, length, momentum, affine, track, seed):
    shape = (batch, channels) if length is None else (batch, channels, length)
    kwargs = dict(eps=1e-3, momentum=momentum, affine=affine, track_running_stats=track)
    theirs = torch.nn.BatchNorm1d(channels, dtype=torch.float64, **kwargs)
    _randomise_affine(theirs, seed)
    ours = BatchNorm1d(channels, dtype=np.float64, **kwargs)
    ours.load_state_dict(torch_state_to_numpy(theirs.state_dict()))
    _compare_steps(ours, theirs, shape, seed)
    theirs.eval()
    ours.eval()
    _compare_steps(ours, theirs, shape, seed + 1, steps=1)


@SETTINGS
@given(batch=sizes, channels=sizes, height=sizes, width=sizes,
       momentum=st.sampled_from([0.1, 0.3]), seed=st.integers(0, 2**16))
def test_batchnorm2d_matches_torch(batch, channels, height, width, momentum, seed):
    if batch * height * width == 1:
        batch = 2
    theirs = torch.nn.BatchNorm2d(channels, eps=1e-5, momentum=momentum, dtype=torch.float64)
    _randomise_affine(theirs, seed)
    ours = BatchNorm2d(channels, eps=1e-5, momentum=momentum, dtype=np.float64)
    ours.load_state_dict(torch_state_to_numpy(theirs.state_dict()))
    shape = (batch, channels, height, width)
    _compare_steps(ours, theirs, shape, seed)
    assert int(ours.num_batches_tracked) == 3
    theirs.eval()
    ours.eval()
    _compare_steps(ours, theirs, shape, seed + 1, steps=1)


@SETTINGS
@given(leading=st.sampled_from([(1,), (3,), (2, 3)]),
       normalized=st.sampled_from([(1,), (4,), (3, 2)]), affine=st.booleans(),
       bias=st.booleans(), seed=st.integers(0, 2**16))
def test_layernorm_matches_torch(leading, normalized, affine, bias, seed):
    kwargs = dict(eps=1e-4, elementwise_affine=affine, bias=bias)
    theirs = torch.nn.LayerNorm(normalized, dtype=torch.float64, **kwargs)
    _randomise_affine(theirs, seed)
    ours = LayerNorm(normalized, dtype=np.float64, **kwargs)
    ours.load_state_dict(torch_state_to_numpy(theirs.state_dict()))
    _compare_steps(ours, theirs, (*leading, *normalized), seed, steps=1)
    theirs.eval()
    ours.eval()
    _compare_steps(ours, theirs, (*leading, *normalized), seed, steps=1)


@pytest.mark.parametrize("module, shape", [
    (BatchNorm1d(3, dtype=np.float64), (5, 3)),
    (BatchNorm1d(2, dtype=np.float64), (3, 2, 4)),
    (BatchNorm2d(2, dtype=np.float64), (2, 2, 3, 3)),
    (LayerNorm((3, 2), dtype=np.float64), (4, 3, 2)),
])
def test_gradcheck_training_mode(module, shape):
    rng = np.random.default_rng(0)
    for param in module.parameters():
        param.data[...] = rng.uniform(0.5, 1.5, size=param.shape)
    errors = gradcheck_module(module, rng.standard_normal(shape), rng=1)
    assert set(errors) == {"input", "weight", "bias"}
    assert max(errors.values()) <= 1e-7, errors


def test_gradcheck_eval_mode():
    module = BatchNorm1d(3, dtype=np.float64)
    module(np.random.default_rng(0).standard_normal((6, 3)))
    module.eval()
    errors = gradcheck_module(module, np.random.default_rng(1).standard_normal((4, 3)))
    assert max(errors.values()) <= 1e-7, errors


def test_functional_gradcheck():
    # Not seed 0: gradcheck_function draws grad_output with seed 0, and grad_output equal to x
    # gives a near-zero input gradient (BatchNorm is blind to rescaling x), a degenerate check.
    rng = np.random.default_rng(5)
    x, weight, bias = rng.standard_normal((4, 3, 2)), rng.uniform(0.5, 1.5, 3), rng.random(3)

    def forward(x, weight, bias):
        return batch_norm_forward(x, weight, bias, None, None, True)

    errors = gradcheck_function(forward, batch_norm_backward, x, weight, bias)
    assert max(errors) <= 1e-7, errors


def test_state_dict_keys_match_torch():
    for ours, theirs in [(BatchNorm1d(3), torch.nn.BatchNorm1d(3)),
                         (BatchNorm2d(3, affine=False), torch.nn.BatchNorm2d(3, affine=False)),
                         (BatchNorm1d(3, track_running_stats=False),
                          torch.nn.BatchNorm1d(3, track_running_stats=False)),
                         (BatchNorm1d(3, bias=False), torch.nn.BatchNorm1d(3, bias=False)),
                         (LayerNorm((2, 3)), torch.nn.LayerNorm((2, 3))),
                         (LayerNorm(4, bias=False), torch.nn.LayerNorm(4, bias=False)),
                         (LayerNorm(4, elementwise_affine=False),
                          torch.nn.LayerNorm(4, elementwise_affine=False))]:
        assert list(ours.state_dict()) == list(theirs.state_dict())
        assert repr(ours) == repr(theirs)
    state = BatchNorm1d(3).state_dict()
    assert state["num_batches_tracked"].dtype == np.int64 and state["num_batches_tracked"] == 0


def test_running_stats_use_unbiased_variance():
    bn = BatchNorm1d(1, momentum=1.0, dtype=np.float64)
    x = np.array([[1.0], [2.0], [6.0]])
    bn(x)
    assert_close(bn.running_mean, [3.0])
    assert_close(bn.running_var, [x.var(ddof=1)])


def test_eval_uses_running_stats_and_leaves_them():
    bn = BatchNorm1d(2, dtype=np.float64)
    bn.running_mean[...] = [1.0, -1.0]
    bn.running_var[...] = [4.0, 0.25]
    bn.eval()
    out = bn(np.array([[3.0, 0.0]]))  # a batch of one is fine in eval mode
    assert_close(out, [[2.0 / np.sqrt(4.0 + 1e-5), 1.0 / np.sqrt(0.25 + 1e-5)]])
    assert_close(bn.running_mean, [1.0, -1.0])
    assert int(bn.num_batches_tracked) == 0


def test_float32_dtype_is_kept():
    bn = BatchNorm2d(2)
    out = bn(np.ones((2, 2, 3, 3), dtype=np.float32))
    assert out.dtype == np.float32 and bn.running_var.dtype == np.float32
    assert bn.backward(np.ones_like(out)).dtype == np.float32


def test_bad_input():
    with pytest.raises(ValueError, match=r"BatchNorm1d: expected input of shape \(N, C\) or "
                                         r"\(N, C, L\) with C = num_features = 3, got \(4, 2\)"):
        BatchNorm1d(3)(np.zeros((4, 2), dtype=np.float32))
    with pytest.raises(ValueError, match=r"BatchNorm2d: expected input of shape \(N, C, H, W\)"):
        BatchNorm2d(3)(np.zeros((4, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="BatchNorm1d: expected more than 1 value per channel"):
        BatchNorm1d(3)(np.zeros((1, 3), dtype=np.float32))
    bn = BatchNorm1d(3)
    bn(np.zeros((4, 3), dtype=np.float32))
    with pytest.raises(ValueError, match=r"BatchNorm1d.backward: expected grad_output of shape "
                                         r"\(4, 3\)"):
        bn.backward(np.zeros((3, 4), dtype=np.float32))
    with pytest.raises(ValueError, match=r"LayerNorm: expected input of shape \(\*, 2, 3\)"):
        LayerNorm((2, 3))(np.zeros((4, 3, 2), dtype=np.float32))
    with pytest.raises(ValueError, match="BatchNorm1d: expected momentum"):
        BatchNorm1d(3, momentum=1.5)
    with pytest.raises(RuntimeError, match="backward called before forward"):
        LayerNorm(3).backward(np.zeros((1, 3)))


@pytest.mark.parametrize("make", [lambda eps: BatchNorm1d(3, eps=eps),
                                  lambda eps: BatchNorm2d(3, eps=eps),
                                  lambda eps: LayerNorm(3, eps=eps)])
def test_eps_must_be_positive(make):
    name = type(make(1e-5)).__name__
    for eps, shown in ((0, "0.0"), (0.0, "0.0"), (-1e-5, "-1e-05")):
        with pytest.raises(ValueError, match=rf"^{name}: expected eps > 0.0, got {shown}$"):
            make(eps)


def test_why_eps_zero_is_refused():
    # with eps = 0 a channel that is constant over the batch is 0 / 0
    x = np.ones((4, 3))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = batch_norm(x, None, None, training=True, eps=0.0)
    assert np.isnan(out).all()
    # torch refuses it when training (at the first forward pass, not in the constructor)
    theirs = torch.nn.BatchNorm1d(3, eps=0.0, affine=False, dtype=torch.float64)
    with pytest.raises(ValueError, match="eps must be positive during training"):
        theirs(torch.tensor(x))
    # and its LayerNorm gives NaN for a constant sample
    assert torch.isnan(torch.nn.LayerNorm(3, eps=0.0)(torch.ones(2, 3))).all()
    assert np.isfinite(BatchNorm1d(3, dtype=np.float64)(x)).all()
