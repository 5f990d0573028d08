"""Tests of dlbook.keras_rules against the real Keras 3 (torch backend).

Each NumPy rule is compared with the Keras object it is named after: losses with
``keras.losses.*``, optimizers by running ``keras.optimizers.*`` on a ``keras.Variable`` for
several steps, schedules by calling ``keras.optimizers.schedules.*``, the callback rules with
Keras's own callbacks driven by scripted logs, and batch normalization with
``keras.layers.BatchNormalization`` called with ``training=True`` and ``False``. Keras computes
in float64 wherever it can (float64 input, ``keras.config.set_floatx("float64")`` for the
optimizers, the schedules and the layer), so most tolerances are those of float64 rounding;
where Keras itself computes in float32 (its ``ops.mean`` and the layer), they are float32's.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook import keras_rules as kr
from tests.keras_reference import (
    KERAS_ARRAY_WARNING,
    keras,
    keras_early_stopping,
    keras_reduce_lr_rates,
    to_numpy,
)

pytestmark = KERAS_ARRAY_WARNING

FAST = settings(max_examples=20, deadline=None)


@pytest.fixture
def float64_keras():
    """Keras's float type set to float64 for one test, and put back afterwards."""
    before = keras.config.floatx()
    keras.config.set_floatx("float64")
    yield
    keras.config.set_floatx(before)


# keras.ops.mean averages float64 input in float32 (keras.backend.result_type("float64",
# "float32") is "float32" in Keras 3.15), so the losses Keras averages over the last axis
# (binary_crossentropy, huber) agree only to float32 precision.
MEAN_RTOL = dict(rtol=1e-6, atol=1e-7)


def close(ours, theirs, rtol=1e-12, atol=1e-15):
    ours, theirs = np.asarray(ours, float), to_numpy(theirs).astype(float)
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol,
                               err_msg=f"dlbook.keras_rules {ours} vs Keras {theirs}")


def test_keras_runs_on_torch():
    assert keras.backend.backend() == "torch"
    assert keras.config.epsilon() == kr.EPSILON


# ---- losses ----------------------------------------------------------------------------------

def probabilities(rng, shape, saturate=False):
    logits = rng.normal(0, 12 if saturate else 2, size=shape)
    p = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return p / p.sum(axis=-1, keepdims=True)


@FAST
@given(batch=st.integers(1, 5), classes=st.integers(2, 6), seed=st.integers(0, 2**16),
       from_logits=st.booleans(), smoothing=st.sampled_from([0.0, 0.1]),
       saturate=st.booleans())
def test_categorical_crossentropy_matches_keras(batch, classes, seed, from_logits, smoothing,
                                                saturate):
    rng = np.random.default_rng(seed)
    y_true = np.eye(classes)[rng.integers(0, classes, batch)]
    y_pred = (rng.normal(0, 3, (batch, classes)) if from_logits
              else probabilities(rng, (batch, classes), saturate))
    ours = kr.categorical_crossentropy(y_true, y_pred, from_logits=from_logits,
                                       label_smoothing=smoothing)
    theirs = keras.losses.categorical_crossentropy(y_true, y_pred, from_logits=from_logits,
                                                   label_smoothing=smoothing)
    close(ours, theirs)


@FAST
@given(batch=st.integers(1, 5), classes=st.integers(2, 6), seed=st.integers(0, 2**16),
       from_logits=st.booleans(), saturate=st.booleans(), column=st.booleans())
def test_sparse_categorical_crossentropy_matches_keras(batch, classes, seed, from_logits,
                                                       saturate, column):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, (batch, 1) if column else batch)
    y_pred = (rng.normal(0, 3, (batch, classes)) if from_logits
              else probabilities(rng, (batch, classes), saturate))
    ours = kr.sparse_categorical_crossentropy(labels, y_pred, from_logits=from_logits)
    theirs = keras.losses.sparse_categorical_crossentropy(labels, y_pred,
                                                          from_logits=from_logits)
    close(ours, theirs)


@FAST
@given(batch=st.integers(1, 5), outputs=st.integers(1, 4), seed=st.integers(0, 2**16),
       from_logits=st.booleans(), smoothing=st.sampled_from([0.0, 0.2]))
def test_binary_crossentropy_matches_keras(batch, outputs, seed, from_logits, smoothing):
    rng = np.random.default_rng(seed)
    y_true = (rng.random((batch, outputs)) < 0.5).astype(float)
    logits = rng.normal(0, 10, (batch, outputs))  # some saturate: the clipping is exercised
    y_pred = logits if from_logits else 1 / (1 + np.exp(-logits))
    ours = kr.binary_crossentropy(y_true, y_pred, from_logits=from_logits,
                                  label_smoothing=smoothing)
    theirs = keras.losses.binary_crossentropy(y_true, y_pred, from_logits=from_logits,
                                              label_smoothing=smoothing)
    close(ours, theirs, **MEAN_RTOL)


def test_the_clip_caps_a_confidently_wrong_prediction():
    wrong = np.array([[1e-30, 1.0]])
    ours = kr.categorical_crossentropy(np.array([[1.0, 0.0]]), wrong)
    close(ours, keras.losses.categorical_crossentropy(np.array([[1.0, 0.0]]), wrong))
    assert ours[0] == pytest.approx(-np.log(kr.EPSILON))


@FAST
@given(batch=st.integers(1, 5), width=st.integers(1, 6), seed=st.integers(0, 2**16),
       delta=st.sampled_from([0.5, 1.0, 3.0]))
def test_huber_matches_keras(batch, width, seed, delta):
    rng = np.random.default_rng(seed)
    y_true, y_pred = rng.normal(0, 3, (2, batch, width))
    close(kr.huber(y_true, y_pred, delta), keras.losses.huber(y_true, y_pred, delta=delta),
          **MEAN_RTOL)


def test_huber_keras_documented_example():
    y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]
    close(kr.huber(y_true, y_pred), keras.losses.huber(np.array(y_true), np.array(y_pred)),
          **MEAN_RTOL)
    assert kr.huber(y_true, y_pred).mean() == pytest.approx(0.155)  # Keras's docstring


# ---- optimizers ------------------------------------------------------------------------------

def keras_path(optimizer, start, gradients):
    """Keras's optimizer run on a float64 keras.Variable: its value after each step."""
    variable = keras.Variable(start.copy(), dtype="float64")
    path = [start.copy()]
    for gradient in gradients:
        optimizer.apply_gradients([(torch.tensor(gradient), variable)])
        path.append(to_numpy(variable).copy())
    return np.stack(path)


# The gradients span eight orders of magnitude, so that epsilon matters in some coordinates.
SCALES = np.array([1.0, 1e-2, 1e-4, 1e-6])

OPTIMIZERS = [
    pytest.param(kr.SGD, keras.optimizers.SGD, {}, id="SGD"),
    pytest.param(kr.SGD, keras.optimizers.SGD, {"learning_rate": 0.03, "momentum": 0.9},
                 id="SGD momentum"),
    pytest.param(kr.SGD, keras.optimizers.SGD, {"momentum": 0.5, "nesterov": True},
                 id="SGD nesterov"),
    pytest.param(kr.RMSprop, keras.optimizers.RMSprop, {}, id="RMSprop"),
    pytest.param(kr.RMSprop, keras.optimizers.RMSprop, {"rho": 0.8, "epsilon": 0.0},
                 id="RMSprop eps 0"),
    pytest.param(kr.RMSprop, keras.optimizers.RMSprop, {"momentum": 0.7, "centered": True},
                 id="RMSprop momentum centered"),
    pytest.param(kr.Adam, keras.optimizers.Adam, {}, id="Adam"),
    pytest.param(kr.Adam, keras.optimizers.Adam,
                 {"learning_rate": 0.01, "beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3},
                 id="Adam other hyperparameters"),
    pytest.param(kr.Adam, keras.optimizers.Adam, {"amsgrad": True}, id="Adam amsgrad"),
]


@pytest.mark.parametrize(("ours", "theirs", "kwargs"), OPTIMIZERS)
def test_optimizer_matches_keras(float64_keras, ours, theirs, kwargs):
    rng = np.random.default_rng(0)
    start = rng.normal(size=4)
    gradients = rng.normal(size=(25, 4)) * SCALES  # (steps, parameters)
    expected = keras_path(theirs(**kwargs), start, gradients)
    got = ours(**kwargs).trajectory(start, gradients)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-17)


def test_optimizer_with_a_gradient_function_and_a_schedule():
    """A gradient evaluated at each new point, and a learning-rate schedule, as in Keras."""
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=3, decay_rate=0.5)
    ours = kr.SGD(learning_rate=lambda step: kr.exponential_decay(step, 0.1, 3, 0.5),
                  momentum=0.9)
    start = np.array([2.0, -1.0])
    path = ours.trajectory(start, lambda theta: 2 * theta, steps=10)
    variable = keras.Variable(start.copy(), dtype="float64")
    optimizer = keras.optimizers.SGD(learning_rate=schedule, momentum=0.9)
    for k in range(10):
        gradient = 2 * to_numpy(variable)
        optimizer.apply_gradients([(torch.tensor(gradient), variable)])
        # Keras's schedule computes in float32: compare at float32 precision
        np.testing.assert_allclose(path[k + 1], to_numpy(variable), rtol=1e-6)


def test_optimizer_step_does_not_modify_its_input_and_counts_iterations():
    adam = kr.Adam()
    theta = np.zeros(3)
    new = adam.step(theta, np.ones(3))
    assert np.all(theta == 0) and np.all(new < 0) and adam.iterations == 1


# ---- schedules -------------------------------------------------------------------------------

STEPS = np.arange(0, 160)


@pytest.mark.parametrize("staircase", [False, True])
def test_exponential_decay_matches_keras(float64_keras, staircase):
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=50, decay_rate=0.5,
                                                           staircase=staircase)
    theirs = [float(to_numpy(schedule(int(k)))) for k in STEPS]
    close(kr.exponential_decay(STEPS, 0.1, 50, 0.5, staircase=staircase), theirs)


@pytest.mark.parametrize("kwargs", [{}, {"alpha": 0.01},
                                    {"alpha": 0.1, "warmup_target": 0.5, "warmup_steps": 20}])
def test_cosine_decay_matches_keras(float64_keras, kwargs):
    schedule = keras.optimizers.schedules.CosineDecay(0.1, decay_steps=100, **kwargs)
    theirs = [float(to_numpy(schedule(int(k)))) for k in STEPS]
    close(kr.cosine_decay(STEPS, 0.1, 100, **kwargs), theirs)


def test_a_scalar_step_gives_a_float():
    assert isinstance(kr.exponential_decay(3, 0.1, 10, 0.5), float)
    assert isinstance(kr.cosine_decay(3, 0.1, 10), float)


# ---- callbacks -------------------------------------------------------------------------------

PLATEAUS = [
    ({"factor": 0.5, "patience": 2}, [1.0, 0.8, 0.7, 0.72, 0.71, 0.73, 0.69, 0.70, 0.71, 0.72]),
    ({"factor": 0.5, "patience": 1, "cooldown": 2}, [1.0] + [1.1] * 7),
    ({"factor": 0.5, "patience": 0, "min_lr": 0.3}, [1.0] * 5),
    ({"factor": 0.5, "patience": 1, "min_delta": 0.1}, [1.0, 0.95, 0.85, 0.8, 0.79]),
    ({"factor": 0.5, "patience": 1, "monitor": "val_acc", "mode": "max"},
     [0.5, 0.6, 0.6, 0.7, 0.65, 0.64]),
]


@pytest.mark.parametrize(("kwargs", "values"), PLATEAUS)
def test_reduce_lr_on_plateau_rates_match_keras(kwargs, values):
    ours = kr.reduce_lr_on_plateau_rates(values, 1.0, **kwargs)
    theirs = keras_reduce_lr_rates(values, 1.0, **kwargs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)  # Keras keeps the rate in float32


STOPS = [
    ({"patience": 0}, [1.0, 0.9, 0.95, 0.8]),
    ({"patience": 2}, [1.0, 0.9, 0.95, 0.92, 0.85, 0.99, 1.0, 1.1]),
    ({"patience": 2, "min_delta": 0.05}, [1.0, 0.96, 0.90, 0.88, 0.86, 0.85]),
    ({"patience": 5}, [1.0, 0.8, 0.9, 0.95]),
    ({"patience": 1, "baseline": 0.95}, [1.0, 0.9, 0.92, 0.91]),
    ({"patience": 0, "start_from_epoch": 2}, [0.5, 0.4, 1.0, 0.9, 0.95]),
]


@pytest.mark.parametrize(("kwargs", "values"), STOPS)
def test_early_stopping_epoch_matches_keras(kwargs, values):
    stop, best = kr.early_stopping_epoch(values, **kwargs)
    keras_stop, keras_best, _ = keras_early_stopping(values, **kwargs)
    assert (stop, best) == (keras_stop or len(values), keras_best)


# ---- batch normalization ---------------------------------------------------------------------

@pytest.mark.parametrize(("shape", "axis"), [((16, 3), -1), ((4, 5, 5, 3), -1),
                                              ((4, 3, 5, 5), 1)])
def test_batch_normalization_matches_keras(float64_keras, shape, axis):
    # The layer computes in result_type(x.dtype, "float32"), float32 in Keras 3.15 (see
    # MEAN_RTOL), so the comparison is at float32 precision.
    rng = np.random.default_rng(0)
    features = shape[axis]
    layer = keras.layers.BatchNormalization(axis=axis)
    layer.build(shape)
    gamma, beta = rng.normal(1, 0.1, features), rng.normal(0, 0.1, features)
    layer.set_weights([gamma, beta, np.zeros(features), np.ones(features)])
    mean, variance = np.zeros(features), np.ones(features)
    for _ in range(5):
        x = 3.0 + 2.0 * rng.standard_normal(shape)
        theirs = layer(x, training=True)
        ours, mean, variance = kr.batch_normalization_forward(x, gamma, beta, mean, variance,
                                                              training=True, axis=axis)
        close(ours, theirs, rtol=1e-5, atol=1e-5)
    close(mean, layer.moving_mean, rtol=1e-5, atol=1e-6)
    close(variance, layer.moving_variance, rtol=1e-5, atol=1e-6)
    x = rng.standard_normal(shape)
    ours, same_mean, same_variance = kr.batch_normalization_forward(
        x, gamma, beta, mean, variance, training=False, axis=axis)
    close(ours, layer(x, training=False), rtol=1e-5, atol=1e-5)
    assert np.array_equal(same_mean, mean) and np.array_equal(same_variance, variance)


def test_batch_normalization_keras_defaults():
    layer = keras.layers.BatchNormalization()
    assert (layer.momentum, layer.epsilon) == (0.99, 1e-3)


# ---- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: kr.categorical_crossentropy(np.eye(3), np.ones((3, 2))), ValueError,
     r"categorical_crossentropy: expected y_true and y_pred of the same shape, got y_true "
     r"\(3, 3\) and y_pred \(3, 2\)"),
    (lambda: kr.categorical_crossentropy(np.eye(2), "probabilities"), TypeError,
     "categorical_crossentropy: expected y_pred to be an array of numbers, got str"),
    (lambda: kr.categorical_crossentropy(np.eye(2), np.eye(2), label_smoothing=2.0),
     ValueError, r"categorical_crossentropy: expected label_smoothing <= 1.0, got 2.0"),
    (lambda: kr.categorical_crossentropy(np.eye(2), np.eye(2), axis=2), ValueError,
     r"categorical_crossentropy: expected axis in \[-2, 2\) for y_pred with 2 dimensions, "
     r"got 2"),
    (lambda: kr.sparse_categorical_crossentropy(np.array([0.0, 1.0]), np.eye(2)), TypeError,
     "sparse_categorical_crossentropy: expected y_true to hold integer class indices, got "
     "dtype float64"),
    (lambda: kr.sparse_categorical_crossentropy(np.array([0, 2]), np.eye(2)), ValueError,
     r"sparse_categorical_crossentropy: expected y_true with class indices in \[0, 2\), got "
     r"values in \[0, 2\]"),
    (lambda: kr.sparse_categorical_crossentropy(np.array([0, 1, 1]), np.eye(2)), ValueError,
     r"sparse_categorical_crossentropy: expected y_true of shape \(2,\)"),
    (lambda: kr.binary_crossentropy(np.ones(3), np.ones(3), from_logits=1), TypeError,
     "binary_crossentropy: expected from_logits to be bool, got int"),
    (lambda: kr.huber(np.ones(2), np.ones(2), delta=0.0), ValueError,
     r"huber: expected delta > 0.0, got 0.0"),
    (lambda: kr.Adam(beta_1=1.0), ValueError, r"Adam: expected beta_1 < 1.0, got 1.0"),
    (lambda: kr.RMSprop(rho=-0.1), ValueError, r"RMSprop: expected rho >= 0.0, got -0.1"),
    (lambda: kr.SGD(momentum=1.5), ValueError, r"SGD: expected momentum <= 1.0, got 1.5"),
    (lambda: kr.SGD().step(np.zeros(2), np.zeros(3)), ValueError,
     r"SGD: expected gradient of the variable's shape \(2,\), got \(3,\)"),
    (lambda: kr.SGD().trajectory(np.zeros(2), lambda v: v), TypeError,
     "SGD: expected steps to be an int, got NoneType None"),
    (lambda: kr.SGD().trajectory(np.zeros(2), np.zeros((3, 2)), steps=3), TypeError,
     "SGD: pass steps only with a gradient function"),
    (lambda: kr.exponential_decay(-1, 0.1, 10, 0.5), ValueError,
     "exponential_decay: expected step >= 0, got -1.0"),
    (lambda: kr.exponential_decay(1, 0.1, 0, 0.5), ValueError,
     "exponential_decay: expected decay_steps >= 1, got 0"),
    (lambda: kr.cosine_decay(1, 0.1, 10, warmup_target=0.5), ValueError,
     "cosine_decay: expected warmup_steps >= 1 with a warmup_target, got 0"),
    (lambda: kr.reduce_lr_on_plateau_rates([], factor=0.5), ValueError,
     r"reduce_lr_on_plateau_rates: expected values to be a non-empty 1-d sequence"),
    (lambda: kr.reduce_lr_on_plateau_rates([1.0], factor=1.5), ValueError,
     r"ReduceLROnPlateau: expected factor <= 1.0|ReduceLROnPlateau: expected factor < 1.0"),
    (lambda: kr.early_stopping_epoch([[1.0, 2.0]]), ValueError,
     r"early_stopping_epoch: expected values to be a non-empty 1-d sequence \(one monitored "
     r"value per epoch\), got shape \(1, 2\)"),
    (lambda: kr.batch_normalization_forward(np.ones((4, 3)), np.ones(2), np.zeros(3),
                                            np.zeros(3), np.ones(3), training=True),
     ValueError, r"batch_normalization_forward: expected gamma of shape \(3,\) \(x's size "
                 r"along axis 1\), got \(2,\)"),
    (lambda: kr.batch_normalization_forward(np.ones((4, 3)), np.ones(3), np.zeros(3),
                                            np.zeros(3), np.ones(3), training="yes"),
     TypeError, "batch_normalization_forward: expected training to be bool, got str"),
])
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()
