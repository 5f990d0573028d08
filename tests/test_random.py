"""dlbook.random, the global generator on the floor: manual_seed, get_rng, resolve_rng."""

from __future__ import annotations

import numpy as np
import pytest

import dlbook.np as dnp
import dlbook.np.random
from dlbook.random import get_rng, manual_seed, resolve_rng


def test_manual_seed_resets_the_same_generator():
    generator = get_rng()
    manual_seed(3)
    first = generator.random(4)
    assert manual_seed(3) is generator
    np.testing.assert_array_equal(generator.random(4), first)
    np.testing.assert_array_equal(first, np.random.default_rng(3).random(4))
    assert dnp.manual_seed is manual_seed and dnp.get_rng is get_rng


def test_resolve_rng():
    generator = np.random.default_rng(0)
    assert resolve_rng(generator, caller="f") is generator
    assert resolve_rng(None, caller="f") is get_rng()
    assert resolve_rng(5, caller="f").random() == np.random.default_rng(5).random()
    with pytest.raises(TypeError, match="f: expected rng to be None, an int seed or a "
                                        "numpy.random.Generator, got bool"):
        resolve_rng(True, caller="f")


def test_bad_seed():
    with pytest.raises(ValueError, match="manual_seed: expected seed >= 0, got -1"):
        manual_seed(-1)
    with pytest.raises(TypeError, match="manual_seed: expected seed to be an int, got float"):
        manual_seed(1.5)


def test_dlbook_np_random_re_exports_the_floor_generator():
    for name in ("manual_seed", "get_rng", "resolve_rng"):
        assert getattr(dlbook.np.random, name) is globals()[name]
    assert dnp.random.get_rng() is get_rng()
