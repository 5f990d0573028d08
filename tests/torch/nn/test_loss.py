"""dlbook.torch.nn.FocalLoss against the formula by hand and against cross-entropy."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from dlbook.torch.nn import FocalLoss


def focal_by_hand(logits, labels, gamma, alpha=None):
    """-alpha_t (1 - p_t)^gamma log p_t, sample by sample, in Python floats."""
    losses = []
    for row, label in zip(logits.tolist(), labels.tolist(), strict=True):
        top = max(row)
        log_norm = top + math.log(sum(math.exp(v - top) for v in row))
        log_pt = row[label] - log_norm
        weight = 1.0 if alpha is None else alpha[label]
        losses.append(-weight * (1 - math.exp(log_pt)) ** gamma * log_pt)
    return losses


@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0, 5.0])
@pytest.mark.parametrize("alpha", [None, [0.25, 1.0, 2.0, 0.5]])
def test_focal_loss_matches_the_formula_in_float64(gamma, alpha):
    torch.manual_seed(0)
    logits = 3 * torch.randn(20, 4, dtype=torch.float64)
    labels = torch.randint(0, 4, (20,))
    expected = torch.tensor(focal_by_hand(logits, labels, gamma, alpha), dtype=torch.float64)
    per_sample = FocalLoss(gamma, alpha, reduction="none")(logits, labels)
    torch.testing.assert_close(per_sample, expected, rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(FocalLoss(gamma, alpha)(logits, labels), expected.mean())
    torch.testing.assert_close(FocalLoss(gamma, alpha, "sum")(logits, labels), expected.sum())


def test_gamma_zero_without_alpha_is_cross_entropy_with_its_gradient():
    torch.manual_seed(1)
    logits = torch.randn(30, 10, dtype=torch.float64, requires_grad=True)
    labels = torch.randint(0, 10, (30,))
    focal = FocalLoss(gamma=0.0)(logits, labels)
    (grad_focal,) = torch.autograd.grad(focal, logits)
    reference = nn.CrossEntropyLoss()(logits, labels)
    (grad_reference,) = torch.autograd.grad(reference, logits)
    torch.testing.assert_close(focal, reference, rtol=1e-14, atol=0)
    torch.testing.assert_close(grad_focal, grad_reference, rtol=1e-12, atol=1e-15)


def test_gamma_zero_with_alpha_is_weighted_cross_entropy_times_mean_weight():
    """CrossEntropyLoss(weight) divides by the sum of the weights; FocalLoss by N."""
    torch.manual_seed(2)
    logits, labels = torch.randn(25, 3, dtype=torch.float64), torch.randint(0, 3, (25,))
    alpha = torch.tensor([0.5, 2.0, 1.0], dtype=torch.float64)
    focal = FocalLoss(0.0, alpha)(logits, labels)
    weighted = nn.CrossEntropyLoss(weight=alpha)(logits, labels)
    torch.testing.assert_close(focal, weighted * alpha[labels].mean())


def test_focusing_shrinks_easy_samples_more_than_hard_ones():
    logits, labels = torch.tensor([[4.0, 0.0], [0.0, 1.0]]), torch.tensor([0, 0])
    ce = FocalLoss(0.0, reduction="none")(logits, labels)
    focal = FocalLoss(2.0, reduction="none")(logits, labels)
    ratio = focal / ce
    assert ratio[0] < 1e-3 < 0.5 < ratio[1] < 1


def test_float32_and_repr():
    loss = FocalLoss(2.0, [1.0, 3.0])
    value = loss(torch.zeros(3, 2), torch.tensor([0, 1, 1]))
    assert value.dtype == torch.float32
    assert "gamma=2.0" in repr(loss) and "alpha=[1.0, 3.0]" in repr(loss)


def test_bad_arguments_name_the_expected_and_actual():
    with pytest.raises(ValueError, match=r"FocalLoss: expected gamma >= 0.0, got -1.0"):
        FocalLoss(gamma=-1.0)
    with pytest.raises(TypeError, match=r"FocalLoss: expected gamma to be a real number"):
        FocalLoss(gamma="2")
    with pytest.raises(ValueError, match=r"FocalLoss: expected reduction to be one of"):
        FocalLoss(reduction="avg")
    with pytest.raises(TypeError, match=r"FocalLoss: expected alpha to be None or one weight"):
        FocalLoss(alpha=0.25)
    with pytest.raises(ValueError, match=r"FocalLoss: expected alpha of shape \(C,\), got shape "
                                         r"\(2, 2\)"):
        FocalLoss(alpha=[[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match=r"FocalLoss: expected finite, non-negative alpha"):
        FocalLoss(alpha=[1.0, -0.5])


def test_bad_inputs_name_the_expected_and_actual():
    loss = FocalLoss()
    logits = torch.zeros(4, 3)
    with pytest.raises(ValueError, match=r"expected input of shape \(N, C\) logits, got shape "
                                         r"\(4,\)"):
        loss(torch.zeros(4), torch.zeros(4, dtype=torch.long))
    with pytest.raises(TypeError, match=r"expected integer class labels in target, got "
                                        r"torch.float32"):
        loss(logits, torch.zeros(4))
    with pytest.raises(ValueError, match=r"expected target of shape \(4,\) for input of shape "
                                         r"\(4, 3\), got \(5,\)"):
        loss(logits, torch.zeros(5, dtype=torch.long))
    with pytest.raises(ValueError, match=r"expected labels in \[0, 3\), got labels from 0 to 3"):
        loss(logits, torch.tensor([0, 1, 2, 3]))
    with pytest.raises(ValueError, match=r"expected alpha with one weight per class \(3\), got 2"):
        FocalLoss(alpha=[1.0, 2.0])(logits, torch.zeros(4, dtype=torch.long))
    with pytest.raises(TypeError, match=r"expected target to be a torch.Tensor, got list"):
        loss(logits, [0, 1, 2, 0])
    with pytest.raises(TypeError, match=r"expected input with a floating-point dtype"):
        loss(torch.zeros(4, 3, dtype=torch.long), torch.zeros(4, dtype=torch.long))
