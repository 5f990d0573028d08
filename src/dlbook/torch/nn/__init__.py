"""Layers written from torch operations, with the names and parameters of :mod:`torch.nn`."""

from dlbook.torch.nn.conv import Conv2d
from dlbook.torch.nn.dropout import Dropout
from dlbook.torch.nn.embedding import Embedding
from dlbook.torch.nn.flatten import Flatten
from dlbook.torch.nn.linear import Linear
from dlbook.torch.nn.loss import FocalLoss
from dlbook.torch.nn.normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from dlbook.torch.nn.penalties import l1_penalty, l2_penalty
from dlbook.torch.nn.pooling import AvgPool2d, MaxPool2d
from dlbook.torch.nn.rnn import GRU, LSTM, RNN
from dlbook.torch.nn.rnn_cell import GRUCell, LSTMCell, RNNCell

__all__ = ["Linear", "Conv2d", "MaxPool2d", "AvgPool2d", "Flatten", "Dropout",
           "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Embedding",
           "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell", "FocalLoss",
           "l1_penalty", "l2_penalty"]
