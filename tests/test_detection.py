"""Tests of dlbook.detection: IoU, non-maximum suppression, the synthetic scene."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dlbook.detection import SHAPES, box_area, box_iou, mask_iou, nms, synthetic_scene


def iou(a, b) -> float:
    return float(box_iou(np.array([a], dtype=float), np.array([b], dtype=float))[0, 0])


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ([0, 0, 2, 2], [0, 0, 2, 2], 1.0),  # identical
        ([0, 0, 2, 2], [3, 3, 5, 5], 0.0),  # disjoint
        ([0, 0, 2, 2], [1, 0, 3, 2], 1 / 3),  # half of each overlaps: 2 / (4 + 4 - 2)
        ([0, 0, 4, 4], [1, 1, 3, 3], 4 / 16),  # nested: the small one's area over the big one's
        ([0, 0, 2, 2], [2, 0, 4, 2], 0.0),  # touching edges: zero-area intersection
        ([0, 0, 2, 2], [2, 2, 4, 4], 0.0),  # touching corners
        ([0, 0, 2, 2], [1, 1, 1, 1], 0.0),  # a zero-area box inside a box
        ([1, 1, 1, 1], [1, 1, 1, 1], 0.0),  # two zero-area boxes: torchvision gives NaN here
        ([0, 0, 3, 1], [1, -1, 2, 2], 1 / 5),  # a cross: 1 / (3 + 3 - 1)
    ],
)
def test_iou_of_cases_worked_out_by_hand(a, b, expected):
    assert iou(a, b) == pytest.approx(expected, abs=1e-15)
    assert iou(b, a) == pytest.approx(expected, abs=1e-15)


def test_pairwise_matrix_shape_and_integer_boxes():
    a = np.array([[0, 0, 2, 2], [0, 0, 1, 1]])
    b = np.array([[0, 0, 2, 2], [1, 0, 3, 2], [5, 5, 6, 6]])
    result = box_iou(a, b)
    assert result.shape == (2, 3) and result.dtype == np.float64
    np.testing.assert_allclose(result, [[1, 1 / 3, 0], [1 / 4, 0, 0]])
    assert box_iou(np.zeros((0, 4)), b).shape == (0, 3)
    np.testing.assert_array_equal(box_area(a), [4.0, 1.0])


box_rows = arrays(np.float64, st.tuples(st.integers(1, 5), st.just(4)),
                  elements=st.floats(-50, 50, allow_nan=False))


def _as_boxes(raw: np.ndarray) -> np.ndarray:
    return np.concatenate([np.minimum(raw[:, :2], raw[:, 2:]), np.maximum(raw[:, :2], raw[:, 2:])],
                          axis=1)


@settings(max_examples=25, deadline=None)
@given(raw1=box_rows, raw2=box_rows)
def test_iou_is_symmetric_and_in_the_unit_interval(raw1, raw2):
    boxes1, boxes2 = _as_boxes(raw1), _as_boxes(raw2)
    forward, backward = box_iou(boxes1, boxes2), box_iou(boxes2, boxes1)
    np.testing.assert_allclose(forward, backward.T, rtol=1e-12, atol=0)
    assert np.all((forward >= 0) & (forward <= 1 + 1e-12))
    positive = box_area(boxes1) > 0
    np.testing.assert_allclose(np.diag(box_iou(boxes1, boxes1))[positive], 1.0)


def test_nms_on_a_hand_made_set():
    boxes = np.array([
        [0, 0, 10, 10],  # 0
        [1, 0, 11, 10],  # 1: IoU with 0 = 90 / 110 = 0.82
        [20, 20, 30, 30],  # 2
        [5, 0, 15, 10],  # 3: IoU with 0 = 50 / 150 = 0.33, with 1 = 60 / 140 = 0.43
        [21, 21, 31, 31],  # 4: IoU with 2 = 81 / 119 = 0.68
        [40, 40, 45, 45],  # 5: far from everything
    ], dtype=float)
    scores = np.array([0.9, 0.95, 0.8, 0.7, 0.85, 0.1])
    # by score: 1 is kept and suppresses 0 (0.82 > 0.5) but not 3 (0.43); 4 is kept and
    # suppresses 2 (0.68); 3 and 5 are kept
    np.testing.assert_array_equal(nms(boxes, scores, 0.5), [1, 4, 3, 5])
    # at threshold 0.4, 3 goes too (0.43 > 0.4)
    np.testing.assert_array_equal(nms(boxes, scores, 0.4), [1, 4, 5])
    # threshold 1 keeps everything (IoU is never > 1), in order of score
    np.testing.assert_array_equal(nms(boxes, scores, 1.0), [1, 0, 4, 2, 3, 5])
    assert nms(boxes, scores, 0.5).dtype == np.int64


def test_nms_suppresses_only_strictly_above_the_threshold_and_keeps_ties_in_order():
    boxes = np.array([[0, 0, 2, 2], [1, 0, 3, 2]], dtype=float)  # IoU exactly 1/3
    np.testing.assert_array_equal(nms(boxes, np.array([0.5, 0.5]), 1 / 3), [0, 1])
    np.testing.assert_array_equal(nms(boxes, np.array([0.5, 0.5]), 0.3), [0])
    assert nms(np.zeros((0, 4)), np.zeros(0), 0.5).shape == (0,)


@settings(max_examples=20, deadline=None)
@given(raw=box_rows, seed=st.integers(0, 1000), threshold=st.floats(0, 1))
def test_nms_keeps_no_pair_above_the_threshold(raw, seed, threshold):
    boxes = _as_boxes(raw)
    scores = np.random.default_rng(seed).random(len(boxes))
    keep = nms(boxes, scores, threshold)
    assert np.all(np.diff(scores[keep]) <= 0) and len(set(keep.tolist())) == len(keep)
    overlaps = box_iou(boxes[keep], boxes[keep])
    np.fill_diagonal(overlaps, 0.0)
    assert np.all(overlaps <= threshold)
    assert np.argmax(scores) in keep


def quadratic_nms(boxes, scores, iou_threshold):
    """The previous implementation: the whole N x N IoU matrix, then the greedy pass."""
    order = np.argsort(-scores, kind="stable")
    overlaps = box_iou(boxes, boxes)  # (N, N)
    suppressed = np.zeros(len(boxes), dtype=bool)
    keep = []
    for index in order:
        if suppressed[index]:
            continue
        keep.append(index)
        suppressed |= overlaps[index] > iou_threshold
    return np.array(keep, dtype=np.int64)


def _random_boxes(n, seed, canvas=400.0):
    rng = np.random.default_rng(seed)
    corners = rng.uniform(0, canvas, size=(n, 2))
    sizes = rng.uniform(0, canvas / 8, size=(n, 2))
    sizes[::50] = 0.0  # some zero-area boxes
    boxes = np.concatenate([corners, corners + sizes], axis=1)
    scores = rng.random(n)
    scores[::7] = scores[3]  # ties, which keep their original order
    return boxes, scores


@pytest.mark.parametrize("threshold", [0.0, 0.5, 1.0])
def test_nms_matches_the_quadratic_algorithm_on_3000_boxes(threshold):
    boxes, scores = _random_boxes(3000, seed=int(threshold * 10))
    np.testing.assert_array_equal(nms(boxes, scores, threshold),
                                  quadratic_nms(boxes, scores, threshold))


def test_nms_memory_is_linear_in_the_number_of_boxes():
    import tracemalloc

    boxes, scores = _random_boxes(5000, seed=1)
    tracemalloc.start()
    try:
        nms(boxes, scores, 0.5)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # the N x N float64 IoU matrix alone would be 200 MB, and its temporaries twice that
    assert peak < 50e6, f"peak {peak / 1e6:.1f} MB"


def test_nms_scores_of_any_numeric_dtype_and_no_nan():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30]], dtype=float)
    # unsigned scores: -scores would wrap around and reverse the order
    np.testing.assert_array_equal(nms(boxes, np.array([3, 200, 1], dtype=np.uint8), 0.5), [1, 2])
    with pytest.raises(ValueError, match="nms: expected scores without NaN .*, got NaN at index 1"):
        nms(boxes, np.array([0.5, np.nan, 0.2]), 0.5)


def test_synthetic_scene_is_consistent():
    scene = synthetic_scene(num_objects=4, candidates_per_object=5, num_false=3, rng=1)
    assert scene.image.shape == scene.mask.shape == (96, 96)
    assert scene.gt_boxes.shape == (4, 4) and len(scene.gt_kinds) == 4
    assert set(scene.gt_kinds) <= set(SHAPES)
    assert scene.boxes.shape == (23, 4) and scene.scores.shape == scene.sources.shape == (23,)
    assert np.all((scene.scores >= 0) & (scene.scores <= 1))
    np.testing.assert_array_equal(np.bincount(scene.sources + 1), [3, 5, 5, 5, 5])
    for k, (x1, y1, x2, y2) in enumerate(scene.gt_boxes.astype(int)):  # boxes are tight
        ys, xs = np.nonzero(scene.mask == k + 1)
        assert (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1) == (x1, y1, x2, y2)
    overlaps = box_iou(scene.gt_boxes, scene.gt_boxes)
    assert np.allclose(overlaps, np.eye(4))  # objects never overlap
    again = synthetic_scene(num_objects=4, candidates_per_object=5, num_false=3, rng=1)
    np.testing.assert_array_equal(again.image, scene.image)


def test_synthetic_scene_candidates_overlap_their_object():
    scene = synthetic_scene(rng=0, num_false=0)
    overlaps = box_iou(scene.boxes, scene.gt_boxes)
    assert np.all(np.argmax(overlaps, axis=1) == scene.sources)
    assert np.all(overlaps.max(axis=1) > 0.4)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: box_iou(np.zeros((2, 3)), np.zeros((1, 4))), ValueError,
         r"box_iou: expected boxes1 of shape \(N, 4\) \(one \(x1, y1, x2, y2\) row per box\), "
         r"got \(2, 3\)"),
        (lambda: box_iou(np.zeros((1, 4)), [[0, 0, 1, 1]]), TypeError,
         "box_iou: expected boxes2 to be a numpy.ndarray, got list"),
        (lambda: box_iou(np.array([[2.0, 0, 1, 1]]), np.zeros((1, 4))), ValueError,
         r"box_iou: expected boxes1 with x1 <= x2 and y1 <= y2, "
         r"got row 0 = \[2.0, 0.0, 1.0, 1.0\]"),
        (lambda: box_iou(np.array([[0, 0, np.nan, 1]]), np.zeros((1, 4))), ValueError,
         "box_iou: expected finite coordinates in boxes1"),
        (lambda: nms(np.zeros((2, 4)), np.zeros(3), 0.5), ValueError,
         r"nms: expected scores of shape \(2,\) \(one score per box\), got \(3,\)"),
        (lambda: nms(np.zeros((2, 4)), np.zeros(2), 1.5), ValueError,
         r"nms: expected iou_threshold <= 1.0, got 1.5"),
        (lambda: synthetic_scene(num_objects=30, canvas_size=40), ValueError,
         "synthetic_scene: could not place 30 objects"),
        (lambda: synthetic_scene(min_size=30, max_size=20), ValueError,
         "synthetic_scene: expected min_size <= max_size <= canvas_size"),
    ],
)
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_mask_iou():
    a = np.zeros((2, 4, 4), dtype=bool)
    b = np.zeros((2, 4, 4), dtype=bool)
    assert mask_iou(a, b) == 1.0  # nothing to find, nothing found
    a[0, :2, :2] = True  # 4 pixels
    b[0, 1:3, :2] = True  # 4 pixels, 2 shared
    assert mask_iou(a, b) == pytest.approx(2 / 6)
    assert mask_iou(a, a) == 1.0 and mask_iou(a, ~a) == 0.0
    with pytest.raises(ValueError, match=r"mask_iou: expected target of shape \(2, 4, 4\)"):
        mask_iou(a, b[0])
    with pytest.raises(TypeError, match="mask_iou: expected predicted with a boolean dtype"):
        mask_iou(a.astype(float), b)
