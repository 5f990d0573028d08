"""The NumPy course CNN against PyTorch's CourseCNN: same names, outputs and gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.np.models import course_cnn
from dlbook.np.nn import CrossEntropyLoss
from dlbook.testing import assert_close
from dlbook.torch.models import CourseCNN


def _pair(image_size: int, padding: int, in_channels: int = 1, seed: int = 0):
    torch.manual_seed(seed)
    reference = CourseCNN(in_channels=in_channels, image_size=image_size, padding=padding,
                          channels=(4, 6), hidden_size=10, dtype=torch.float64).eval()
    with torch.no_grad():  # non-zero biases everywhere, well away from torch's small init
        for name, p in reference.named_parameters():
            if name.endswith("bias"):
                p.uniform_(-0.5, 0.5)
    ours = course_cnn(in_channels=in_channels, image_size=image_size, padding=padding,
                      channels=(4, 6), hidden_size=10, dtype=np.float64, rng=seed)
    ours.load_state_dict({k: v.numpy() for k, v in reference.state_dict().items()})
    return ours.eval(), reference


def test_same_parameter_names_and_shapes():
    ours, reference = course_cnn(), CourseCNN()
    assert [(n, p.data.shape) for n, p in ours.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in reference.named_parameters()]


@settings(max_examples=10, deadline=None)
@given(
    batch=st.integers(1, 3),
    image_size=st.sampled_from([8, 9, 11]),
    padding=st.sampled_from([0, 1]),
    in_channels=st.integers(1, 2),
    seed=st.integers(0, 2**16),
)
def test_outputs_and_all_gradients_match_torch(batch, image_size, padding, in_channels, seed):
    if padding == 0 and image_size < 10:
        image_size = 10  # 'valid' convolutions need at least 10 pixels for two stages
    ours, reference = _pair(image_size, padding, in_channels, seed)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, in_channels, image_size, image_size))
    target = rng.integers(0, 10, size=batch)

    x_torch = torch.tensor(x, requires_grad=True)
    loss_torch = torch.nn.functional.cross_entropy(reference(x_torch), torch.tensor(target))
    loss_torch.backward()

    loss_fn = CrossEntropyLoss()
    logits = ours(x)
    assert_close(logits, reference(torch.tensor(x)), name="logits")
    loss = loss_fn(logits, target)
    assert_close(loss, loss_torch, name="loss")
    ours.zero_grad()
    grad_x = ours.backward(loss_fn.backward())
    assert_close(grad_x, x_torch.grad, name="input gradient")
    theirs = dict(reference.named_parameters())
    for name, param in ours.named_parameters():
        assert_close(param.grad, theirs[name].grad, name=f"gradient of {name}")


def test_state_dict_loads_back_into_torch():
    ours = course_cnn(dtype=np.float64, rng=3).eval()
    reference = CourseCNN(dtype=torch.float64).eval()
    reference.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).random((2, 1, 8, 8))
    assert_close(ours(x), reference(torch.from_numpy(x)), name="logits")


def test_dropout_is_active_in_training_mode():
    model = course_cnn(rng=0)
    x = np.ones((4, 1, 8, 8), dtype=np.float32)
    assert not np.array_equal(model(x), model(x))
    model.eval()
    assert np.array_equal(model(x), model(x))


def test_bad_arguments():
    with pytest.raises(ValueError, match="course_cnn: image_size 8 is too small for padding=0"):
        course_cnn(padding=0)
    with pytest.raises(TypeError, match="course_cnn: expected a floating-point dtype"):
        course_cnn(dtype=np.int32)
