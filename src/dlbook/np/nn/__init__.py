"""Neural-network layers in NumPy with ``torch.nn``'s names, arguments and layouts."""

from dlbook.np.nn import functional, init, penalties, utils
from dlbook.np.nn.activation import LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from dlbook.np.nn.container import Identity, Sequential
from dlbook.np.nn.conv import Conv2d
from dlbook.np.nn.dropout import Dropout
from dlbook.np.nn.embedding import Embedding
from dlbook.np.nn.flatten import Flatten
from dlbook.np.nn.linear import Linear
from dlbook.np.nn.loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss
from dlbook.np.nn.module import IncompatibleKeys, Module
from dlbook.np.nn.normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from dlbook.np.nn.parameter import Parameter
from dlbook.np.nn.penalties import l1_penalty, l2_penalty
from dlbook.np.nn.pooling import AvgPool2d, MaxPool2d
from dlbook.np.nn.rnn import GRU, LSTM, RNN
from dlbook.np.nn.rnn_base import RNNBase
from dlbook.np.nn.rnn_cell import GRUCell, LSTMCell, RNNCell, RNNCellBase

__all__ = [
    "RNNBase",
    "RNNCellBase",
    "functional",
    "utils",
    "Parameter",
    "Module",
    "Sequential",
    "Identity",
    "IncompatibleKeys",
    "Linear",
    "Conv2d",
    "MaxPool2d",
    "AvgPool2d",
    "Flatten",
    "Dropout",
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
    "RNN",
    "LSTM",
    "GRU",
    "RNNCell",
    "LSTMCell",
    "GRUCell",
    "Embedding",
    "init",
    "penalties",
    "BatchNorm1d",
    "BatchNorm2d",
    "LayerNorm",
    "l1_penalty",
    "l2_penalty",
]
