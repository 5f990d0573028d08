"""Small input validators shared by the whole package.

Every public function and constructor in :mod:`dlbook` checks what it is given and fails
with a message that names the caller, what was expected and what was got, for example::

    Linear: expected input of shape (N, 3), got (8, 4)

Each helper takes the value, the argument's ``name`` and the keyword ``caller`` (the
public function or class doing the check) and either returns the (possibly converted)
value or raises. ``TypeError`` means the value is of the wrong kind (a list where an
array is needed, integers where floats are needed); ``ValueError`` means the kind is
right but the value is not (a wrong shape, a negative size).

>>> import numpy as np
>>> check_array(np.zeros((8, 4)), "input", caller="Linear", shape=("N", 3))
Traceback (most recent call last):
    ...
ValueError: Linear: expected input of shape (N, 3), got (8, 4)
"""

from __future__ import annotations

import numbers
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

# dtype kinds accepted by ``kind=``; numpy's single-letter codes behind each readable name.
_KINDS = {"float": "f", "int": "iu", "bool": "b", "number": "iuf"}

__all__ = [
    "check_array", "check_shape", "check_same_shape", "check_labels", "check_int",
    "check_positive_int", "check_number", "check_probability", "check_in", "check_type",
    "check_float_dtype", "format_shape", "format_type", "type_name", "as_caller",
]


def format_shape(shape: Iterable[Any]) -> str:
    """Write a shape as Python writes a tuple, allowing symbolic entries.

    >>> format_shape((8, 4)), format_shape(("N", 3)), format_shape([5])
    ('(8, 4)', '(N, 3)', '(5,)')
    """
    parts = [str(s) for s in shape]
    if len(parts) == 1:
        return f"({parts[0]},)"
    return "(" + ", ".join(parts) + ")"


def format_type(cls: type) -> str:
    """A class's name as a reader would import it, so that two classes never read the same.

    Built-in types keep their bare name (``list``, ``int``, ``NoneType``); any other class is
    qualified by the shortest public module (among those already imported) that exports it,
    so a torch ``Parameter`` reads ``torch.nn.Parameter`` and the NumPy side's reads
    ``dlbook.np.nn.Parameter``.

    >>> format_type(list), format_type(np.ndarray), format_type(np.random.Generator)
    ('list', 'numpy.ndarray', 'numpy.random.Generator')
    """
    module = getattr(cls, "__module__", None) or ""
    qualname = getattr(cls, "__qualname__", None) or getattr(cls, "__name__", repr(cls))
    if module in ("builtins", "__main__"):
        return qualname
    if not module:
        return qualname
    if "." not in qualname:  # a top-level class may be re-exported by a parent package
        parts = module.split(".")
        for end in range(1, len(parts)):
            if parts[end - 1].startswith("_"):
                break
            parent = sys.modules.get(".".join(parts[:end]))
            if parent is not None and getattr(parent, qualname, None) is cls:
                return f"{'.'.join(parts[:end])}.{qualname}"
    return f"{module}.{qualname}"


def type_name(value: Any) -> str:
    """The name of ``value``'s type, as :func:`format_type` writes it.

    >>> type_name([1.0]), type_name(np.float32(1)), type_name(None)
    ('list', 'numpy.float32', 'NoneType')
    """
    return format_type(type(value))


def _fail(caller: str, message: str, error: type[Exception] = ValueError) -> Exception:
    return error(f"{caller}: {message}")


def check_shape(
    x: np.ndarray, name: str, shape: Sequence[Any], *, caller: str, hint: str = ""
) -> None:
    """Check ``x.shape`` against ``shape``; a string or ``None`` entry matches any size.

    A string entry is shown in the message as it is (``"N"`` for a batch size).
    ``hint`` is appended in parentheses to explain the rule.

    >>> check_shape(np.zeros((2, 5)), "x", ("N", 3), caller="f", hint="last dimension = 3")
    Traceback (most recent call last):
        ...
    ValueError: f: expected x of shape (N, 3) (last dimension = 3), got (2, 5)
    """
    shown = ["*" if s is None else s for s in shape]
    ok = x.ndim == len(shape) and all(
        isinstance(s, str) or s is None or x.shape[i] == s for i, s in enumerate(shape)
    )
    if not ok:
        extra = f" ({hint})" if hint else ""
        raise _fail(caller, f"expected {name} of shape {format_shape(shown)}{extra}, "
                            f"got {x.shape}")


def check_array(
    x: Any,
    name: str,
    *,
    caller: str,
    ndim: int | Sequence[int] | None = None,
    kind: str | None = None,
    shape: Sequence[Any] | None = None,
    hint: str = "",
) -> np.ndarray:
    """Check that ``x`` is an ``np.ndarray`` of the expected rank, dtype kind and shape.

    ``x`` is returned as it is: lists are not converted, so dtypes never change behind the
    reader's back. ``ndim`` is an int or a sequence of allowed ints; ``kind`` is one of
    ``"float"``, ``"int"`` (signed or unsigned), ``"bool"`` or ``"number"``; ``shape`` and
    ``hint`` are as in :func:`check_shape`.

    >>> check_array([1.0, 2.0], "input", caller="ReLU")
    Traceback (most recent call last):
        ...
    TypeError: ReLU: expected input to be a numpy.ndarray, got list
    >>> check_array(np.arange(3), "input", caller="ReLU", kind="float")
    Traceback (most recent call last):
        ...
    TypeError: ReLU: expected input with a floating-point dtype, got int64
    >>> check_array(np.zeros(3), "input", caller="Linear", ndim=2)
    Traceback (most recent call last):
        ...
    ValueError: Linear: expected input with 2 dimensions, got 1 (shape (3,))
    """
    if not isinstance(x, np.ndarray):
        raise _fail(caller, f"expected {name} to be a numpy.ndarray, got {type_name(x)}",
                    TypeError)
    if kind is not None:
        if kind not in _KINDS:
            raise ValueError(f"check_array: unknown kind {kind!r}; use one of {sorted(_KINDS)}")
        if x.dtype.kind not in _KINDS[kind]:
            readable = {"float": "a floating-point", "int": "an integer", "bool": "a boolean",
                        "number": "a numeric"}[kind]
            raise _fail(caller, f"expected {name} with {readable} dtype, got {x.dtype}", TypeError)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if x.ndim not in allowed:
            wanted = " or ".join(str(n) for n in allowed)
            shape_text = format_shape(x.shape)
            raise _fail(caller, f"expected {name} with {wanted} dimensions, got {x.ndim} "
                                f"(shape {shape_text})")
    if shape is not None:
        check_shape(x, name, shape, caller=caller, hint=hint)
    return x


def check_same_shape(
    a: np.ndarray, b: np.ndarray, names: tuple[str, str], *, caller: str
) -> None:
    """Check that two arrays have the same shape (a loss's input and target, say).

    >>> check_same_shape(np.zeros((4, 2)), np.zeros(4), ("input", "target"), caller="MSELoss")
    Traceback (most recent call last):
        ...
    ValueError: MSELoss: expected target of the same shape as input (4, 2), got (4,)
    """
    if a.shape != b.shape:
        raise _fail(caller, f"expected {names[1]} of the same shape as {names[0]} "
                            f"{format_shape(a.shape)}, got {format_shape(b.shape)}")


def check_labels(y: Any, name: str, num_classes: int, *, caller: str) -> np.ndarray:
    """Check an integer array of class indices in ``[0, num_classes)``.

    >>> check_labels(np.array([0, 3]), "target", 3, caller="CrossEntropyLoss")
    Traceback (most recent call last):
        ...
    ValueError: CrossEntropyLoss: expected target with class indices in [0, 3), got values in [0, 3]
    """
    check_array(y, name, caller=caller, kind="int")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise _fail(caller, f"expected {name} with class indices in [0, {num_classes}), "
                            f"got values in [{y.min()}, {y.max()}]")
    return y


def check_int(value: Any, name: str, *, caller: str, minimum: int | None = None) -> int:
    """Check a Python or NumPy integer (not a bool) at least ``minimum``; return it as ``int``.

    >>> check_int(-1, "epochs", caller="fit", minimum=0)
    Traceback (most recent call last):
        ...
    ValueError: fit: expected epochs >= 0, got -1
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        got = f"{type_name(value)} {value!r}"
        raise _fail(caller, f"expected {name} to be an int, got {got}", TypeError)
    if minimum is not None and value < minimum:
        raise _fail(caller, f"expected {name} >= {minimum}, got {value}")
    return int(value)


def check_positive_int(value: Any, name: str, *, caller: str) -> int:
    """Check a strictly positive integer (a size, a count); return it as ``int``.

    >>> check_positive_int(0, "in_features", caller="Linear")
    Traceback (most recent call last):
        ...
    ValueError: Linear: expected in_features >= 1, got 0
    >>> check_positive_int(2.0, "in_features", caller="Linear")
    Traceback (most recent call last):
        ...
    TypeError: Linear: expected in_features to be an int, got float 2.0
    """
    return check_int(value, name, caller=caller, minimum=1)


def check_number(
    value: Any,
    name: str,
    *,
    caller: str,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
    allow_inf: bool = False,
) -> float:
    """Check a finite real number within optional bounds; return it as ``float``.

    ``allow_inf=True`` also accepts ``+inf`` and ``-inf`` (still subject to the bounds).

    >>> check_number(-0.1, "lr", caller="SGD", low=0.0)
    Traceback (most recent call last):
        ...
    ValueError: SGD: expected lr >= 0.0, got -0.1
    >>> check_number(1.0, "momentum", caller="SGD", low=0.0, high=1.0, high_inclusive=False)
    Traceback (most recent call last):
        ...
    ValueError: SGD: expected momentum < 1.0, got 1.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        got = f"{type_name(value)} {value!r}"
        raise _fail(caller, f"expected {name} to be a real number, got {got}", TypeError)
    value = float(value)
    if np.isnan(value) or (not allow_inf and np.isinf(value)):
        raise _fail(caller, f"expected {name} to be finite, got {value}")
    if low is not None and (value < low or (not low_inclusive and value == low)):
        relation = ">=" if low_inclusive else ">"
        raise _fail(caller, f"expected {name} {relation} {low}, got {value}")
    if high is not None and (value > high or (not high_inclusive and value == high)):
        relation = "<=" if high_inclusive else "<"
        raise _fail(caller, f"expected {name} {relation} {high}, got {value}")
    return value


def check_probability(value: Any, name: str, *, caller: str) -> float:
    """Check a number in ``[0, 1]``; return it as ``float``.

    >>> check_probability(1.5, "p", caller="Dropout")
    Traceback (most recent call last):
        ...
    ValueError: Dropout: expected p <= 1.0, got 1.5
    """
    return check_number(value, name, caller=caller, low=0.0, high=1.0)


def check_in(value: Any, name: str, allowed: Iterable[Any], *, caller: str) -> Any:
    """Check that ``value`` is one of ``allowed``; return it.

    >>> check_in("none", "reduction", ("mean", "sum"), caller="MSELoss")
    Traceback (most recent call last):
        ...
    ValueError: MSELoss: expected reduction to be one of 'mean', 'sum', got 'none'
    """
    allowed = tuple(allowed)
    try:
        found = value in allowed
    except TypeError:  # unhashable or incomparable values are simply not allowed
        found = False
    if not found:
        choices = ", ".join(repr(a) for a in allowed)
        raise _fail(caller, f"expected {name} to be one of {choices}, got {value!r}")
    return value


def check_type(value: Any, name: str, types: type | tuple[type, ...], *, caller: str) -> Any:
    """Check ``isinstance(value, types)``; return ``value``.

    Both classes are written in full (:func:`format_type`), so a torch ``Parameter`` given
    where a :class:`dlbook.np.nn.Parameter` is expected reads as what it is.

    >>> check_type(3, "rng", np.random.Generator, caller="Linear")
    Traceback (most recent call last):
        ...
    TypeError: Linear: expected rng to be numpy.random.Generator, got int
    """
    if not isinstance(value, types):
        wanted = " or ".join(format_type(t)
                             for t in (types if isinstance(types, tuple) else (types,)))
        raise _fail(caller, f"expected {name} to be {wanted}, got {type_name(value)}", TypeError)
    return value


def check_float_dtype(dtype: Any, *, caller: str, name: str = "dtype") -> np.dtype:
    """Check that ``dtype`` names a floating-point dtype; return it as ``np.dtype``.

    >>> check_float_dtype(np.float64, caller="Linear")
    dtype('float64')
    >>> check_float_dtype(np.int32, caller="Linear")
    Traceback (most recent call last):
        ...
    TypeError: Linear: expected a floating-point dtype, got int32
    """
    try:
        resolved = np.dtype(dtype)
    except TypeError as error:
        message = f"expected {name} to be a NumPy dtype, got {dtype!r}"
        raise _fail(caller, message, TypeError) from error
    if resolved.kind != "f":
        raise _fail(caller, f"expected a floating-point {name}, got {resolved}", TypeError)
    return resolved


@contextmanager
def as_caller(caller: str, *internal: str) -> Iterator[None]:
    """Re-raise a check's error from a functional core under the public object's name.

    A module such as :class:`dlbook.np.nn.MSELoss` runs ``mse_loss_forward``; an error that
    the core raises as ``mse_loss_forward: ...`` reaches the reader as ``MSELoss: ...``, the
    name they used. Errors with any other prefix pass unchanged.

    >>> with as_caller("MSELoss", "mse_loss_forward"):
    ...     raise ValueError("mse_loss_forward: expected a non-empty input, got shape (0,)")
    Traceback (most recent call last):
        ...
    ValueError: MSELoss: expected a non-empty input, got shape (0,)
    """
    try:
        yield
    except (TypeError, ValueError, IndexError) as error:
        message = str(error) if len(error.args) == 1 else None
        for name in internal:
            if message is not None and message.startswith(f"{name}: "):
                raise type(error)(f"{caller}: {message[len(name) + 2:]}") from None
        raise


def check_seed(value: Any, name: str = "rng", *, caller: str) -> int | None:
    """``None`` or a non-negative int seed (for functions that hand it to scikit-learn).

    >>> check_seed(3, caller="circles")
    3
    >>> check_seed(1.5, caller="circles")
    Traceback (most recent call last):
        ...
    TypeError: circles: expected rng to be None or a non-negative int seed, got float

    Introduced in :doc:`/book/foundations/circles`.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        got = value if isinstance(value, (int, np.integer)) else type_name(value)
        raise TypeError(f"{caller}: expected {name} to be None or a non-negative int seed, "
                        f"got {got}")
    return int(value)
