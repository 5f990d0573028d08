"""Neural-network layers in NumPy with ``torch.nn``'s names, arguments and layouts."""

from dlbook.np.nn import functional
from dlbook.np.nn.activation import LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from dlbook.np.nn.container import Identity, Sequential
from dlbook.np.nn.linear import Linear
from dlbook.np.nn.loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss
from dlbook.np.nn.module import IncompatibleKeys, Module
from dlbook.np.nn.parameter import Parameter

__all__ = [
    "functional",
    "Parameter",
    "Module",
    "Sequential",
    "Identity",
    "IncompatibleKeys",
    "Linear",
    "ReLU",
    "LeakyReLU",
    "Sigmoid",
    "Tanh",
    "Softmax",
    "MSELoss",
    "L1Loss",
    "CrossEntropyLoss",
    "BCELoss",
    "BCEWithLogitsLoss",
]
