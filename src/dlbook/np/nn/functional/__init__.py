"""The functional core of ``dlbook.np.nn``: forward and backward passes as plain functions.

``*_forward(...)`` returns ``(out, cache)`` and ``*_backward(grad_output, cache)`` returns
the gradients (the CS231n convention); the modules in :mod:`dlbook.np.nn` are thin
wrappers that keep the cache between the two calls. Plain functions (``relu``,
``softmax``, ``cross_entropy``, ...) mirror ``torch.nn.functional``.
"""

from dlbook.np.nn.functional.activation import *  # noqa: F403
from dlbook.np.nn.functional.activation import __all__ as _activation_all
from dlbook.np.nn.functional.conv import *  # noqa: F403
from dlbook.np.nn.functional.conv import __all__ as _conv_all
from dlbook.np.nn.functional.dropout import *  # noqa: F403
from dlbook.np.nn.functional.dropout import __all__ as _dropout_all
from dlbook.np.nn.functional.embedding import *  # noqa: F403
from dlbook.np.nn.functional.embedding import __all__ as _embedding_all
from dlbook.np.nn.functional.linear import *  # noqa: F403
from dlbook.np.nn.functional.linear import __all__ as _linear_all
from dlbook.np.nn.functional.loss import *  # noqa: F403
from dlbook.np.nn.functional.loss import __all__ as _loss_all
from dlbook.np.nn.functional.normalization import *  # noqa: F403
from dlbook.np.nn.functional.normalization import __all__ as _normalization_all
from dlbook.np.nn.functional.pooling import *  # noqa: F403
from dlbook.np.nn.functional.pooling import __all__ as _pooling_all
from dlbook.np.nn.functional.recurrent import *  # noqa: F403
from dlbook.np.nn.functional.recurrent import __all__ as _recurrent_all
from dlbook.np.nn.functional.recurrent_layer import *  # noqa: F403
from dlbook.np.nn.functional.recurrent_layer import __all__ as _recurrent_layer_all

__all__ = [*_activation_all, *_linear_all, *_loss_all, *_conv_all, *_pooling_all, *_dropout_all,
           *_embedding_all, *_recurrent_all, *_recurrent_layer_all, *_normalization_all]
