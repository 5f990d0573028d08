"""dlbook.torch.nn.Embedding against torch.nn.Embedding: initialisation, lookups, gradients."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlbook.torch.nn import Embedding
from tests.torch.nn.parity import SETTINGS, assert_close


@pytest.mark.parametrize("padding_idx", [None, 0, 3, -1])
def test_same_table_as_torch_after_the_same_seed(padding_idx):
    torch.manual_seed(7)
    ours = Embedding(6, 4, padding_idx=padding_idx)
    torch.manual_seed(7)
    theirs = torch.nn.Embedding(6, 4, padding_idx=padding_idx)
    assert repr(ours) == repr(theirs) and ours.padding_idx == theirs.padding_idx
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    assert torch.equal(ours.weight, theirs.weight)
    if padding_idx is not None:
        assert not ours.weight[padding_idx].any()


@SETTINGS
@given(num_embeddings=st.integers(1, 8), embedding_dim=st.integers(1, 5),
       index_shape=st.lists(st.integers(1, 4), min_size=1, max_size=3),
       use_padding=st.booleans(), int32=st.booleans(), seed=st.integers(0, 2**16))
def test_lookup_and_gradient_match_torch(num_embeddings, embedding_dim, index_shape, use_padding,
                                         int32, seed, device):
    torch.manual_seed(seed)
    padding_idx = int(torch.randint(-num_embeddings, num_embeddings, ())) if use_padding else None
    theirs = torch.nn.Embedding(num_embeddings, embedding_dim, padding_idx=padding_idx,
                                device=device, dtype=torch.float64)
    with torch.no_grad():
        theirs.weight.add_(0.5)  # the padding row non-zero too: it is read, never trained
    ours = Embedding(num_embeddings, embedding_dim, padding_idx=padding_idx, device=device,
                     dtype=torch.float64)
    ours.load_state_dict(theirs.state_dict())
    # repeated tokens: their gradients must add up in the shared row
    indices = torch.randint(0, num_embeddings, index_shape, device=device,
                            dtype=torch.int32 if int32 else torch.int64)
    out_ours, out_theirs = ours(indices), theirs(indices)
    assert out_ours.shape == (*index_shape, embedding_dim)
    assert_close(out_ours, out_theirs, "output")
    upstream = torch.randn_like(out_theirs)
    out_ours.backward(upstream)
    out_theirs.backward(upstream)
    assert_close(ours.weight.grad, theirs.weight.grad, "grad weight")
    if padding_idx is not None:
        assert not ours.weight.grad[ours.padding_idx].any()


def test_padding_row_never_trains(device):
    torch.manual_seed(0)
    layer = Embedding(5, 3, padding_idx=2, device=device)
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.5)
    for _ in range(3):
        optimizer.zero_grad()
        layer(torch.tensor([[2, 1, 2], [0, 2, 4]], device=device)).pow(2).sum().backward()
        optimizer.step()
    assert not layer.weight[2].any()


def test_bad_input():
    layer = Embedding(10, 3)
    with pytest.raises(TypeError, match=r"^Embedding: expected input of dtype torch.int64 or "
                                        r"torch.int32 \(token indices\), got torch.float32$"):
        layer(torch.zeros(2, 3))
    with pytest.raises(TypeError, match="^Embedding: expected input to be a torch.Tensor of "
                                        "token indices, got list$"):
        layer([1, 2])
    with pytest.raises(ValueError, match=r"^Embedding: expected indices in \[0, 10\) "
                                         r"\(num_embeddings rows\), got values in \[-1, 3\]$"):
        layer(torch.tensor([3, -1]))
    with pytest.raises(ValueError, match=r"got values in \[0, 10\]$"):
        layer(torch.tensor([0, 10]))
    with pytest.raises(ValueError, match=r"^Embedding: expected padding_idx in \[-10, 10\) "
                                         r"\(within num_embeddings\), got 10$"):
        Embedding(10, 3, padding_idx=10)
    with pytest.raises(ValueError, match="^Embedding: expected embedding_dim >= 1, got 0$"):
        Embedding(10, 0)
