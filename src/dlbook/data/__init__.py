"""Data sets the book uses, all offline: generators, loaders, splits and batching.

- :func:`circles`: two concentric circles (the course's classification demo);
- :func:`load_digits`: scikit-learn's 8 x 8 handwritten digits;
- :func:`train_val_test_split`: training, validation and test sets;
- :class:`DataLoader`: mini-batches of NumPy arrays, reshuffled every epoch;
- :func:`read_idx`, :func:`write_idx`, :func:`load_mnist`: the IDX files MNIST comes in.
"""

from dlbook.data.circles import circles
from dlbook.data.digits import load_digits
from dlbook.data.idx import load_mnist, read_idx, write_idx
from dlbook.data.loader import DataLoader
from dlbook.data.splits import Splits, train_val_test_split

__all__ = [
    "DataLoader",
    "Splits",
    "circles",
    "load_digits",
    "load_mnist",
    "read_idx",
    "train_val_test_split",
    "write_idx",
]
