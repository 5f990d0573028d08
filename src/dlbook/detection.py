"""Object detection tools: box IoU, non-maximum suppression and a synthetic scene.

Boxes are rows ``(x1, y1, x2, y2)`` with ``x1 <= x2`` and ``y1 <= y2``: the corners of the
box in pixel-edge coordinates (a box covering pixel columns 3 to 7 has ``x1 = 3, x2 = 8``),
the convention of ``torchvision.ops``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from dlbook._checks import check_array, check_int, check_number, check_positive_int
from dlbook.random import resolve_rng

__all__ = ["box_area", "box_iou", "mask_iou", "nms", "Scene", "synthetic_scene", "SHAPES"]

#: The shapes :func:`synthetic_scene` draws.
SHAPES = ("square", "disc", "triangle")


def _check_boxes(boxes: Any, name: str, caller: str) -> np.ndarray:
    check_array(boxes, name, caller=caller, kind="number", shape=("N", 4),
                hint="one (x1, y1, x2, y2) row per box")
    boxes = boxes.astype(np.float64)
    if not np.isfinite(boxes).all():
        raise ValueError(f"{caller}: expected finite coordinates in {name}, got NaN or infinity")
    bad = (boxes[:, 2] < boxes[:, 0]) | (boxes[:, 3] < boxes[:, 1])
    if bad.any():
        row = int(np.argmax(bad))
        raise ValueError(f"{caller}: expected {name} with x1 <= x2 and y1 <= y2, got row {row} "
                         f"= {boxes[row].tolist()}")
    return boxes


def box_area(boxes: np.ndarray) -> np.ndarray:
    """Area ``(x2 - x1) * (y2 - y1)`` of each box, shape (N,).

    >>> box_area(np.array([[0, 0, 2, 3], [1, 1, 1, 4]]))
    array([6., 0.])

    Introduced in :doc:`/book/cnn/applications`.
    """
    boxes = _check_boxes(boxes, "boxes", "box_area")
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def box_iou(boxes1: np.ndarray, boxes2: np.ndarray) -> np.ndarray:
    r"""Intersection over union of every box in ``boxes1`` with every box in ``boxes2``.

    .. math::

        \operatorname{IoU}(A, B) = \frac{|A \cap B|}{|A \cup B|}
                                 = \frac{|A \cap B|}{|A| + |B| - |A \cap B|}

    Parameters
    ----------
    boxes1 : numpy.ndarray
        Shape (N, 4), rows ``(x1, y1, x2, y2)``.
    boxes2 : numpy.ndarray
        Shape (M, 4).

    Returns
    -------
    numpy.ndarray
        float64, shape (N, M), entries in [0, 1], as ``torchvision.ops.box_iou``, with one
        difference: where the union is empty (two zero-area boxes) torchvision divides 0 by 0
        and returns NaN, and this function returns 0.

    Examples
    --------
    >>> a = np.array([[0, 0, 2, 2]])
    >>> b = np.array([[0, 0, 2, 2], [1, 0, 3, 2], [5, 5, 6, 6]])
    >>> box_iou(a, b).round(4)  # identical, half overlapping (1/3), disjoint
    array([[1.    , 0.3333, 0.    ]])

    Introduced in :doc:`/book/cnn/applications`.
    """
    boxes1 = _check_boxes(boxes1, "boxes1", "box_iou")
    boxes2 = _check_boxes(boxes2, "boxes2", "box_iou")
    area1 = (boxes1[:, 2] - boxes1[:, 0]) * (boxes1[:, 3] - boxes1[:, 1])  # (N,)
    area2 = (boxes2[:, 2] - boxes2[:, 0]) * (boxes2[:, 3] - boxes2[:, 1])  # (M,)
    top_left = np.maximum(boxes1[:, None, :2], boxes2[None, :, :2])  # (N, M, 2)
    bottom_right = np.minimum(boxes1[:, None, 2:], boxes2[None, :, 2:])  # (N, M, 2)
    sides = np.clip(bottom_right - top_left, 0.0, None)  # disjoint boxes overlap by 0
    intersection = sides[..., 0] * sides[..., 1]  # (N, M)
    union = area1[:, None] + area2[None, :] - intersection  # (N, M)
    safe = np.where(union > 0, union, 1.0)
    return np.where(union > 0, intersection / safe, 0.0)


def mask_iou(predicted: np.ndarray, target: np.ndarray) -> float:
    """Intersection over union of two boolean masks of the same shape (segmentation's IoU).

    All pixels count together, so for a batch of masks this is the IoU of the whole set (the
    way segmentation benchmarks pool a class over images). Two empty masks give 1: nothing
    was to be found and nothing was.

    >>> a = np.array([[1, 1, 0], [0, 0, 0]], dtype=bool)
    >>> b = np.array([[0, 1, 1], [0, 0, 0]], dtype=bool)
    >>> mask_iou(a, b)  # 1 pixel in both, 3 in either
    0.3333333333333333

    Introduced in :doc:`/book/cnn/applications`.
    """
    check_array(predicted, "predicted", caller="mask_iou", kind="bool")
    check_array(target, "target", caller="mask_iou", kind="bool", shape=predicted.shape,
                hint="the shape of predicted")
    union = np.logical_or(predicted, target).sum()
    return 1.0 if union == 0 else float(np.logical_and(predicted, target).sum() / union)


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Greedy non-maximum suppression: keep the best box, drop its near-duplicates, repeat.

    Boxes are visited by decreasing score (ties in their original order); a box is kept
    unless it overlaps an already kept box with IoU *greater than* ``iou_threshold``, the rule
    of ``torchvision.ops.nms``. All classes are treated as one (run it per class for a
    multi-class detector). As torchvision's, the memory used grows linearly with the number
    of boxes: each kept box is compared only with the boxes below it still in play.

    Parameters
    ----------
    boxes : numpy.ndarray
        Shape (N, 4), rows ``(x1, y1, x2, y2)``.
    scores : numpy.ndarray
        Shape (N,), the detector's confidence in each box.
    iou_threshold : float
        In [0, 1]; lower suppresses more.

    Returns
    -------
    numpy.ndarray
        int64 indices of the kept boxes, sorted by decreasing score.

    Examples
    --------
    >>> boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [0, 0, 10, 9]])
    >>> scores = np.array([0.9, 0.8, 0.7, 0.95])
    >>> nms(boxes, scores, iou_threshold=0.5)
    array([3, 2])

    Introduced in :doc:`/book/cnn/applications`.
    """
    boxes = _check_boxes(boxes, "boxes", "nms")
    check_array(scores, "scores", caller="nms", kind="number", shape=(boxes.shape[0],),
                hint="one score per box")
    scores = scores.astype(np.float64)  # also keeps -scores right for unsigned integers
    if np.isnan(scores).any():
        raise ValueError(f"nms: expected scores without NaN (a NaN has no rank), got NaN at "
                         f"index {int(np.flatnonzero(np.isnan(scores))[0])}")
    iou_threshold = check_number(iou_threshold, "iou_threshold", caller="nms", low=0.0, high=1.0)
    order = np.argsort(-scores, kind="stable")  # best first, ties by position
    ranked = boxes[order]  # (N, 4), best first
    areas = (ranked[:, 2] - ranked[:, 0]) * (ranked[:, 3] - ranked[:, 1])  # (N,)
    suppressed = np.zeros(len(boxes), dtype=bool)  # by rank
    keep = []
    # Memory linear in N, as torchvision's: each kept box is compared with the boxes ranked
    # below it that are still in play, never the whole N x N matrix (356 MB at 2,000 boxes).
    for rank in range(len(boxes)):
        if suppressed[rank]:
            continue
        keep.append(order[rank])
        rest = rank + 1 + np.flatnonzero(~suppressed[rank + 1:])  # (R,) ranks still in play
        if rest.size:
            overlaps = _iou_with(ranked[rank], areas[rank], ranked[rest], areas[rest])  # (R,)
            suppressed[rest[overlaps > iou_threshold]] = True
    return np.array(keep, dtype=np.int64)


def _iou_with(box: np.ndarray, area: float, others: np.ndarray,
              other_areas: np.ndarray) -> np.ndarray:
    """IoU of one box with each of ``others``: the arithmetic of :func:`box_iou`, one row."""
    top_left = np.maximum(box[None, :2], others[:, :2])  # (R, 2)
    bottom_right = np.minimum(box[None, 2:], others[:, 2:])  # (R, 2)
    sides = np.clip(bottom_right - top_left, 0.0, None)
    intersection = sides[:, 0] * sides[:, 1]  # (R,)
    union = area + other_areas - intersection  # (R,)
    safe = np.where(union > 0, union, 1.0)
    return np.where(union > 0, intersection / safe, 0.0)


class Scene(NamedTuple):
    """What :func:`synthetic_scene` returns: a named tuple with these fields.

    Parameters
    ----------
    image : numpy.ndarray
        (H, W) float64 grey image: shapes of brightness 1 on a dark background, plus noise.
    mask : numpy.ndarray
        (H, W) int64: 0 for background, ``k + 1`` on the pixels of object ``k``.
    gt_boxes : numpy.ndarray
        (K, 4) float64 ground-truth boxes, tight around each object's pixels.
    gt_kinds : tuple of str
        The shape of each object, one of :data:`SHAPES`.
    boxes : numpy.ndarray
        (M, 4) candidate boxes, like a detector's raw output before suppression.
    scores : numpy.ndarray
        (M,) confidence of each candidate.
    sources : numpy.ndarray
        (M,) int64: the object a candidate was drawn around, or -1 for a false alarm.

    Introduced in :doc:`/book/cnn/applications`.
    """

    image: np.ndarray
    mask: np.ndarray
    gt_boxes: np.ndarray
    gt_kinds: tuple[str, ...]
    boxes: np.ndarray
    scores: np.ndarray
    sources: np.ndarray


def _draw(kind: str, size: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Boolean pixels of a shape of side ``size`` in a (size, size) patch."""
    centre = (size - 1) / 2
    if kind == "square":
        return np.ones((size, size), dtype=bool)
    if kind == "disc":
        return (rows - centre) ** 2 + (cols - centre) ** 2 <= (size / 2) ** 2
    return np.abs(cols - centre) <= rows / 2  # a triangle with its apex on top


def synthetic_scene(
    num_objects: int = 4,
    canvas_size: int = 96,
    candidates_per_object: int = 6,
    num_false: int = 4,
    jitter: float = 0.08,
    noise: float = 0.1,
    min_size: int = 12,
    max_size: int = 28,
    rng: np.random.Generator | int | None = None,
) -> Scene:
    """A canvas with a few shapes, their true boxes and noisy scored candidate boxes.

    Each object is a square, a disc or a triangle whose box does not touch any other's. Around
    each object ``candidates_per_object`` candidate boxes are drawn by shifting the true box by
    ``jitter`` times its size and rescaling it by a factor ``exp(jitter * z)``; a candidate's
    score is ``0.5 + 0.45 * IoU(candidate, true box)`` plus a little noise, so better boxes
    tend to score higher, as from a trained detector. ``num_false`` boxes placed anywhere get
    low scores (false alarms). This is the raw output non-maximum suppression cleans up.

    Parameters
    ----------
    num_objects, canvas_size, candidates_per_object, num_false
        Counts and the side of the square canvas in pixels.
    jitter
        Spread of the candidates around each true box (0 gives exact copies).
    noise
        Standard deviation of the Gaussian pixel noise.
    min_size, max_size
        Range of object sides in pixels.
    rng
        ``None`` (global generator), an int seed or a ``numpy.random.Generator``.

    Returns
    -------
    Scene

    Examples
    --------
    >>> scene = synthetic_scene(num_objects=3, rng=4)
    >>> scene.image.shape, scene.gt_boxes.shape, scene.boxes.shape, scene.gt_kinds
    ((96, 96), (3, 4), (22, 4), ('disc', 'square', 'triangle'))

    Introduced in :doc:`/book/cnn/applications`.
    """
    caller = "synthetic_scene"
    num_objects = check_int(num_objects, "num_objects", caller=caller, minimum=0)
    canvas_size = check_positive_int(canvas_size, "canvas_size", caller=caller)
    per_object = check_int(candidates_per_object, "candidates_per_object", caller=caller,
                           minimum=0)
    num_false = check_int(num_false, "num_false", caller=caller, minimum=0)
    jitter = check_number(jitter, "jitter", caller=caller, low=0.0)
    noise = check_number(noise, "noise", caller=caller, low=0.0)
    min_size = check_positive_int(min_size, "min_size", caller=caller)
    max_size = check_positive_int(max_size, "max_size", caller=caller)
    if not min_size <= max_size <= canvas_size:
        raise ValueError(f"{caller}: expected min_size <= max_size <= canvas_size, got "
                         f"{min_size}, {max_size}, {canvas_size}")
    generator = resolve_rng(rng, caller=caller)
    for _ in range(50):  # a few unlucky first placements can block the canvas: start again
        placed = _place_objects(num_objects, canvas_size, min_size, max_size, generator)
        if placed is not None:
            break
    else:
        raise ValueError(f"{caller}: could not place {num_objects} objects of size "
                         f"{min_size}-{max_size} on a {canvas_size}-pixel canvas; use fewer "
                         f"or smaller objects or a larger canvas")
    mask, gt_boxes, kinds = placed
    image = (mask > 0).astype(np.float64) + noise * generator.standard_normal(mask.shape)
    truth = np.array(gt_boxes, dtype=np.float64).reshape(-1, 4)
    boxes, scores, sources = [], [], []
    for k, (x1, y1, x2, y2) in enumerate(truth):
        width, height = x2 - x1, y2 - y1
        centre = np.array([(x1 + x2) / 2, (y1 + y2) / 2])
        for _ in range(per_object):
            shift = centre + jitter * np.array([width, height]) * generator.standard_normal(2)
            scale = np.exp(jitter * generator.standard_normal(2)) * np.array([width, height])
            candidate = np.concatenate([shift - scale / 2, shift + scale / 2])
            overlap = box_iou(candidate[None], truth[k:k + 1])[0, 0]
            boxes.append(candidate)
            scores.append(0.5 + 0.45 * overlap + 0.03 * generator.standard_normal())
            sources.append(k)
    for _ in range(num_false):
        size = generator.uniform(min_size, max_size, size=2)
        corner = generator.uniform(0, canvas_size - size)
        boxes.append(np.concatenate([corner, corner + size]))
        scores.append(generator.uniform(0.05, 0.45))
        sources.append(-1)
    return Scene(image=image, mask=mask, gt_boxes=truth, gt_kinds=tuple(kinds),
                 boxes=np.array(boxes, dtype=np.float64).reshape(-1, 4),
                 scores=np.clip(np.array(scores, dtype=np.float64), 0.0, 1.0),
                 sources=np.array(sources, dtype=np.int64))


def _place_objects(num_objects: int, canvas_size: int, min_size: int, max_size: int,
                   generator: np.random.Generator) -> tuple | None:
    """Draw shapes at random free places; ``None`` if the canvas fills up first."""
    mask = np.zeros((canvas_size, canvas_size), dtype=np.int64)
    gt_boxes: list[list[float]] = []
    kinds: list[str] = []
    for _ in range(50 * (num_objects + 1)):
        if len(gt_boxes) == num_objects:
            break
        size = int(generator.integers(min_size, max_size + 1))
        top, left = (int(v) for v in generator.integers(0, canvas_size - size + 1, size=2))
        box = [left, top, left + size, top + size]
        if gt_boxes and _touching(box, gt_boxes):
            continue
        kind = SHAPES[int(generator.integers(len(SHAPES)))]
        rows, cols = np.mgrid[0:size, 0:size]
        pixels = _draw(kind, size, rows, cols)
        mask[top:top + size, left:left + size][pixels] = len(gt_boxes) + 1
        ys, xs = np.nonzero(pixels)
        gt_boxes.append([left + xs.min(), top + ys.min(), left + xs.max() + 1,
                         top + ys.max() + 1])
        kinds.append(kind)
    if len(gt_boxes) < num_objects:
        return None
    return mask, gt_boxes, kinds


def _touching(box: list[int], others: list[list[float]], margin: int = 2) -> bool:
    """Whether ``box``, grown by ``margin`` pixels on every side, overlaps any of ``others``."""
    grown = np.array([[box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin]])
    return bool(box_iou(grown, np.array(others, dtype=np.float64)).max() > 0)
