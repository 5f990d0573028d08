"""Fixtures of the PyTorch-side tests."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture
def one_cpu_thread():
    """Run tiny models on one CPU thread: on a busy two-core machine intra-op threads only
    spin against each other (and one thread keeps float sums in one order)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
