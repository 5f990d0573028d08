"""The figures the chapters draw: decision boundaries, training curves, confusion matrices, images.

Matplotlib is imported inside each function, so ``import dlbook`` works without it (it comes
with the ``book`` and ``viz`` extras). Functions that draw one panel take an optional ``ax`` and
return the :class:`~matplotlib.axes.Axes`; functions that draw several panels return the
:class:`~matplotlib.figure.Figure`. Nothing calls ``plt.show()``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from dlbook._axes import new_axes
from dlbook._checks import check_array, check_number, check_positive_int, type_name
from dlbook.viz_trajectories import plot_trajectories  # noqa: F401  (re-exported)

CLASS_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def decision_grid(
    X: np.ndarray, grid_size: int = 100, margin: float = 0.1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A regular grid of points covering 2-D data, to evaluate a classifier everywhere.

    Parameters
    ----------
    X
        Data of shape (N, 2); the grid spans its bounding box.
    grid_size
        Points along each axis; the grid has ``grid_size ** 2`` points.
    margin
        Extra room on every side, as a fraction of the data's range along that axis.

    Returns
    -------
    xx, yy : numpy.ndarray
        Coordinates of shape (grid_size, grid_size), as from :func:`numpy.meshgrid`.
    points : numpy.ndarray
        The same points as rows, shape (grid_size ** 2, 2), of ``X``'s dtype.

    Examples
    --------
    >>> xx, yy, points = decision_grid(np.array([[0.0, 0.0], [1.0, 2.0]]), grid_size=100)
    >>> xx.shape, points.shape
    ((100, 100), (10000, 2))
    >>> float(xx.min()), float(xx.max()), float(yy.max())
    (-0.1, 1.1, 2.2)

    Introduced in :doc:`/book/foundations/circles`.
    """
    check_array(X, "X", caller="decision_grid", kind="number", shape=("N", 2))
    grid_size = check_positive_int(grid_size, "grid_size", caller="decision_grid")
    margin = check_number(margin, "margin", caller="decision_grid", low=0.0)
    if X.shape[0] == 0:
        raise ValueError("decision_grid: expected at least one point in X, got shape (0, 2)")
    low, high = X.min(axis=0).astype(np.float64), X.max(axis=0).astype(np.float64)
    pad = margin * np.where(high > low, high - low, 1.0)  # a flat axis still gets some room
    xs = np.linspace(low[0] - pad[0], high[0] + pad[0], grid_size)
    ys = np.linspace(low[1] - pad[1], high[1] + pad[1], grid_size)
    xx, yy = np.meshgrid(xs, ys)  # (grid_size, grid_size) each
    dtype = X.dtype if X.dtype.kind == "f" else np.float64
    points = np.column_stack([xx.ravel(), yy.ravel()]).astype(dtype)  # (grid_size**2, 2)
    return xx, yy, points


def _predict_classes(model: Any, points: np.ndarray) -> np.ndarray:
    """Class labels (M,) from a classifier or a function of an (M, 2) array."""
    if hasattr(model, "predict_proba"):  # a scikit-learn classifier
        out = model.predict_proba(points)
    elif callable(model):
        out = model(points)
    else:
        raise TypeError(
            "plot_decision_boundary: expected a function of an (M, 2) array or an object with "
            f"predict_proba, got {type_name(model)}"
        )
    if hasattr(out, "detach"):  # a torch tensor
        out = out.detach().cpu().numpy()
    out = np.asarray(out)
    if out.ndim == 2 and out.shape[1] == 1:
        out = out[:, 0]
    if out.shape[0] != points.shape[0] or out.ndim not in (1, 2):
        raise ValueError(
            f"plot_decision_boundary: expected the model to return shape ({points.shape[0]},) or "
            f"({points.shape[0]}, C) for {points.shape[0]} points, got {out.shape}"
        )
    if out.ndim == 2:
        return out.argmax(axis=1)  # scores or probabilities -> class
    if out.dtype.kind in "iub":
        return out.astype(np.int64)
    return (out >= 0.5).astype(np.int64)  # probability of class 1


def plot_decision_boundary(
    model: Any,
    X: np.ndarray,
    y: np.ndarray,
    *,
    ax: Any = None,
    grid_size: int = 100,
    title: str | None = None,
    margin: float = 0.1,
) -> Any:
    """Colour the plane by the class a classifier predicts there, and draw the data on top.

    Parameters
    ----------
    model
        A scikit-learn classifier (its ``predict_proba`` is used) or a function mapping an
        (M, 2) array to class scores (M, C) (argmax), to labels (M,) of an integer dtype, or to
        probabilities of class 1 (M,) or (M, 1) (threshold 0.5). A dlbook NumPy network that
        returns logits qualifies as it is. The grid is passed in ``X``'s dtype.
    X, y
        The data: points (N, 2) and integer labels (N,).
    ax
        Axes to draw on; a new figure by default.
    grid_size
        The classifier is evaluated on a ``grid_size`` x ``grid_size`` grid (10,000 points by
        default), see :func:`decision_grid`.
    title
        Axes title.
    margin
        Room around the data, as a fraction of its range.

    Returns
    -------
    matplotlib.axes.Axes

    Introduced in :doc:`/book/foundations/circles`.
    """
    from matplotlib.colors import ListedColormap

    caller = "plot_decision_boundary"
    check_array(X, "X", caller=caller, kind="number", shape=("N", 2))
    check_array(y, "y", caller=caller, kind="int", shape=(X.shape[0],))
    xx, yy, points = decision_grid(X, grid_size=grid_size, margin=margin)
    regions = _predict_classes(model, points).reshape(xx.shape)  # (grid_size, grid_size)
    num_classes = int(max(regions.max(), y.max(), 1)) + 1
    if num_classes > len(CLASS_COLORS):
        raise ValueError(
            f"{caller}: expected at most {len(CLASS_COLORS)} classes, got {num_classes}"
        )
    cmap = ListedColormap(CLASS_COLORS[:num_classes])
    ax = new_axes(ax)
    levels = np.arange(num_classes + 1) - 0.5  # one band per class, centred on its label
    ax.contourf(xx, yy, regions, levels=levels, cmap=cmap, alpha=0.3)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap=cmap, vmin=-0.5, vmax=num_classes - 0.5,
               s=16, edgecolors="k", linewidths=0.4)
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title is not None:
        ax.set_title(title)
    return ax


def plot_training_curves(
    history: Any, *, metrics: Sequence[str] = ("loss",), ax: Any = None
) -> Any:
    """Plot training and validation curves against the epoch, one panel per metric.

    Parameters
    ----------
    history
        A :class:`dlbook.history.History` or a dict of per-epoch lists (``as_dict()``).
    metrics
        Base names: ``"loss"`` draws ``train_loss`` and ``val_loss`` (whichever exist);
        a name recorded as it is (``"lr"``) is drawn alone.
    ax
        One Axes (one metric) or a sequence of Axes (one per metric); new ones by default.

    Returns
    -------
    matplotlib.figure.Figure

    Introduced in :doc:`/book/foundations/digits`.
    """
    caller = "plot_training_curves"
    columns = history.as_dict() if hasattr(history, "as_dict") else history
    if not isinstance(columns, Mapping):
        raise TypeError(f"{caller}: expected a History or a dict of lists, got "
                        f"{type_name(history)}")
    if isinstance(metrics, str):
        metrics = (metrics,)
    if len(metrics) == 0:
        raise ValueError(f"{caller}: expected at least one metric, got none")
    if ax is None:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, len(metrics), figsize=(4.5 * len(metrics), 3.5),
                                 layout="constrained", squeeze=False)
        axes = list(axes[0])
    else:
        axes = list(ax) if isinstance(ax, (Sequence, np.ndarray)) else [ax]
        if len(axes) != len(metrics):
            raise ValueError(f"{caller}: got {len(axes)} Axes for {len(metrics)} metrics")
        fig = axes[0].figure
    for metric, axis in zip(metrics, axes, strict=True):
        names = [f"{split}_{metric}" for split in ("train", "val")]
        names = [name for name in names if name in columns]
        if not names and metric in columns:
            names = [metric]
        if not names:
            recorded = sorted(k for k in columns if k != "epoch")
            raise ValueError(f"{caller}: no metric {metric!r} (nor train_/val_{metric}) in the "
                             f"history; recorded: {recorded}")
        epochs = columns.get("epoch") or list(range(1, len(columns[names[0]]) + 1))
        for name in names:
            label = {"train": "training", "val": "validation"}.get(name.split("_")[0], name)
            axis.plot(epochs, columns[name], marker="o", markersize=3,
                      label=label if name != metric else name)
        axis.set_xlabel("epoch")
        axis.set_ylabel(metric)
        axis.legend()
    return fig


def plot_confusion_matrix(
    cm: np.ndarray, *, ax: Any = None, class_names: Sequence[str] | None = None,
    cmap: str = "Blues",
) -> Any:
    """Draw a confusion matrix (rows = true class, columns = predicted class) with its counts.

    Parameters
    ----------
    cm
        Square array from :func:`dlbook.metrics.confusion_matrix`.
    ax
        Axes to draw on; a new figure by default.
    class_names
        Tick labels, one per class; ``0, 1, ...`` by default.
    cmap
        Matplotlib colormap name.

    Returns
    -------
    matplotlib.axes.Axes

    Introduced in :doc:`/book/foundations/digits`.
    """
    caller = "plot_confusion_matrix"
    check_array(cm, "cm", caller=caller, kind="number", ndim=2)
    if cm.shape[0] != cm.shape[1]:
        raise ValueError(f"{caller}: expected a square cm, got shape {cm.shape}")
    num_classes = cm.shape[0]
    names = [str(k) for k in range(num_classes)] if class_names is None else list(class_names)
    if len(names) != num_classes:
        raise ValueError(f"{caller}: expected {num_classes} class_names, got {len(names)}")
    ax = new_axes(ax, figsize=(0.5 * num_classes + 2.5, 0.5 * num_classes + 2.0))
    image = ax.imshow(cm, cmap=cmap)
    threshold = (cm.max() + cm.min()) / 2
    for row in range(num_classes):
        for col in range(num_classes):
            value = cm[row, col]
            text = f"{value:d}" if cm.dtype.kind in "iu" else f"{value:.2f}"
            ax.text(col, row, text, ha="center", va="center", fontsize=8,
                    color="white" if value > threshold else "black")
    ax.set_xticks(range(num_classes), names)
    ax.set_yticks(range(num_classes), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.figure.colorbar(image, ax=ax, shrink=0.8)
    return ax


def show_images(
    images: np.ndarray,
    labels: Sequence[int] | np.ndarray | None = None,
    predictions: Sequence[int] | np.ndarray | None = None,
    *,
    ncols: int = 8,
    cmap: str = "gray_r",
    fig: Any = None,
    class_names: Sequence[str] | None = None,
) -> Any:
    """Show a grid of images, titled with their labels and (in red when wrong) predictions.

    Parameters
    ----------
    images
        (N, H, W) grayscale, (N, H, W, 3) colour, (N, 1, H, W) channel-first, or (N, D) with
        ``D`` a perfect square (flattened square images, as :func:`dlbook.data.load_digits`
        returns by default).
    labels, predictions
        Optional true and predicted classes, one per image.
    ncols
        Images per row.
    cmap
        Colormap for grayscale images (``"gray_r"``: dark ink on white paper).
    fig
        A figure to draw into; a new one by default.
    class_names
        Names to show instead of class numbers.

    Returns
    -------
    matplotlib.figure.Figure

    Introduced in :doc:`/book/foundations/digits`.
    """
    caller = "show_images"
    check_array(images, "images", caller=caller, kind="number", ndim=(2, 3, 4))
    ncols = check_positive_int(ncols, "ncols", caller=caller)
    count = images.shape[0]
    if count == 0:
        raise ValueError(f"{caller}: expected at least one image, got shape {images.shape}")
    if images.ndim == 2:
        side = math.isqrt(images.shape[1])
        if side * side != images.shape[1]:
            raise ValueError(f"{caller}: flattened images must have a square number of pixels, "
                             f"got {images.shape[1]}")
        images = images.reshape(count, side, side)
    elif images.ndim == 4 and images.shape[1] == 1:
        images = images[:, 0]
    elif images.ndim == 4 and images.shape[-1] not in (3, 4):
        raise ValueError(f"{caller}: expected (N, H, W, 3) or (N, 1, H, W) colour images, got "
                         f"{images.shape}")
    for name, values in (("labels", labels), ("predictions", predictions)):
        if values is not None and len(values) != count:
            raise ValueError(f"{caller}: expected {count} {name}, got {len(values)}")

    def name_of(k: Any) -> str:
        return str(int(k)) if class_names is None else str(class_names[int(k)])

    ncols = min(ncols, count)
    nrows = math.ceil(count / ncols)
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(1.2 * ncols, 1.35 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for index, axis in enumerate(axes.ravel()):
        axis.set_axis_off()
        if index >= count:
            continue
        axis.imshow(images[index], cmap=cmap if images.ndim == 3 else None)
        parts = []
        if labels is not None:
            parts.append(f"true {name_of(labels[index])}")
        wrong = False
        if predictions is not None:
            parts.append(f"pred {name_of(predictions[index])}")
            wrong = labels is not None and int(predictions[index]) != int(labels[index])
        if parts:
            axis.set_title("\n".join(parts), fontsize=8, color="red" if wrong else "black")
    return fig

#: The book's figure style. The page shows a figure at most 672 px wide (sphinx-book-theme's
#: content column) beside 16 px body text, so a figure W inches wide needs fonts of at least
#: 0.8 * 16 * 72 / 672 * W, about 1.37 * W points, for its text to be 80% of the body text:
#: 12 points keeps every figure up to MAX_FIGURE_WIDTH inches readable.
BOOK_STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 12,
    "axes.titlesize": 12,
    "axes.labelsize": 12,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
}

#: The widest figure, in inches, that :data:`BOOK_STYLE`'s text sizes keep readable.
MAX_FIGURE_WIDTH = 8.75


def use_book_style() -> None:
    """Set matplotlib's text sizes and resolution to the book's figure style, :data:`BOOK_STYLE`.

    Chapters call it once in their set-up cell and keep figures at most
    :data:`MAX_FIGURE_WIDTH` inches wide, so axis text stays readable at the page's width.

    Introduced in :doc:`/book/sequences/sequences-as-tensors`.
    """
    import matplotlib

    matplotlib.rcParams.update(BOOK_STYLE)

