"""The global random number generator of :mod:`dlbook.random`, under ``dlbook.np``'s name.

It lives on the shared floor (:mod:`dlbook.random`) so that :mod:`dlbook.data` and the tools
draw from the same generator without importing ``dlbook.np``; ``dnp.manual_seed`` seeds it.
"""

from dlbook.random import get_rng, manual_seed, resolve_rng

__all__ = ["manual_seed", "get_rng", "resolve_rng"]
