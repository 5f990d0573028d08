"""Tests of dlbook.viz: every figure builds with the Agg backend and draws what it should."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402

from dlbook.data import circles, load_digits  # noqa: E402
from dlbook.history import History  # noqa: E402
from dlbook.metrics import confusion_matrix  # noqa: E402
from dlbook.viz import (  # noqa: E402
    decision_grid,
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_training_curves,
    show_images,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _inner(points):
    return (np.hypot(points[:, 0], points[:, 1]) < 0.75).astype(np.int64)


def test_decision_grid_is_100_by_100_and_covers_the_data():
    X, _ = circles()
    xx, yy, points = decision_grid(X)
    assert xx.shape == yy.shape == (100, 100)
    assert points.shape == (10_000, 2) and points.dtype == X.dtype
    assert xx.min() < X[:, 0].min() and xx.max() > X[:, 0].max()
    assert yy.min() < X[:, 1].min() and yy.max() > X[:, 1].max()
    np.testing.assert_array_equal(points[:, 0], xx.ravel())


def test_decision_boundary_evaluates_the_grid_and_draws_regions_and_points():
    X, y = circles()
    calls = []

    def model(points):
        calls.append(points.shape)
        return _inner(points)

    ax = plot_decision_boundary(model, X, y, title="two circles")
    assert calls == [(10_000, 2)]
    assert ax.get_title() == "two circles"
    scatter = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatter) == 1 and scatter[0].get_offsets().shape == (300, 2)
    assert len(ax.collections) >= 2  # the filled contour regions, then the points


@pytest.mark.parametrize(
    "output",
    [
        lambda p: np.stack([1 - _inner(p), _inner(p)], axis=1).astype(float),  # (M, 2) scores
        lambda p: _inner(p).astype(float),  # probability of class 1
        lambda p: _inner(p)[:, None].astype(float),  # (M, 1) probability
    ],
)
def test_decision_boundary_accepts_scores_and_probabilities(output):
    X, y = circles()
    fig, ax = plt.subplots()
    assert plot_decision_boundary(output, X, y, ax=ax, grid_size=20) is ax


def test_decision_boundary_with_a_scikit_learn_classifier():
    from sklearn.linear_model import LogisticRegression

    X, y = circles()
    plot_decision_boundary(LogisticRegression().fit(X, y), X, y)


def test_decision_boundary_bad_input():
    X, y = circles()
    with pytest.raises(ValueError, match=r"plot_decision_boundary: expected X of shape \(N, 2\), "
                                         r"got \(300, 3\)"):
        plot_decision_boundary(_inner, np.c_[X, X[:, 0]], y)
    with pytest.raises(ValueError, match=r"plot_decision_boundary: expected the model to return "
                                         r"shape \(10000,\) or \(10000, C\)"):
        plot_decision_boundary(lambda p: np.zeros(3), X, y)
    with pytest.raises(TypeError, match=r"plot_decision_boundary: expected a function"):
        plot_decision_boundary(42, X, y)
    with pytest.raises(ValueError, match=r"decision_grid: expected grid_size >= 1, got 0"):
        decision_grid(X, grid_size=0)


def _history():
    history = History()
    for epoch in range(5):
        history.log_epoch(train_loss=1 / (epoch + 1), val_loss=1.2 / (epoch + 1),
                          train_acc=epoch / 5, val_acc=epoch / 6, lr=0.1)
    return history


def test_training_curves_one_panel_per_metric():
    fig = plot_training_curves(_history(), metrics=("loss", "acc", "lr"))
    loss_ax, acc_ax, lr_ax = fig.axes
    assert [line.get_label() for line in loss_ax.lines] == ["training", "validation"]
    np.testing.assert_array_equal(loss_ax.lines[0].get_xdata(), [1, 2, 3, 4, 5])
    assert len(acc_ax.lines) == 2 and len(lr_ax.lines) == 1
    fig, ax = plt.subplots()
    assert plot_training_curves(_history().as_dict(), ax=ax) is fig


def test_training_curves_bad_input():
    with pytest.raises(ValueError, match=r"plot_training_curves: no metric 'f1' \(nor "
                                         r"train_/val_f1\) in the history"):
        plot_training_curves(_history(), metrics=("f1",))
    with pytest.raises(TypeError, match=r"plot_training_curves: expected a History"):
        plot_training_curves([1.0, 0.5])


def test_confusion_matrix_plot_has_counts_and_labels():
    cm = confusion_matrix([0, 1, 2, 2], [0, 2, 2, 2])
    ax = plot_confusion_matrix(cm, class_names=["a", "b", "c"])
    assert any(isinstance(image, AxesImage) for image in ax.images)
    assert sorted(text.get_text() for text in ax.texts) == sorted(["1", "0", "0", "0", "0", "1",
                                                                   "0", "0", "2"])
    assert [label.get_text() for label in ax.get_xticklabels()] == ["a", "b", "c"]
    assert ax.get_ylabel() == "true class"
    with pytest.raises(ValueError, match=r"plot_confusion_matrix: expected a square cm, got "
                                         r"shape \(2, 3\)"):
        plot_confusion_matrix(np.zeros((2, 3), dtype=int))


def test_show_images_titles_and_mistakes_in_red():
    X, y = load_digits()
    predictions = y[:10].copy()
    predictions[3] = (predictions[3] + 1) % 10
    fig = show_images(X[:10], y[:10], predictions, ncols=4)
    assert len(fig.axes) == 12  # 3 rows of 4, two left empty
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 10 and shown[0].images[0].get_array().shape == (8, 8)
    assert shown[3].get_title() == f"true {y[3]}\npred {predictions[3]}"
    assert shown[3].title.get_color() == "red" and shown[2].title.get_color() == "black"


def test_show_images_shapes_and_errors():
    images, _ = load_digits(flatten=False)
    assert len(show_images(images[:3]).axes) == 3
    assert len(show_images(images[:2, None]).axes) == 2  # channel-first
    with pytest.raises(ValueError, match=r"show_images: flattened images must have a square "
                                         r"number of pixels, got 63"):
        show_images(np.zeros((2, 63)))
    with pytest.raises(ValueError, match=r"show_images: expected 3 labels, got 2"):
        show_images(images[:3], labels=[0, 1])


def test_book_style_sets_readable_text_sizes():
    import matplotlib

    from dlbook.viz import BOOK_STYLE, MAX_FIGURE_WIDTH, use_book_style

    with matplotlib.rc_context():
        use_book_style()
        for key, value in BOOK_STYLE.items():
            assert matplotlib.rcParams[key] == value, key
        smallest = min(v for k, v in BOOK_STYLE.items() if "size" in k)
        assert smallest >= 0.8 * 16 * 72 / 672 * MAX_FIGURE_WIDTH, (smallest, MAX_FIGURE_WIDTH)
