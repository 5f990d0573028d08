"""Optimizers in NumPy with ``torch.optim``'s names, hyperparameters and algorithms."""

from dlbook.np.optim import lr_scheduler
from dlbook.np.optim.adagrad import Adagrad
from dlbook.np.optim.adam import Adam
from dlbook.np.optim.adamax import Adamax
from dlbook.np.optim.adamw import AdamW
from dlbook.np.optim.optimizer import Optimizer
from dlbook.np.optim.radam import RAdam
from dlbook.np.optim.rmsprop import RMSprop
from dlbook.np.optim.sgd import SGD

__all__ = [
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "lr_scheduler",
]
