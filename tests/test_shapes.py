"""dlbook.shapes: the shape arithmetic both halves share."""

from __future__ import annotations

import pytest

from dlbook.np.cnn import course_cnn_feature_size as np_feature_size
from dlbook.shapes import conv_output_size, course_cnn_feature_size, pair


def test_pair_accepts_an_int_or_a_pair():
    assert pair(3, "kernel_size", caller="f", minimum=1) == (3, 3)
    assert pair([2, 5], "stride", caller="f", minimum=1) == (2, 5)


@pytest.mark.parametrize("value, error, message", [
    (1.5, TypeError, r"f: expected stride to be an int or a pair of ints, got 1.5"),
    ((1, 2, 3), TypeError, r"f: expected stride to be an int or a pair of ints"),
    (True, TypeError, r"f: expected stride to be an int or a pair of ints, got True"),
    ((1, 0), ValueError, r"f: expected stride >= 1, got \(1, 0\)"),
])
def test_pair_rejects_what_is_not_a_pair_of_large_enough_ints(value, error, message):
    with pytest.raises(error, match=message):
        pair(value, "stride", caller="f", minimum=1)


def test_conv_output_size_is_torchs_formula():
    # floor((H + 2p - d(k - 1) - 1) / s) + 1 per axis
    assert conv_output_size((32, 17), (5, 3), (2, 1), (2, 1), (1, 2), caller="f") == (16, 15)
    with pytest.raises(ValueError, match=r"f: kernel of effective size \(5, 5\) .* padded "
                                         r"input \(4, 4\)"):
        conv_output_size((4, 4), (5, 5), (1, 1), (0, 0), (1, 1), caller="f")


def test_course_cnn_feature_size_is_re_exported_by_dlbook_np_cnn():
    assert np_feature_size is course_cnn_feature_size
    assert course_cnn_feature_size(8) == 2 and course_cnn_feature_size(28, padding=0) == 5
