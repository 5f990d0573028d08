"""Loss modules: parity with torch (value and gradient), stability, gradcheck, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.np.nn import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss
from dlbook.np.nn import functional as F
from dlbook.np.nn.functional import binary_cross_entropy_forward, mse_loss_forward
from dlbook.testing import assert_close, gradcheck_function, gradcheck_loss

SETTINGS = settings(max_examples=25, deadline=None)
sizes = st.integers(1, 7)
reductions = st.sampled_from(["mean", "sum"])


def torch_loss_and_grad(loss_fn, input: np.ndarray, target) -> tuple[float, torch.Tensor]:
    x = torch.tensor(input, requires_grad=True)
    loss = loss_fn(x, torch.as_tensor(target))
    loss.backward()
    return loss.item(), x.grad


def check_parity(ours, theirs, input, target) -> None:
    value = ours(input, target)
    assert isinstance(value, float)
    their_value, their_grad = torch_loss_and_grad(theirs, input, target)
    name = type(ours).__name__
    assert_close(value, their_value, name=f"{name} value")
    assert_close(ours.backward(), their_grad, name=f"{name} gradient")


@SETTINGS
@given(batch=sizes, features=sizes, reduction=reductions, seed=st.integers(0, 2**16),
       l1=st.booleans())
def test_regression_losses_match_torch(batch, features, reduction, seed, l1):
    rng = np.random.default_rng(seed)
    input = rng.standard_normal((batch, features))
    target = rng.standard_normal((batch, features))
    target.reshape(-1)[::4] = input.reshape(-1)[::4]  # ties: L1's gradient there is 0
    ours, theirs = ((L1Loss(reduction=reduction), torch.nn.L1Loss(reduction=reduction)) if l1
                    else (MSELoss(reduction=reduction), torch.nn.MSELoss(reduction=reduction)))
    check_parity(ours, theirs, input, target)


@SETTINGS
@given(batch=sizes, classes=st.integers(1, 7), reduction=reductions, weighted=st.booleans(),
       seed=st.integers(0, 2**16))
def test_cross_entropy_matches_torch(batch, classes, reduction, weighted, seed):
    rng = np.random.default_rng(seed)
    logits = 3 * rng.standard_normal((batch, classes))
    target = rng.integers(0, classes, size=batch)
    weight = rng.uniform(0.2, 2.0, size=classes) if weighted else None
    ours = CrossEntropyLoss(weight=weight, reduction=reduction)
    theirs = torch.nn.CrossEntropyLoss(
        weight=None if weight is None else torch.tensor(weight), reduction=reduction,
        ignore_index=-100, label_smoothing=0.0)
    check_parity(ours, theirs, logits, target)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_is_exact_at_huge_logits(reduction):
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [1e4, 1e4, -1e4]])
    target = np.array([1, 0, 2])
    ours = CrossEntropyLoss(reduction=reduction)
    value = ours(logits, target)
    assert np.isfinite(value)
    assert np.isfinite(ours.backward()).all()
    check_parity(CrossEntropyLoss(reduction=reduction),
                 torch.nn.CrossEntropyLoss(reduction=reduction), logits, target)
    # Row 0 alone: -log softmax = 2e4 exactly.
    assert CrossEntropyLoss()(logits[:1], target[:1]) == 2e4


@SETTINGS
@given(batch=sizes, features=sizes, reduction=reductions, weighted=st.booleans(),
       seed=st.integers(0, 2**16))
def test_bce_matches_torch(batch, features, reduction, weighted, seed):
    rng = np.random.default_rng(seed)
    probs = rng.uniform(0.01, 0.99, size=(batch, features))
    target = rng.uniform(0, 1, size=(batch, features))  # soft targets are allowed
    weight = rng.uniform(0.2, 2.0, size=features) if weighted else None
    ours = BCELoss(weight=weight, reduction=reduction)
    theirs = torch.nn.BCELoss(weight=None if weight is None else torch.tensor(weight),
                              reduction=reduction)
    check_parity(ours, theirs, probs, target)


def test_bce_clamps_log_like_torch():
    probs = np.array([0.0, 1.0, 0.0, 1.0, 1e-50, 0.5])
    target = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.3])
    ours = BCELoss(reduction="sum")
    check_parity(ours, torch.nn.BCELoss(reduction="sum"), probs, target)
    assert ours(probs[:2], target[:2]) == 200.0  # each log clamped at -100


@SETTINGS
@given(batch=sizes, features=sizes, reduction=reductions, weighted=st.booleans(),
       pos_weighted=st.booleans(), seed=st.integers(0, 2**16))
def test_bce_with_logits_matches_torch(batch, features, reduction, weighted, pos_weighted,
                                       seed):
    rng = np.random.default_rng(seed)
    logits = 4 * rng.standard_normal((batch, features))
    target = rng.uniform(0, 1, size=(batch, features))
    weight = rng.uniform(0.2, 2.0, size=(batch, features)) if weighted else None
    pos_weight = rng.uniform(0.2, 3.0, size=features) if pos_weighted else None

    def as_tensor(a):
        return None if a is None else torch.tensor(a)

    ours = BCEWithLogitsLoss(weight=weight, reduction=reduction, pos_weight=pos_weight)
    theirs = torch.nn.BCEWithLogitsLoss(weight=as_tensor(weight), reduction=reduction,
                                        pos_weight=as_tensor(pos_weight))
    check_parity(ours, theirs, logits, target)


def test_bce_with_logits_is_stable_at_huge_logits():
    logits = np.array([1e4, -1e4, 1e4, -1e4, 800.0, -800.0])
    target = np.array([0.0, 1.0, 1.0, 0.0, 0.0, 1.0])
    pos_weight = np.full(6, 2.5)
    for ours, theirs in [
        (BCEWithLogitsLoss(reduction="sum"), torch.nn.BCEWithLogitsLoss(reduction="sum")),
        (BCEWithLogitsLoss(reduction="sum", pos_weight=pos_weight),
         torch.nn.BCEWithLogitsLoss(reduction="sum", pos_weight=torch.tensor(pos_weight))),
    ]:
        assert np.isfinite(ours(logits, target))
        check_parity(ours, theirs, logits, target)


LOSSES = {
    "mse": (lambda: MSELoss(reduction="sum"), "real"),
    "l1": (lambda: L1Loss(reduction="mean"), "real"),
    "cross_entropy": (lambda: CrossEntropyLoss(weight=np.array([0.5, 1.0, 2.0])), "labels"),
    "bce": (lambda: BCELoss(weight=np.array([1.5, 0.5, 1.0])), "probs"),
    "bce_with_logits": (lambda: BCEWithLogitsLoss(pos_weight=np.array([2.0, 0.5, 1.0])),
                        "real"),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradcheck(name, seed):
    make, kind = LOSSES[name]
    rng = np.random.default_rng(seed)
    input = rng.standard_normal((5, 3))
    target = rng.standard_normal((5, 3)) if name != "bce_with_logits" else rng.uniform(size=(5, 3))
    if kind == "labels":
        target = rng.integers(0, 3, size=5)
    elif kind == "probs":
        input, target = rng.uniform(0.05, 0.95, size=(5, 3)), rng.uniform(size=(5, 3))
    assert gradcheck_loss(make(), input, target) <= 1e-7


def test_backward_scales_with_grad_output():
    loss_fn = MSELoss()
    loss_fn(np.array([1.0, 2.0]), np.zeros(2))
    assert_close(loss_fn.backward(3.0), 3 * loss_fn.backward())


def test_weights_are_buffers_in_state_dict():
    weight = np.array([1.0, 2.0])
    assert list(CrossEntropyLoss(weight=weight).state_dict()) == ["weight"]
    assert list(CrossEntropyLoss().state_dict()) == []
    assert list(BCEWithLogitsLoss(pos_weight=weight).state_dict()) == ["pos_weight"]
    assert list(torch.nn.CrossEntropyLoss(weight=torch.tensor(weight)).state_dict()) == ["weight"]


def test_bad_input():
    with pytest.raises(ValueError, match="MSELoss: expected reduction to be one of 'mean', 'sum', "
                                         "got 'none'"):
        MSELoss(reduction="none")
    with pytest.raises(ValueError, match=r"MSELoss: expected target of the same shape "
                                         r"as input \(4, 2\), got \(4,\)"):
        MSELoss()(np.zeros((4, 2)), np.zeros(4))
    with pytest.raises(ValueError, match=r"CrossEntropyLoss: expected target with class "
                                         r"indices in \[0, 3\), got values in \[0, 3\]"):
        CrossEntropyLoss()(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(TypeError, match="CrossEntropyLoss: expected target with an integer "
                                        "dtype, got float64"):
        CrossEntropyLoss()(np.zeros((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"CrossEntropyLoss: expected input with 2 "
                                         r"dimensions, got 1"):
        CrossEntropyLoss()(np.zeros(3), np.array([0]))
    with pytest.raises(ValueError, match=r"CrossEntropyLoss: expected target of shape "
                                         r"\(2,\) \(one class index per row\), got \(3,\)"):
        CrossEntropyLoss()(np.zeros((2, 3)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"CrossEntropyLoss: expected weight of shape "
                                         r"\(3,\) \(one weight per class\), got \(2,\)"):
        CrossEntropyLoss(weight=np.ones(2))(np.zeros((2, 3)), np.array([0, 1]))
    with pytest.raises(ValueError, match=r"BCELoss: expected input "
                                         r"probabilities in \[0, 1\], got values in"):
        BCELoss()(np.array([0.5, 1.5]), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"BCEWithLogitsLoss: expected "
                                         r"pos_weight broadcastable to the input's shape "
                                         r"\(2, 3\), got \(2,\)"):
        BCEWithLogitsLoss(pos_weight=np.ones(2))(np.zeros((2, 3)), np.zeros((2, 3)))
    with pytest.raises(TypeError, match="BCELoss: expected weight to be a numpy.ndarray, "
                                        "got list"):
        BCELoss(weight=[1.0])
    with pytest.raises(RuntimeError, match="L1Loss: backward called before forward"):
        L1Loss().backward()
    loss_fn = MSELoss()
    loss_fn(np.zeros(2), np.zeros(2))
    with pytest.raises(TypeError, match="MSELoss.backward: expected grad_output to be a real "
                                        "number, got str"):
        loss_fn.backward("1")
    with pytest.raises(ValueError, match=r"^mse_loss_forward: expected a non-empty input"):
        mse_loss_forward(np.zeros(0), np.zeros(0))  # the functional core keeps its own name


@pytest.mark.parametrize(
    ("input", "target", "message"),
    [
        ([0.5, 1.5], [0.0, 1.0], r"expected input probabilities in \[0, 1\], got values in "
                                 r"\[0.5, 1.5\]$"),
        ([np.nan, 0.5], [0.0, 1.0], r"expected input probabilities in \[0, 1\], got values in "
                                    r"\[0.5, 0.5\] and NaN$"),
        ([np.nan, np.nan], [0.0, 1.0], r"expected input probabilities in \[0, 1\], got only "
                                       r"NaN$"),
        ([0.5, 0.5], [0.0, 2.0], r"expected target in \[0, 1\], got values in \[0.0, 2.0\]$"),
        ([0.5, 0.5], [-1.0, 1.0], r"expected target in \[0, 1\], got values in "
                                  r"\[-1.0, 1.0\]$"),
        ([0.5, 0.5], [np.nan, 1.0], r"expected target in \[0, 1\], got values in \[1.0, 1.0\] "
                                    r"and NaN$"),
    ],
)
def test_bce_refuses_what_torch_refuses(input, target, message):
    input, target = np.array(input), np.array(target)
    with pytest.raises(RuntimeError, match="should be between 0 and 1"):  # torch raises too
        torch.nn.functional.binary_cross_entropy(torch.tensor(input), torch.tensor(target))
    with pytest.raises(ValueError, match="BCELoss: " + message):
        BCELoss()(input, target)
    with pytest.raises(ValueError, match="binary_cross_entropy_forward: " + message):
        binary_cross_entropy_forward(input, target)


def test_bce_accepts_the_ends_of_the_interval_and_integer_targets():
    loss = BCELoss()(np.array([0.0, 1.0, 0.25]), np.array([0, 1, 1]))
    expected = torch.nn.functional.binary_cross_entropy(torch.tensor([0.0, 1.0, 0.25]),
                                                        torch.tensor([0.0, 1.0, 1.0]))
    assert loss == pytest.approx(float(expected), rel=1e-6)


def test_gradient_has_the_input_dtype():
    input = np.array([[0.2, -0.4]], dtype=np.float32)
    probs = np.array([[0.2, 0.4]], dtype=np.float32)
    target = np.array([[1.0, 0.0]])  # float64 targets, as NumPy makes by default
    for loss_fn, x in [(MSELoss(), input), (L1Loss(), input), (BCELoss(), probs),
                       (BCEWithLogitsLoss(pos_weight=np.array([2.0, 1.0])), input)]:
        loss_fn(x, target)
        assert loss_fn.backward().dtype == np.float32, type(loss_fn).__name__
    loss_fn = CrossEntropyLoss(weight=np.array([1.0, 2.0]))
    loss_fn(input, np.array([1]))
    assert loss_fn.backward().dtype == np.float32


# The functional core: each loss's (loss, cache) forward, its backward and plain form.

LOSS_PAIRS = {
    "mse_loss": (F.mse_loss_forward, F.mse_loss_backward, F.mse_loss, TF.mse_loss),
    "l1_loss": (F.l1_loss_forward, F.l1_loss_backward, F.l1_loss, TF.l1_loss),
    "binary_cross_entropy_with_logits": (
        F.binary_cross_entropy_with_logits_forward, F.binary_cross_entropy_with_logits_backward,
        F.binary_cross_entropy_with_logits, TF.binary_cross_entropy_with_logits),
}


@pytest.mark.parametrize("name", sorted(LOSS_PAIRS))
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_functional_losses_match_torch_and_gradcheck(name, reduction):
    forward, backward, plain, torch_fn = LOSS_PAIRS[name]
    rng = np.random.default_rng(3)
    input, target = rng.standard_normal((4, 3)), rng.uniform(size=(4, 3))
    x_t = torch.tensor(input, requires_grad=True)
    loss_t = torch_fn(x_t, torch.tensor(target), reduction=reduction)
    loss_t.backward(torch.tensor(2.5))
    loss, cache = forward(input, target, reduction=reduction)
    assert_close(loss, loss_t.item(), name="loss")
    assert_close(plain(input, target, reduction=reduction), loss_t.item(), name="plain")
    assert_close(backward(2.5, cache), x_t.grad, name="grad")
    assert gradcheck_function(forward, backward, input, target, reduction=reduction)[0] <= 1e-7


def test_functional_cross_entropy_and_bce_match_torch():
    rng = np.random.default_rng(4)
    logits, labels = rng.standard_normal((5, 4)), rng.integers(0, 4, size=5)
    weight = rng.uniform(0.5, 2.0, size=4)
    expected = TF.cross_entropy(torch.tensor(logits), torch.tensor(labels),
                                weight=torch.tensor(weight), reduction="mean")
    assert_close(F.cross_entropy(logits, labels, weight, "mean"), expected.item())
    probs, target = rng.uniform(0.1, 0.9, size=(5, 2)), rng.uniform(size=(5, 2))
    expected = TF.binary_cross_entropy(torch.tensor(probs), torch.tensor(target), reduction="sum")
    assert_close(F.binary_cross_entropy(probs, target, None, "sum"), expected.item())
    errors = gradcheck_function(F.cross_entropy_forward, F.cross_entropy_backward,
                                logits, labels, weight=weight)
    assert errors[0] <= 1e-7


def test_functional_bad_input():
    with pytest.raises(TypeError, match="mse_loss_backward: expected grad_output to be a real "
                                        "number"):
        F.mse_loss_backward(np.ones(2), F.mse_loss_forward(np.ones(2), np.zeros(2))[1])
