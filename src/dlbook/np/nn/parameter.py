"""A trainable array: its value and the gradient accumulated for it."""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array

__all__ = ["Parameter"]


class Parameter:
    """An array that a :class:`~dlbook.np.nn.Module` trains, with its gradient.

    Assigning a ``Parameter`` to an attribute of a module registers it, as in torch, so
    that ``module.parameters()`` finds it and an optimizer can update it.

    Parameters
    ----------
    data : numpy.ndarray
        The value, a floating-point array. It is stored as it is (not copied).

    Attributes
    ----------
    data : numpy.ndarray
        The value; optimizers update it in place.
    grad : numpy.ndarray
        The gradient of the loss with respect to ``data``, same shape and dtype, starting at
        zeros. ``Module.backward`` adds to it (``+=``), so gradients accumulate until
        :meth:`zero_grad` is called, as in torch.

    Examples
    --------
    >>> p = Parameter(np.array([1.0, -2.0]))
    >>> p.grad
    array([0., 0.])
    >>> p.grad += np.array([0.5, 0.5]); p.zero_grad(); p.grad
    array([0., 0.])

    Introduced in :doc:`/book/optimisation/gradient-descent`.
    """

    def __init__(self, data: np.ndarray) -> None:
        check_array(data, "data", caller="Parameter", kind="float")
        self.data = data
        self.grad = np.zeros_like(data)

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of ``data``."""
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        """The dtype of ``data``."""
        return self.data.dtype

    @property
    def ndim(self) -> int:
        """The number of dimensions of ``data``."""
        return self.data.ndim

    @property
    def size(self) -> int:
        """The number of elements of ``data`` (torch's ``numel()``)."""
        return self.data.size

    def zero_grad(self) -> None:
        """Reset the gradient to zeros (a fresh array if ``data`` changed shape or dtype)."""
        if self.grad.shape == self.data.shape and self.grad.dtype == self.data.dtype:
            self.grad.fill(0)
        else:
            self.grad = np.zeros_like(self.data)

    def __repr__(self) -> str:
        return f"Parameter containing:\n{self.data!r}"
