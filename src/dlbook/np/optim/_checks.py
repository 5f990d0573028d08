"""Hyperparameter checks shared by the adaptive optimizers (torch's ranges and messages)."""

from __future__ import annotations

from typing import Any

from dlbook._checks import check_number, check_type


def check_common(group: dict[str, Any], caller: str, names: tuple[str, ...]) -> None:
    """Check that each named hyperparameter is a number >= 0 and ``maximize`` is a bool."""
    for name in names:
        check_number(group[name], name, caller=caller, low=0.0)
    check_type(group["maximize"], "maximize", bool, caller=caller)


def check_betas(betas: Any, caller: str) -> None:
    """Check ``betas`` is a pair of numbers in [0, 1), as torch requires."""
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"{caller}: expected betas to be a pair (beta1, beta2), got {betas!r}")
    for i, beta in enumerate(betas):
        check_number(beta, f"betas[{i}]", caller=caller, low=0.0, high=1.0,
                     high_inclusive=False)
