"""A fully connected layer written with torch operations, named and initialised as torch's."""

from __future__ import annotations

import math

import torch
from torch import nn

from dlbook._checks import check_positive_int, check_type
from dlbook.torch.nn._checks import check_tensor


class Linear(nn.Module):
    """Affine map ``y = x W^T + b``, a drop-in twin of :class:`torch.nn.Linear`.

    Parameters
    ----------
    in_features
        Size of each input sample.
    out_features
        Size of each output sample.
    bias
        Learn an additive bias (default ``True``).
    device, dtype
        Where and in what precision to create the parameters (torch's defaults otherwise).

    Attributes
    ----------
    weight : torch.nn.Parameter
        Shape (out_features, in_features), drawn by ``kaiming_uniform_(a=sqrt(5))``, which is
        the uniform distribution U(-1/sqrt(in_features), 1/sqrt(in_features)).
    bias : torch.nn.Parameter or None
        Shape (out_features,), drawn from U(-1/sqrt(in_features), 1/sqrt(in_features)).

    Notes
    -----
    The initialisation makes the same calls as ``torch.nn.Linear.reset_parameters``, in the
    same order, so after the same ``torch.manual_seed`` both layers hold identical weights,
    and ``load_state_dict`` works in both directions.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> layer = Linear(3, 2)
    >>> layer(torch.ones(4, 3)).shape
    torch.Size([4, 2])
    >>> _ = torch.manual_seed(0)
    >>> bool(torch.equal(layer.weight, torch.nn.Linear(3, 2).weight))
    True

    Introduced in :doc:`/book/cnn/limitations`.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        self.in_features = check_positive_int(in_features, "in_features", caller="Linear")
        self.out_features = check_positive_int(out_features, "out_features", caller="Linear")
        check_type(bias, "bias", bool, caller="Linear")
        factory = {"device": device, "dtype": dtype}
        self.weight = nn.Parameter(torch.empty(out_features, in_features, **factory))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_features, **factory))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh weights exactly as ``torch.nn.Linear`` does."""
        # kaiming_uniform_ with a = sqrt(5) has bound sqrt(6 / ((1 + a^2) fan_in)) = 1/sqrt(fan_in)
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.in_features)
            nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Apply the layer to ``input`` of shape (..., in_features)."""
        check_tensor(input, "input", caller="Linear", like=self.weight)
        if input.ndim == 0 or input.shape[-1] != self.in_features:
            raise ValueError(
                f"Linear: expected input of shape (N, {self.in_features}) (last dimension = "
                f"in_features), got {tuple(input.shape)}"
            )
        output = input @ self.weight.T  # (..., out_features)
        if self.bias is not None:
            output = output + self.bias
        return output

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")
