"""Module, Sequential, Identity, Parameter: registration, traversal, state, modes, repr."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlbook.np.nn import (
    Identity,
    LeakyReLU,
    Linear,
    Module,
    Parameter,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Tanh,
)
from dlbook.testing import assert_close, torch_state_to_numpy


class Block(Module):
    def __init__(self):
        super().__init__()
        self.fc1 = Linear(3, 4, dtype=np.float64, rng=0)
        self.act = ReLU()
        self.fc2 = Linear(4, 2, dtype=np.float64, rng=1)
        self.scale = Parameter(np.array([2.0]))
        self.register_buffer("running", np.zeros(2))
        self.note = "plain attribute"

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x))) * self.scale.data


class TorchBlock(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(3, 4, dtype=torch.float64)
        self.act = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(4, 2, dtype=torch.float64)
        self.scale = torch.nn.Parameter(torch.tensor([2.0], dtype=torch.float64))
        self.register_buffer("running", torch.zeros(2, dtype=torch.float64))


class Outer(Module):
    def __init__(self):
        super().__init__()
        self.block = Block()
        self.head = Sequential(Linear(2, 2, rng=2), Tanh())


def test_registration_and_dotted_names_match_torch():
    ours, theirs = Block(), TorchBlock()
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_children()] == ["fc1", "act", "fc2"]
    assert ours.note == "plain attribute" and "note" not in ours.state_dict()
    assert [n for n, _ in Outer().named_parameters()] == [
        "block.scale", "block.fc1.weight", "block.fc1.bias", "block.fc2.weight",
        "block.fc2.bias", "head.0.weight", "head.0.bias"]
    assert [n for n, _ in Outer().named_modules()] == [
        "", "block", "block.fc1", "block.act", "block.fc2", "head", "head.0", "head.1"]
    assert len(list(Outer().modules())) == 8 and len(list(Outer().children())) == 2


def test_reassignment_keeps_order_and_plain_values_unregister():
    block = Block()
    block.fc1 = Linear(3, 4, rng=3)
    assert [n for n, _ in block.named_children()] == ["fc1", "act", "fc2"]
    block.scale = None
    assert "scale" not in dict(block.named_parameters()) and block.scale is None
    block.running = np.ones(2)  # assigning an array to a buffer name updates the buffer
    assert_close(block.state_dict()["running"], np.ones(2))
    del block.fc2
    assert "fc2" not in dict(block.named_children())
    with pytest.raises(AttributeError, match="'Block' object has no attribute 'fc2'"):
        _ = block.fc2


def test_shared_parameters_are_listed_once():
    shared = Linear(2, 2, rng=0)
    net = Sequential(shared, ReLU(), shared)
    assert [n for n, _ in net.named_parameters()] == ["0.weight", "0.bias"]
    torch_shared = torch.nn.Linear(2, 2)
    torch_net = torch.nn.Sequential(torch_shared, torch.nn.ReLU(), torch_shared)
    assert list(net.state_dict()) == list(torch_net.state_dict())  # both names, as torch
    net.load_state_dict(torch_state_to_numpy(torch_net.state_dict()))


def test_state_dict_is_a_copy_and_round_trips_with_torch():
    ours, theirs = Block(), TorchBlock()
    with torch.no_grad():
        theirs.running.uniform_(-1, 1)
    ours.load_state_dict(torch_state_to_numpy(theirs.state_dict()))
    for name, value in theirs.state_dict().items():
        assert_close(ours.state_dict()[name], value, name=name)
    x = np.random.default_rng(0).standard_normal((5, 3))
    expected = theirs.fc2(theirs.act(theirs.fc1(torch.tensor(x)))) * theirs.scale
    assert_close(ours(x), expected)
    state = ours.state_dict()
    state["fc1.weight"][...] = 0.0
    assert ours.fc1.weight.data.any()  # the returned arrays are copies
    back = TorchBlock()
    back.load_state_dict({k: torch.from_numpy(v) for k, v in Block().state_dict().items()})
    assert_close(back.fc1.weight, Block().fc1.weight.data)


def test_load_state_dict_keeps_dtype_and_identity():
    layer = Linear(2, 3, rng=0)  # float32
    weight = layer.weight.data
    result = layer.load_state_dict({"weight": np.ones((3, 2)), "bias": np.zeros(3)})
    assert layer.weight.data is weight and weight.dtype == np.float32
    assert_close(weight, np.ones((3, 2)))
    assert result.missing_keys == [] and result.unexpected_keys == []


def test_load_state_dict_errors():
    layer = Linear(2, 3, rng=0)
    before = layer.state_dict()
    with pytest.raises(ValueError, match=r"Linear.load_state_dict: state_dict does not match the "
                                         r"module: missing keys \['bias'\], unexpected keys "
                                         r"\['extra'\]"):
        layer.load_state_dict({"weight": np.ones((3, 2)), "extra": np.ones(1)})
    with pytest.raises(ValueError, match=r"Linear.load_state_dict: expected bias of shape "
                                         r"\(3,\), got \(4,\)"):
        layer.load_state_dict({"weight": np.ones((3, 2)), "bias": np.ones(4)})
    assert_close(layer.weight.data, before["weight"])  # nothing copied on error
    with pytest.raises(TypeError, match="Linear.load_state_dict: expected state_dict to be "
                                        "collections.abc.Mapping, got list"):
        layer.load_state_dict([np.ones((3, 2))])
    result = layer.load_state_dict({"weight": np.ones((3, 2)), "extra": 1}, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["extra"]
    assert_close(layer.weight.data, np.ones((3, 2)))


def test_zero_grad_train_eval():
    net = Outer()
    for param in net.parameters():
        param.grad += 1.0
    net.zero_grad()
    assert all(not p.grad.any() for p in net.parameters())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(TypeError, match="Outer.train: expected mode to be bool, got str"):
        net.train("no")


def test_to_double_float_and_apply():
    net = Sequential(Linear(2, 3, rng=0), ReLU())
    net.double()
    assert all(p.dtype == np.float64 and p.grad.dtype == np.float64 for p in net.parameters())
    net.float()
    assert all(p.dtype == np.float32 for p in net.parameters())
    visited = []
    net.apply(lambda m: visited.append(type(m).__name__))
    assert visited == ["Linear", "ReLU", "Sequential"]


def test_repr_matches_torch():
    ours = Sequential(Linear(2, 3, rng=0), ReLU(), Sequential(Tanh(), Sigmoid()),
                      LeakyReLU(0.1), Softmax(dim=1), Identity(), Linear(3, 1, bias=False))
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(),
                                 torch.nn.Sequential(torch.nn.Tanh(), torch.nn.Sigmoid()),
                                 torch.nn.LeakyReLU(0.1), torch.nn.Softmax(dim=1),
                                 torch.nn.Identity(), torch.nn.Linear(3, 1, bias=False))
    assert repr(ours) == repr(theirs)


def test_sequential_container():
    layers = [Linear(2, 3, rng=0), ReLU(), Linear(3, 1, rng=1)]
    net = Sequential(*layers)
    assert len(net) == 3 and list(net) == layers
    assert net[0] is layers[0] and net[-1] is layers[2]
    assert isinstance(net[1:], Sequential) and list(net[1:]) == layers[1:]
    assert [n for n, _ in net[1:].named_children()] == ["0", "1"]  # renumbered, as in torch
    with pytest.raises(IndexError, match="Sequential: index 3 is out of range for 3 modules"):
        net[3]
    with pytest.raises(TypeError, match="Sequential: expected an int or slice index, got str"):
        net["0"]
    with pytest.raises(TypeError, match="Sequential: expected a dlbook.np.nn.Module, "
                                        "got numpy.ufunc"):
        Sequential(np.tanh)


def test_sequential_forward_and_backward_chain():
    net = Sequential(Linear(3, 4, dtype=np.float64, rng=0), Tanh(),
                     Linear(4, 2, dtype=np.float64, rng=1))
    x = np.random.default_rng(0).standard_normal((5, 3))
    out = net(x)
    assert_close(out, net[2](net[1](net[0](x))))
    grad = net.backward(np.ones_like(out))
    manual = net[0].backward(net[1].backward(net[2].backward(np.ones_like(out))))
    assert_close(grad, manual)


def test_identity():
    x = np.arange(3.0)
    assert Identity()(x) is x and Identity().backward(x) is x


def test_base_class_errors():
    class Forgetful(Module):
        def __init__(self):
            self.weight = Parameter(np.zeros(1))

    with pytest.raises(AttributeError, match=r"Forgetful: call super\(\).__init__\(\) before"):
        Forgetful()
    with pytest.raises(NotImplementedError, match="Module does not implement forward"):
        Module()(np.zeros(1))
    with pytest.raises(NotImplementedError, match="Module does not implement backward"):
        Module().backward(np.zeros(1))
    with pytest.raises(TypeError, match="Module.register_buffer: expected b to be a "
                                        "numpy.ndarray or None, got list"):
        Module().register_buffer("b", [1.0])


def test_parameter():
    param = Parameter(np.ones((2, 3)))
    assert param.shape == (2, 3) and param.ndim == 2 and param.size == 6
    assert param.dtype == np.float64 and param.grad.shape == (2, 3) and not param.grad.any()
    param.data = np.ones(4, dtype=np.float32)
    param.zero_grad()  # data changed shape: a fresh gradient of the new shape and dtype
    assert param.grad.shape == (4,) and param.grad.dtype == np.float32
    assert repr(Parameter(np.zeros(2))) == "Parameter containing:\narray([0., 0.])"
    with pytest.raises(TypeError, match="Parameter: expected data with a floating-point dtype, "
                                        "got int64"):
        Parameter(np.arange(3))
    with pytest.raises(TypeError, match="Parameter: expected data to be a numpy.ndarray, "
                                        "got list"):
        Parameter([1.0])


def test_load_state_dict_accepts_torch_tensors_directly():
    theirs = torch.nn.Linear(3, 2, dtype=torch.float64)
    ours = Linear(3, 2, dtype=np.float64, rng=0)
    ours.load_state_dict(dict(theirs.named_parameters()))  # tensors that require grad
    assert_close(ours.weight.data, theirs.weight)
