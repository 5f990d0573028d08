"""Hypothesis strategies shared by the convolution and pooling tests: valid 2-D geometries."""

from __future__ import annotations

from hypothesis import strategies as st


@st.composite
def geometry(draw, max_kernel: int = 4, max_dilation: int = 2, pool: bool = False) -> dict:
    """A kernel, stride, padding, dilation and an input that fits.

    Pass ``pool=True`` for pooling (padding at most half the kernel) and ``max_dilation=1``
    for average pooling, which has no dilation.

    Non-square kernels and inputs, odd sizes, stride above 1 and batch of 1 all occur.
    """
    kernel = (draw(st.integers(1, max_kernel)), draw(st.integers(1, max_kernel)))
    dilation = (draw(st.integers(1, max_dilation)), draw(st.integers(1, max_dilation)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    extent = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
    # Up to half the kernel: torch's limit for pooling (half the effective kernel otherwise).
    limit = kernel if pool else extent
    padding = (draw(st.integers(0, limit[0] // 2)), draw(st.integers(0, limit[1] // 2)))
    size = tuple(max(1, e - 2 * p) + draw(st.integers(0, 5))
                 for e, p in zip(extent, padding, strict=True))
    return {
        "batch": draw(st.integers(1, 3)),
        "channels": draw(st.integers(1, 3)),
        "size": size,
        "kernel_size": kernel,
        "stride": stride,
        "padding": padding,
        "dilation": dilation,
    }


def maybe_int(pair: tuple[int, int]):
    """The pair, or its single value when both are equal (exercises the int form too)."""
    return pair[0] if pair[0] == pair[1] else pair


def hyperparameters(g: dict, *names: str) -> dict:
    """The entries ``names`` of a geometry drawn by :func:`geometry`, as keyword arguments."""
    return {name: g[name] for name in names}
