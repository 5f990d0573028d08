"""Deep learning in PyTorch: layers from torch operations, ready-made models, a training loop.

Nothing here assumes a device: :func:`default_device` picks CUDA, then MPS, then the CPU
(``DLBOOK_DEVICE`` forces one), and tensors are created where their inputs live.
"""

from dlbook.torch import nn
from dlbook.torch.device import default_device, to_tensor
from dlbook.torch.models import MLP
from dlbook.torch.train import evaluate, fit, predict

__all__ = ["MLP", "default_device", "evaluate", "fit", "nn", "predict", "to_tensor"]
