"""Checking gradients and comparing with PyTorch: the tools the tests (and the book) use.

Two questions come up every time a layer is written by hand:

* *Is the backward pass right?* Compare it with centred finite differences:
  :func:`numerical_gradient`, :func:`gradcheck_module`, :func:`gradcheck_loss`,
  :func:`gradcheck_function`, summarised by one number, :func:`relative_error`.
* *Does it compute what torch computes?* Copy torch's weights across
  (:func:`torch_state_to_numpy`) and compare the results with :func:`assert_close`,
  whose failure message shows both sides. (Their source is in ``dlbook/_parity.py``.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from dlbook._checks import check_array, check_number
from dlbook._parity import (
    _to_numpy,
    assert_close,
    numpy_state_to_torch,
    torch_state_to_numpy,
    torch_to_numpy_state,
)
from dlbook.random import resolve_rng

__all__ = [
    "relative_error",
    "numerical_gradient",
    "gradcheck_module",
    "gradcheck_loss",
    "gradcheck_function",
    "gradcheck",
    "assert_close",
    "torch_state_to_numpy",
    "torch_to_numpy_state",
    "numpy_state_to_torch",
]


def relative_error(a: Any, b: Any) -> float:
    r"""One number saying how far apart two arrays are, relative to their size.

    .. math::

        \operatorname{rel}(a, b) = \frac{\max_i |a_i - b_i|}
                                        {\max\left(10^{-8},\ \max_i (|a_i| + |b_i|)\right)}

    The largest absolute difference is divided by the largest magnitude, not element by
    element, so that an entry that should be zero (a ReLU's dead unit, say) and comes
    out as 1e-17 does not turn a correct gradient into a "relative error" of 1. The
    floor of 1e-8 makes two all-zero arrays agree. In float64 a correct backward pass
    gives about 1e-9 or less against centred differences; a wrong one gives 1e-2 or more.

    Parameters
    ----------
    a, b : array_like
        Arrays of the same shape (numbers and torch tensors work too).

    Returns
    -------
    float
        The relative error, 0.0 for empty arrays.

    Examples
    --------
    >>> round(relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.5])), 4)  # 0.5 / 4.5
    0.1111
    >>> relative_error(np.zeros(3), np.zeros(3))
    0.0

    Introduced in :doc:`/book/foundations/backprop`.
    """
    a, b = _to_numpy(a).astype(np.float64), _to_numpy(b).astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(f"relative_error: expected arrays of the same shape, got {a.shape} "
                         f"and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(1e-8, float(np.max(np.abs(a) + np.abs(b)))))


def numerical_gradient(
    f: Callable[[np.ndarray], Any],
    x: np.ndarray,
    grad_output: Any = None,
    eps: float = 1e-6,
) -> np.ndarray:
    r"""Estimate the gradient of ``f`` at ``x`` by centred differences.

    For each element, :math:`\partial L / \partial x_i \approx
    (L(x + \varepsilon e_i) - L(x - \varepsilon e_i)) / 2\varepsilon`, whose error is of
    order :math:`\varepsilon^2`. Here :math:`L = \sum f(x) \cdot \text{grad\_output}`
    (just ``f(x)`` when ``f`` returns a number and ``grad_output`` is ``None``), so the
    result is the vector-Jacobian product a backward pass computes.

    ``x`` is changed in place, one element at a time, and restored, so ``f`` may ignore
    its argument and read ``x`` (or a parameter whose ``.data`` *is* ``x``) itself.
    This is a loop over the elements: use small arrays.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a number or an array.
    x : numpy.ndarray
        Where to differentiate; must be float64 (float32 cannot resolve ``eps``).
    grad_output : array_like, optional
        Upstream gradient with the shape of ``f(x)``; required when ``f`` returns an array.
    eps : float, default 1e-6
        Step size.

    Returns
    -------
    numpy.ndarray
        The estimated gradient, shape of ``x``.

    Examples
    --------
    >>> x = np.array([1.0, -2.0])
    >>> np.round(numerical_gradient(lambda x: float((x ** 2).sum()), x), 6)
    array([ 2., -4.])

    Introduced in :doc:`/book/foundations/backprop`.
    """
    check_array(x, "x", caller="numerical_gradient")
    if x.dtype != np.float64:
        raise TypeError(f"numerical_gradient: expected x with dtype float64 (centred "
                        f"differences need double precision), got {x.dtype}")
    eps = check_number(eps, "eps", caller="numerical_gradient", low=0.0, low_inclusive=False)

    def objective() -> float:
        out = f(x)
        if grad_output is None:
            if np.ndim(out) != 0:
                raise ValueError("numerical_gradient: f returned an array of shape "
                                 f"{np.shape(out)}; pass grad_output of that shape")
            return float(out)
        return float(np.sum(_to_numpy(out) * grad_output))

    grad = np.zeros(x.shape, dtype=x.dtype)
    # Index x itself (not a reshaped copy) so the nudges reach f even when x is a
    # non-contiguous view such as ``weights[:, 0]``.
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        plus = objective()
        x[index] = original - eps
        minus = objective()
        x[index] = original
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def _random_like(shape: tuple[int, ...], rng: Any, caller: str) -> np.ndarray:
    return resolve_rng(rng, caller=caller).standard_normal(shape)


def _check_float64(module: Any, caller: str) -> None:
    for name, param in module.named_parameters():
        if param.dtype != np.float64:
            raise TypeError(f"{caller}: expected float64 parameters (call module.double()), "
                            f"got {name} of dtype {param.dtype}")


def gradcheck_module(
    module: Any, x: np.ndarray, grad_output: np.ndarray | None = None, *,
    rng: Any = 0, eps: float = 1e-6,
) -> dict[str, float]:
    """Compare a module's backward pass with finite differences, input and every parameter.

    Runs ``module(x)``, then ``module.backward(grad_output)`` (a random ``grad_output``
    drawn with ``rng`` unless given) after zeroing the gradients, and compares the
    returned input gradient and every parameter's ``.grad`` with
    :func:`numerical_gradient`. Module and ``x`` must be float64.

    Returns
    -------
    dict
        ``{"input": error, "weight": error, ...}``: the :func:`relative_error` of each.

    Examples
    --------
    >>> from dlbook.np.nn import Linear
    >>> errors = gradcheck_module(Linear(3, 2, dtype=np.float64, rng=0), np.ones((4, 3)))
    >>> list(errors), max(errors.values()) < 1e-7
    (['input', 'weight', 'bias'], True)

    Introduced in :doc:`/book/foundations/backprop`.
    """
    _check_float64(module, "gradcheck_module")
    out = module(x)
    if grad_output is None:
        grad_output = _random_like(np.shape(out), rng, "gradcheck_module")
    module.zero_grad()
    analytic = {"input": module.backward(grad_output)}
    analytic.update({name: param.grad.copy() for name, param in module.named_parameters()})
    numeric = {"input": numerical_gradient(module, x, grad_output, eps)}
    for name, param in module.named_parameters():
        numeric[name] = numerical_gradient(lambda _: module(x), param.data, grad_output, eps)
    return {name: relative_error(analytic[name], numeric[name]) for name in analytic}


def gradcheck_loss(
    loss_fn: Any, input: np.ndarray, target: np.ndarray, *, eps: float = 1e-6
) -> float:
    """Compare ``loss_fn.backward()`` with finite differences of ``loss_fn(input, target)``.

    >>> from dlbook.np.nn import CrossEntropyLoss
    >>> logits = np.random.default_rng(0).standard_normal((5, 3))
    >>> gradcheck_loss(CrossEntropyLoss(), logits, np.array([0, 2, 1, 1, 0])) < 1e-7
    True

    Introduced in :doc:`/book/foundations/backprop`.
    """
    loss_fn(input, target)
    analytic = loss_fn.backward()
    numeric = numerical_gradient(lambda z: loss_fn(z, target), input, eps=eps)
    return relative_error(analytic, numeric)


def gradcheck_function(
    forward: Callable[..., tuple[Any, Any]],
    backward: Callable[[Any, Any], Any],
    *inputs: np.ndarray,
    grad_output: Any = None,
    rng: Any = 0,
    eps: float = 1e-6,
    **kwargs: Any,
) -> list[float | None]:
    """Check a functional pair ``forward(*inputs, **kwargs) -> (out, cache)`` and
    ``backward(grad_output, cache) -> grads`` (one array or a tuple, in the order of
    ``inputs``; ``None`` for an input without a gradient, such as class labels).

    Returns
    -------
    list
        The :func:`relative_error` for each gradient returned, ``None`` where it is ``None``.

    Examples
    --------
    >>> from dlbook.np.nn import functional as F
    >>> rng = np.random.default_rng(0)
    >>> x, w, b = rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
    >>> [e < 1e-7 for e in gradcheck_function(F.linear_forward, F.linear_backward, x, w, b)]
    [True, True, True]

    Introduced in :doc:`/book/cnn/convolution`.
    """
    out, cache = forward(*inputs, **kwargs)
    if grad_output is None:
        grad_output = _random_like(np.shape(out), rng, "gradcheck_function")
        grad_output = float(grad_output) if np.ndim(out) == 0 else grad_output
    grads = backward(grad_output, cache)
    grads = grads if isinstance(grads, tuple) else (grads,)
    errors: list[float | None] = []
    for i, grad in enumerate(grads):
        if grad is None:
            errors.append(None)
            continue
        numeric = numerical_gradient(lambda _: forward(*inputs, **kwargs)[0], inputs[i],
                                     grad_output, eps)
        errors.append(relative_error(grad, numeric))
    return errors


def gradcheck(module: Any, *inputs: np.ndarray, tol: float = 1e-7, rng: Any = 0,
              eps: float = 1e-6) -> dict[str, float]:
    """Gradient-check a module (one input) or a loss module (input, target); raise if wrong.

    Like ``torch.autograd.gradcheck``, it fails loudly: an ``AssertionError`` lists every
    relative error above ``tol``. Otherwise it returns all of them.

    >>> from dlbook.np.nn import Sequential, Linear, Tanh
    >>> net = Sequential(Linear(3, 4, rng=0), Tanh(), Linear(4, 2, rng=1)).double()
    >>> sorted(gradcheck(net, np.ones((2, 3))))
    ['0.bias', '0.weight', '2.bias', '2.weight', 'input']

    Introduced in :doc:`/book/foundations/backprop`.
    """
    if len(inputs) == 1:
        errors = gradcheck_module(module, inputs[0], rng=rng, eps=eps)
    elif len(inputs) == 2:
        errors = {"input": gradcheck_loss(module, *inputs, eps=eps)}
    else:
        raise TypeError(f"gradcheck: expected one input (a module) or two (a loss's input "
                        f"and target), got {len(inputs)}")
    bad = {name: error for name, error in errors.items() if not error <= tol}
    if bad:
        lines = ", ".join(f"{name}: {error:.2e}" for name, error in bad.items())
        raise AssertionError(f"gradcheck of {type(module).__name__}: relative errors above "
                             f"{tol:.0e}: {lines}")
    return errors
