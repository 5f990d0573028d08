"""Optimizers in NumPy with ``torch.optim``'s names, hyperparameters and algorithms."""

from dlbook.np.optim.optimizer import Optimizer
from dlbook.np.optim.sgd import SGD

__all__ = ["Optimizer", "SGD"]
