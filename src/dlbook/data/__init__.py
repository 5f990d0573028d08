"""Data sets the book uses, all offline: generators, loaders, splits and batching.

- :func:`circles`: two concentric circles (the course's classification demo);
- :func:`load_digits`: scikit-learn's 8 x 8 handwritten digits;
- :func:`train_val_test_split`: training, validation and test sets;
- :class:`DataLoader`: mini-batches of NumPy arrays, reshuffled every epoch;
- :class:`TransformedLoader`: another loader's batches with their inputs transformed (augmentation);
- :func:`read_idx`, :func:`write_idx`, :func:`load_mnist`: the IDX files MNIST comes in;
- :func:`adding_problem`, :func:`copy_task`: synthetic sequence tasks that need memory;
- :func:`sliding_windows`, :func:`load_sunspots`, :func:`load_co2`: time-series forecasting;
- :func:`tokenize`, :class:`Vocabulary`, :func:`pad_sequences`, :func:`text_sentiment`: text;
- :class:`PaddedBatchLoader`: batches of padded sequences cut to their longest, with lengths;
- :func:`translated_digits`: digits placed at random positions on a larger canvas;
- :func:`class_subset`: a task made of some of the classes, relabelled, few labels each.
"""

from dlbook.data.circles import circles
from dlbook.data.digits import load_digits
from dlbook.data.idx import load_mnist, read_idx, write_idx
from dlbook.data.loader import DataLoader
from dlbook.data.padded import PaddedBatchLoader
from dlbook.data.sentiment import text_sentiment
from dlbook.data.sequences import adding_problem, copy_task
from dlbook.data.splits import Splits, train_val_test_split
from dlbook.data.subsets import class_subset
from dlbook.data.text import Vocabulary, pad_sequences, tokenize
from dlbook.data.timeseries import load_co2, load_sunspots
from dlbook.data.transformed import TransformedLoader
from dlbook.data.translated import translated_digits
from dlbook.data.windows import sliding_windows

__all__ = [
    "DataLoader",
    "PaddedBatchLoader",
    "Splits",
    "TransformedLoader",
    "circles",
    "load_digits",
    "load_mnist",
    "read_idx",
    "train_val_test_split",
    "write_idx",
    "adding_problem",
    "copy_task",
    "sliding_windows",
    "load_sunspots",
    "load_co2",
    "tokenize",
    "Vocabulary",
    "pad_sequences",
    "text_sentiment",
    "translated_digits",
    "class_subset",
]
