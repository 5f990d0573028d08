"""Deep learning from scratch in NumPy, shaped like PyTorch.

``dlbook.np.nn`` mirrors ``torch.nn``, ``dlbook.np.optim`` mirrors ``torch.optim`` and
:func:`manual_seed` seeds the global generator every layer draws its initial weights from.
"""

from . import nn, optim, random
from .random import get_rng, manual_seed

__all__ = ["nn", "optim", "random", "manual_seed", "get_rng"]
