"""The comparison the dlbook.torch.nn parity tests share: float64, rtol 1e-7, both sides shown."""

from __future__ import annotations

import torch
from hypothesis import HealthCheck, settings

# The device fixture is the same for every example, so reusing it across examples is safe.
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_close(ours: torch.Tensor, theirs: torch.Tensor, what: str) -> None:
    """Fail with both tensors shown unless they agree to rtol 1e-7 (and atol 1e-12)."""
    torch.testing.assert_close(ours, theirs, rtol=1e-7, atol=1e-12,
                               msg=lambda m: f"{what}: ours {ours} vs torch {theirs}\n{m}")
