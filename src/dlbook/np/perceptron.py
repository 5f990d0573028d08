"""Rosenblatt's perceptron: a single threshold unit and its error-correction rule."""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_int, check_number, check_positive_int, check_type
from dlbook.random import resolve_rng

__all__ = ["Perceptron"]


class Perceptron:
    r"""A single threshold unit trained with Rosenblatt's perceptron rule.

    The unit predicts :math:`\hat y = H(w \cdot x + b)` with the step function
    :math:`H(z) = 1` for :math:`z \ge 0` and 0 otherwise. Training visits the examples one
    at a time and, after each prediction, applies

    .. math::

        w \leftarrow w + \eta\, (y - \hat y)\, x, \qquad b \leftarrow b + \eta\, (y - \hat y),

    which changes nothing when the prediction is right (:math:`y = \hat y`) and otherwise
    moves the boundary towards classifying :math:`x` correctly. If the two classes are
    linearly separable, the number of mistakes is finite (the perceptron convergence
    theorem), so an epoch with no mistakes is eventually reached; if they are not (XOR),
    mistakes go on for ever.

    Parameters
    ----------
    n_features : int
        Number of inputs.
    lr : float, default 1.0
        Learning rate :math:`\eta` (> 0).
    rng : numpy.random.Generator, int or None
        Draws the initial weights and bias from :math:`U(-0.5, 0.5)` and shuffles the
        examples each epoch; a seed, a generator or ``None`` (the global generator).
    shuffle : bool, default True
        Visit the examples in a new random order each epoch.

    Attributes
    ----------
    weight : numpy.ndarray
        Shape ``(n_features,)``.
    bias : float
    errors_ : list of int
        Mistakes made in each epoch of the last :meth:`fit`.

    Examples
    --------
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    >>> p = Perceptron(2, rng=0)
    >>> errors = p.fit(X, np.array([0, 0, 0, 1]), epochs=20)  # AND
    >>> errors[-1], p.predict(X).tolist()
    (0, [0, 0, 0, 1])

    Introduced in :doc:`/book/foundations/neuron`.
    """

    def __init__(
        self,
        n_features: int,
        lr: float = 1.0,
        *,
        rng: np.random.Generator | int | None = None,
        shuffle: bool = True,
    ) -> None:
        self.n_features = check_positive_int(n_features, "n_features", caller="Perceptron")
        self.lr = check_number(lr, "lr", caller="Perceptron", low=0.0, low_inclusive=False)
        self.shuffle = check_type(shuffle, "shuffle", bool, caller="Perceptron")
        self._rng = resolve_rng(rng, caller="Perceptron")
        self.weight = self._rng.uniform(-0.5, 0.5, size=self.n_features)
        self.bias = float(self._rng.uniform(-0.5, 0.5))
        self.errors_: list[int] = []

    def _check_X(self, X: np.ndarray, caller: str) -> np.ndarray:
        check_array(X, "X", caller=caller, kind="number",
                    shape=("N", self.n_features), hint="one row per example")
        return X

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """The pre-activation ``X @ weight + bias``, shape ``(N,)``."""
        X = self._check_X(X, "Perceptron.decision_function")
        return X @ self.weight + self.bias  # (N,)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predicted classes in {0, 1}, shape ``(N,)`` (1 where the pre-activation is >= 0)."""
        X = self._check_X(X, "Perceptron.predict")
        return (X @ self.weight + self.bias >= 0).astype(np.int64)  # (N,)

    def fit(self, X: np.ndarray, y: np.ndarray, epochs: int = 100) -> list[int]:
        """Train with the perceptron rule; stop after the first epoch without a mistake.

        Parameters
        ----------
        X : numpy.ndarray
            Inputs, shape ``(N, n_features)``.
        y : numpy.ndarray
            Targets in {0, 1}, shape ``(N,)``.
        epochs : int, default 100
            The most passes over the data.

        Returns
        -------
        list of int
            The number of mistakes (updates) in each epoch run; the last is 0 if and only
            if training converged. Also stored as ``errors_``.
        """
        X = self._check_X(X, "Perceptron.fit")
        check_array(y, "y", caller="Perceptron.fit", kind="number", shape=(X.shape[0],),
                    hint="one target per row of X")
        if not np.isin(y, (0, 1)).all():
            raise ValueError(f"Perceptron.fit: expected targets in {{0, 1}}, "
                             f"got values {np.unique(y).tolist()}")
        epochs = check_int(epochs, "epochs", caller="Perceptron.fit", minimum=1)
        self.errors_ = []
        for _ in range(epochs):
            order = self._rng.permutation(len(X)) if self.shuffle else np.arange(len(X))
            mistakes = 0
            # One example at a time on purpose: the rule is online, each update changes
            # the prediction for the next example.
            for i in order:
                predicted = 1 if X[i] @ self.weight + self.bias >= 0 else 0
                update = self.lr * (y[i] - predicted)
                if update != 0:
                    self.weight = self.weight + update * X[i]
                    self.bias += float(update)
                    mistakes += 1
            self.errors_.append(mistakes)
            if mistakes == 0:
                break
        return self.errors_

    def __repr__(self) -> str:
        return f"Perceptron(n_features={self.n_features}, lr={self.lr})"
