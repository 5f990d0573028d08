"""dlbook._checks: every validator accepts good values and names caller, expectation, value."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook._checks import (
    as_caller,
    check_array,
    check_float_dtype,
    check_in,
    check_int,
    check_labels,
    check_number,
    check_positive_int,
    check_probability,
    check_same_shape,
    check_shape,
    check_type,
    format_shape,
    format_type,
    type_name,
)


def test_format_shape():
    assert format_shape(()) == "()"
    assert format_shape((3,)) == "(3,)"
    assert format_shape(("N", "C", 32, 32)) == "(N, C, 32, 32)"


def test_check_array_accepts_and_returns():
    x = np.zeros((2, 3), dtype=np.float32)
    assert check_array(x, "x", caller="f", ndim=(1, 2), kind="float", shape=("N", 3)) is x
    check_array(np.arange(3, dtype=np.uint8), "y", caller="f", kind="int")
    check_array(np.arange(3), "y", caller="f", kind="number")
    check_array(np.zeros(2, dtype=bool), "mask", caller="f", kind="bool")
    check_array(np.zeros((4, 5)), "x", caller="f", shape=(None, 5))


def test_check_array_rejects():
    with pytest.raises(TypeError, match="f: expected x to be a numpy.ndarray, got tuple"):
        check_array((1.0,), "x", caller="f")
    with pytest.raises(TypeError, match="f: expected y with an integer dtype, got float32"):
        check_array(np.zeros(2, np.float32), "y", caller="f", kind="int")
    with pytest.raises(TypeError, match="f: expected x with a numeric dtype, got bool"):
        check_array(np.zeros(2, bool), "x", caller="f", kind="number")
    with pytest.raises(ValueError, match=r"f: expected x with 2 or 4 dimensions, got 3 "
                                         r"\(shape \(1, 2, 3\)\)"):
        check_array(np.zeros((1, 2, 3)), "x", caller="f", ndim=(2, 4))
    with pytest.raises(ValueError, match=r"conv2d: expected x of shape \(N, 3, H, W\), "
                                         r"got \(8, 4, 32, 32\)"):
        check_array(np.zeros((8, 4, 32, 32)), "x", caller="conv2d", shape=("N", 3, "H", "W"))
    with pytest.raises(ValueError, match=r"check_array: unknown kind 'complex'"):
        check_array(np.zeros(1), "x", caller="f", kind="complex")


def test_check_shape():
    check_shape(np.zeros((2, 3)), "x", (2, 3), caller="f")
    with pytest.raises(ValueError, match=r"f: expected x of shape \(\*, 3\), got \(2,\)"):
        check_shape(np.zeros(2), "x", (None, 3), caller="f")
    with pytest.raises(ValueError, match=r"f: expected x of shape \(2, 3\) \(why\), got \(3, 2\)"):
        check_shape(np.zeros((3, 2)), "x", (2, 3), caller="f", hint="why")


def test_check_same_shape_and_labels():
    check_same_shape(np.zeros(3), np.ones(3), ("input", "target"), caller="f")
    with pytest.raises(ValueError, match=r"f: expected target of the same shape as input "
                                         r"\(3,\), got \(2,\)"):
        check_same_shape(np.zeros(3), np.ones(2), ("input", "target"), caller="f")
    labels = np.array([0, 2, 1])
    assert check_labels(labels, "y", 3, caller="f") is labels
    check_labels(np.zeros(0, dtype=int), "y", 3, caller="f")
    with pytest.raises(ValueError, match=r"f: expected y with class indices in \[0, 3\), "
                                         r"got values in \[-1, 2\]"):
        check_labels(np.array([-1, 2]), "y", 3, caller="f")
    with pytest.raises(TypeError, match="f: expected y with an integer dtype, got float64"):
        check_labels(np.array([0.0]), "y", 3, caller="f")


def test_check_int_and_positive_int():
    assert check_int(np.int64(3), "n", caller="f") == 3
    assert type(check_positive_int(np.int32(2), "n", caller="f")) is int
    assert check_int(0, "n", caller="f", minimum=0) == 0
    with pytest.raises(TypeError, match="f: expected n to be an int, got bool True"):
        check_int(True, "n", caller="f")
    with pytest.raises(TypeError, match="f: expected n to be an int, got str '3'"):
        check_positive_int("3", "n", caller="f")
    with pytest.raises(ValueError, match="f: expected n >= 1, got -2"):
        check_positive_int(-2, "n", caller="f")


def test_check_number_and_probability():
    assert check_number(np.float32(0.5), "x", caller="f") == 0.5
    assert check_number(3, "x", caller="f", low=0, high=3) == 3.0
    assert check_probability(0.0, "p", caller="f") == 0.0
    with pytest.raises(ValueError, match="f: expected x > 0.0, got 0.0"):
        check_number(0.0, "x", caller="f", low=0.0, low_inclusive=False)
    with pytest.raises(ValueError, match="f: expected x <= 1.0, got 2.0"):
        check_number(2.0, "x", caller="f", high=1.0)
    with pytest.raises(ValueError, match="f: expected x to be finite, got nan"):
        check_number(float("nan"), "x", caller="f")
    with pytest.raises(TypeError, match="f: expected x to be a real number, got str"):
        check_number("1", "x", caller="f")
    with pytest.raises(TypeError, match="f: expected x to be a real number, got bool"):
        check_number(False, "x", caller="f")
    with pytest.raises(ValueError, match="f: expected p >= 0.0, got -0.1"):
        check_probability(-0.1, "p", caller="f")


def test_check_in_and_type():
    assert check_in("sum", "reduction", ("mean", "sum"), caller="f") == "sum"
    with pytest.raises(ValueError, match="f: expected reduction to be one of 'mean', 'sum', "
                                         "got 'none'"):
        check_in("none", "reduction", ("mean", "sum"), caller="f")
    with pytest.raises(ValueError, match=r"f: expected mode to be one of 'a', got \['a'\]"):
        check_in(["a"], "mode", ["a"], caller="f")
    assert check_type(1.0, "x", (int, float), caller="f") == 1.0
    with pytest.raises(TypeError, match="f: expected x to be int or float, got str"):
        check_type("1", "x", (int, float), caller="f")
    with pytest.raises(TypeError, match="f: expected rng to be numpy.random.Generator, got int"):
        check_type(3, "rng", np.random.Generator, caller="f")


def test_check_float_dtype():
    assert check_float_dtype("float32", caller="f") == np.float32
    with pytest.raises(TypeError, match="f: expected a floating-point dtype, got int64"):
        check_float_dtype(np.int64, caller="f")
    with pytest.raises(TypeError, match="f: expected dtype to be a NumPy dtype, got 'banana'"):
        check_float_dtype("banana", caller="f")


def test_type_names_are_qualified_so_that_two_classes_never_read_the_same():
    import torch

    from dlbook.np.nn import Parameter
    from dlbook.np.optim import SGD

    assert [type_name(v) for v in (1, "a", None, [], np.zeros(1), np.float32(1))] == [
        "int", "str", "NoneType", "list", "numpy.ndarray", "numpy.float32"]
    assert type_name(lambda: 0) == "function"
    # the public path, not the module that defines the class
    assert format_type(Parameter) == "dlbook.np.nn.Parameter"
    assert format_type(torch.nn.Parameter) == "torch.nn.Parameter"
    assert format_type(SGD) == "dlbook.np.optim.SGD"
    assert format_type(torch.optim.SGD) == "torch.optim.SGD"
    assert format_type(np.random.Generator) == "numpy.random.Generator"
    with pytest.raises(TypeError, match=r"^f: expected p to be dlbook.np.nn.Parameter, got "
                                        r"torch.nn.Parameter$"):
        check_type(torch.nn.Parameter(torch.zeros(1)), "p", Parameter, caller="f")

    class Local:
        pass

    assert format_type(Local).endswith("test_type_names_are_qualified_so_that_two_classes_never_"
                                       "read_the_same.<locals>.Local")
    with pytest.raises(TypeError, match="f: expected n to be an int, got numpy.float64 "):
        check_int(np.float64(2.0), "n", caller="f")


def test_as_caller_renames_only_the_core_it_wraps():
    with pytest.raises(ValueError, match=r"^Layer: expected x, got y$"):
        with as_caller("Layer", "layer_forward"):
            raise ValueError("layer_forward: expected x, got y")
    with pytest.raises(TypeError, match=r"^other: expected x$"):
        with as_caller("Layer", "layer_forward"):
            raise TypeError("other: expected x")
    with pytest.raises(IndexError, match=r"^Layer.backward: out of range$"):
        with as_caller("Layer.backward", "layer_forward", "layer_backward"):
            raise IndexError("layer_backward: out of range")
    with pytest.raises(RuntimeError, match="^layer_forward: untouched$"):
        with as_caller("Layer", "layer_forward"):
            raise RuntimeError("layer_forward: untouched")
