"""Tests of dlbook.torch.data.TensorLoader."""

from __future__ import annotations

import pytest
import torch

from dlbook.torch.data import TensorLoader


def test_in_order_batches_cover_every_row_once():
    x, y = torch.arange(14.0).reshape(7, 2), torch.arange(7)
    batches = list(TensorLoader(x, y, batch_size=3))
    assert [len(xb) for xb, _ in batches] == [3, 3, 1] == [len(yb) for _, yb in batches]
    assert torch.equal(torch.cat([xb for xb, _ in batches]), x)
    assert len(TensorLoader(x, y, batch_size=3)) == 3 and len(TensorLoader(x, batch_size=7)) == 1


def test_three_tensors_give_triples_for_fit():
    x, y, extra = torch.zeros(4, 2), torch.arange(4), torch.arange(4) + 10
    for batch in TensorLoader(x, y, extra, batch_size=2, shuffle=True, rng=1):
        assert len(batch) == 3 and torch.equal(batch[2], batch[1] + 10)


def test_shuffle_is_one_randperm_per_epoch_of_its_own_generator():
    y = torch.arange(10)
    loader = TensorLoader(y, batch_size=4, shuffle=True, rng=0)
    generator = torch.Generator().manual_seed(0)
    for _ in range(3):  # the same orders as a loop over torch.randperm(10).split(4)
        expected = [rows.tolist() for rows in torch.randperm(10, generator=generator).split(4)]
        assert [batch.tolist() for batch, in loader] == expected
    again = TensorLoader(y, batch_size=4, shuffle=True, rng=0)
    assert [b.tolist() for b, in again] != [b.tolist() for b, in again]  # a new order each epoch


def test_rng_none_uses_the_global_generator():
    y = torch.arange(8)
    torch.manual_seed(3)
    got = [b.tolist() for b, in TensorLoader(y, batch_size=8, shuffle=True)]
    torch.manual_seed(3)
    assert got == [torch.randperm(8).tolist()]


def test_trains_with_fit_on_triples():
    from dlbook.torch.train import fit

    class AddExtra(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(1, 1)

        def forward(self, x, extra):
            return self.linear(x) + extra

    torch.manual_seed(0)
    x = torch.linspace(-1, 1, 16).reshape(16, 1)
    model = AddExtra()
    history = fit(model, torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1),
                  TensorLoader(x, 2 * x + 1, torch.ones(16, 1), batch_size=4, shuffle=True,
                               rng=0), epochs=3, metrics=None, progress=False)
    assert len(history.iteration_loss) == 12


def test_bad_input():
    with pytest.raises(TypeError, match="TensorLoader: expected at least one tensor, got none"):
        TensorLoader(batch_size=2)
    with pytest.raises(TypeError, match=r"TensorLoader: expected tensors\[1\] to be "):
        TensorLoader(torch.zeros(3), [1, 2, 3], batch_size=2)
    with pytest.raises(ValueError, match=r"same number N >= 1 of rows, got \[3, 4\]"):
        TensorLoader(torch.zeros(3), torch.zeros(4), batch_size=2)
    with pytest.raises(ValueError, match="0-d"):
        TensorLoader(torch.tensor(1.0), batch_size=2)
    with pytest.raises(ValueError, match="batch_size"):
        TensorLoader(torch.zeros(3), batch_size=0)
    with pytest.raises(TypeError, match="TensorLoader: expected rng to be a non-negative int"):
        TensorLoader(torch.zeros(3), batch_size=2, rng=-1)
    with pytest.raises(TypeError, match="shuffle"):
        TensorLoader(torch.zeros(3), batch_size=2, shuffle=1)
