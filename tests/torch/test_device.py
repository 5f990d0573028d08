"""Tests of dlbook.torch.device: choosing a device, forcing one, moving arrays."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlbook.torch import device as device_module
from dlbook.torch.device import default_device, to_tensor


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv("DLBOOK_DEVICE", raising=False)
    return monkeypatch


def _pretend(monkeypatch, cuda: bool, mps: bool, count: int = 1):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: count if cuda else 0)
    monkeypatch.setattr(device_module, "_mps_available", lambda: mps)


@pytest.mark.parametrize(
    ("cuda", "mps", "expected"),
    [(True, True, "cuda"), (False, True, "mps"), (False, False, "cpu")],
)
def test_preference_order_cuda_mps_cpu(no_env, cuda, mps, expected):
    _pretend(no_env, cuda, mps)
    assert default_device() == torch.device(expected)


def test_the_real_machine(no_env):
    expected = "cuda" if torch.cuda.is_available() else None
    found = default_device()
    assert found.type in ("cpu", "cuda", "mps")
    if expected:
        assert found.type == expected


@pytest.mark.parametrize("name", ["cpu", "CPU", " cpu "])
def test_env_var_forces_cpu_even_with_a_gpu(monkeypatch, name):
    _pretend(monkeypatch, cuda=True, mps=True)
    monkeypatch.setenv("DLBOOK_DEVICE", name)
    assert default_device() == torch.device("cpu")


def test_env_var_forces_cuda_and_an_index(monkeypatch):
    _pretend(monkeypatch, cuda=True, mps=False, count=2)
    monkeypatch.setenv("DLBOOK_DEVICE", "cuda")
    assert default_device() == torch.device("cuda")
    monkeypatch.setenv("DLBOOK_DEVICE", "cuda:1")
    assert default_device() == torch.device("cuda:1")
    monkeypatch.setenv("DLBOOK_DEVICE", "cuda:2")
    with pytest.raises(RuntimeError, match=r"default_device: DLBOOK_DEVICE='cuda:2' but only 2 "
                                           r"CUDA device\(s\) are present"):
        default_device()


@pytest.mark.parametrize("name", ["cuda", "mps"])
def test_forcing_a_missing_device_fails_loudly(monkeypatch, name):
    _pretend(monkeypatch, cuda=False, mps=False)
    monkeypatch.setenv("DLBOOK_DEVICE", name)
    with pytest.raises(RuntimeError, match=rf"default_device: DLBOOK_DEVICE='{name}' but "
                                           rf"{name.upper()} is not available on this machine"):
        default_device()


@pytest.mark.parametrize("name", ["tpu", "gpu", "mps:0", "cuda:x"])
def test_unknown_names_are_rejected(monkeypatch, name):
    monkeypatch.setenv("DLBOOK_DEVICE", name)
    with pytest.raises(ValueError, match=rf"default_device: expected DLBOOK_DEVICE to be one of "
                                         rf"'cpu', 'cuda', 'cuda:N', 'mps', got '{name}'"):
        default_device()


def test_to_tensor_keeps_dtype_and_places_on_device(device):
    array = np.arange(6.0).reshape(2, 3)
    tensor = to_tensor(array, device=device)
    assert tensor.dtype == torch.float64 and tensor.device.type == device
    np.testing.assert_array_equal(tensor.cpu().numpy(), array)
    assert to_tensor(np.arange(3), device=device).dtype == torch.int64
    assert to_tensor(array, device=device, dtype=torch.float32).dtype == torch.float32


def test_to_tensor_defaults_to_the_default_device(no_env):
    assert to_tensor(np.zeros(2)).device.type == default_device().type


def test_to_tensor_bad_input():
    with pytest.raises(TypeError, match=r"to_tensor: expected dtype to be a torch.dtype, got "
                                        r"<class 'numpy.float32'>"):
        to_tensor(np.zeros(2), device="cpu", dtype=np.float32)
    with pytest.raises(TypeError, match=r"to_tensor: expected a numeric array, got dtype <U1"):
        to_tensor(np.array(["a"]), device="cpu")
