"""Text to tensors: tokenising, a vocabulary of token indices, and padding to one length."""

from __future__ import annotations

import functools
import numbers
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from dlbook._checks import check_in, check_int, check_type, type_name

__all__ = ["tokenize", "Vocabulary", "pad_sequences"]


@functools.lru_cache(maxsize=64)
def _token_pattern(marks: str) -> re.Pattern[str]:
    r"""Words (letters, digits and the combining ``marks`` of the text) or one other character.

    ``[^\W_]`` is a Unicode letter or digit and ``[^\W\d_]`` a letter; for ASCII text they
    are ``[a-z0-9]`` and ``[a-z]`` after lower-casing. Python's ``\w`` leaves out combining
    marks (the accent of a decomposed ``e`` + U+0301, the vowel signs of Devanagari), so the
    marks present in the text are added to the word characters.
    """
    extra = f"|[{re.escape(marks)}]" if marks else ""
    word, letter = rf"(?:[^\W_]{extra})", rf"(?:[^\W\d_]{extra})"
    return re.compile(rf"[^\W_]{word}*(?:'{letter}+)?|[^\s\w]|_")


def tokenize(text: str) -> list[str]:
    """Lower-case ``text`` and split it into words (keeping ``don't``) and punctuation marks.

    A word is a run of letters and digits in any script (``café``, ``naïve``, ``ölçü``), with
    an optional ``'`` and letters after it; any other character but white space is a token of
    its own. The text is first brought to Unicode's composed form (NFC), so an accent typed as
    a separate combining character stays inside its word.

    >>> tokenize("The film wasn't good, honestly!")
    ['the', 'film', "wasn't", 'good', ',', 'honestly', '!']
    >>> tokenize("Café naïve, déjà-vu")
    ['café', 'naïve', ',', 'déjà', '-', 'vu']

    Introduced in :doc:`/book/sequences/sequences-as-tensors`.
    """
    check_type(text, "text", str, caller="tokenize")
    text = unicodedata.normalize("NFC", text).lower()
    marks = "" if text.isascii() else "".join(sorted(
        {c for c in text if unicodedata.category(c).startswith("M")}))
    return _token_pattern(marks).findall(text)


def _check_ids(values: Iterable[int], name: str, caller: str) -> list[int]:
    """A sequence of integer token ids (Python or NumPy integers, not bools, floats or text)."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{caller}: expected {name} to be a sequence of integer ids, got "
                        f"{type_name(values)} {values!r}")
    if hasattr(values, "tolist") and not isinstance(values, (list, tuple)):
        array = values
        kind = getattr(getattr(array, "dtype", None), "kind", None)
        if kind is not None and kind not in "iu":  # a NumPy array of floats, say
            raise TypeError(f"{caller}: expected {name} with integer ids, got an array of "
                            f"dtype {array.dtype}")
        values = array.tolist()  # NumPy arrays and torch tensors alike
        if not isinstance(values, list):
            values = [values]
    ids = list(values)
    for position, value in enumerate(ids):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{caller}: expected {name} to hold integer ids, got "
                            f"{type_name(value)} {value!r} at position {position}")
    return [int(value) for value in ids]


class Vocabulary:
    """A two-way map between tokens and integer indices, with padding and unknown tokens.

    Index 0 is the padding token ``"<pad>"`` (``PAD``, so that
    :func:`pad_sequences`' default pad value and ``Embedding(..., padding_idx=0)`` agree)
    and index 1 the unknown token ``"<unk>"``, which stands for every token not in the
    vocabulary.

    Parameters
    ----------
    tokens : iterable of str
        The ordinary tokens, in index order (indices 2, 3, ...); duplicates are an error.
        :meth:`build` makes them from a corpus.

    Examples
    --------
    >>> vocab = Vocabulary.build([["a", "b", "b"], ["b", "c"]])
    >>> vocab.itos, len(vocab)
    (['<pad>', '<unk>', 'b', 'a', 'c'], 5)
    >>> vocab.encode(["b", "z", "a"]), vocab.decode([3, 2, 0, 0])
    ([2, 1, 3], ['a', 'b'])

    Introduced in :doc:`/book/sequences/sequences-as-tensors`.
    """

    PAD, UNK = "<pad>", "<unk>"
    pad_index, unk_index = 0, 1

    def __init__(self, tokens: Iterable[str] = ()) -> None:
        if isinstance(tokens, (str, bytes)):
            raise TypeError(f"Vocabulary: expected an iterable of tokens (a list of str), got "
                            f"the string {tokens[:20]!r}: a string would be split into its "
                            f"characters; pass [the_string] for one token, or use "
                            f"Vocabulary.build on tokenised text")
        self.itos: list[str] = [self.PAD, self.UNK]
        self.stoi: dict[str, int] = {self.PAD: 0, self.UNK: 1}
        for token in tokens:
            check_type(token, "each token", str, caller="Vocabulary")
            if token in self.stoi:
                raise ValueError(f"Vocabulary: expected distinct tokens, got {token!r} twice "
                                 f"(or a special token)")
            self.stoi[token] = len(self.itos)
            self.itos.append(token)

    @classmethod
    def build(cls, corpus: Iterable[Sequence[str]], min_freq: int = 1,
              max_size: int | None = None) -> Vocabulary:
        """Vocabulary of the tokens in ``corpus`` (a list of token lists), most frequent first.

        Ties are broken alphabetically, so the result never depends on the corpus order.
        Tokens seen fewer than ``min_freq`` times are left out; ``max_size`` caps the size,
        the two special tokens included.
        """
        min_freq = check_int(min_freq, "min_freq", caller="Vocabulary.build", minimum=1)
        if max_size is not None:
            max_size = check_int(max_size, "max_size", caller="Vocabulary.build", minimum=2)
        if isinstance(corpus, (str, bytes)):
            raise TypeError("Vocabulary.build: expected a corpus of token lists, got a string "
                            "(tokenize it first, and wrap it in a list: [tokens])")
        counts: Counter[str] = Counter()
        for tokens in corpus:
            if isinstance(tokens, str):
                raise TypeError("Vocabulary.build: expected a corpus of token lists, got a "
                                "string among them (tokenize it first)")
            counts.update(tokens)
        ranked = sorted((t for t, n in counts.items() if n >= min_freq and t not in
                         (cls.PAD, cls.UNK)), key=lambda t: (-counts[t], t))
        if max_size is not None:
            ranked = ranked[:max_size - 2]
        return cls(ranked)

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: object) -> bool:
        return token in self.stoi

    def encode(self, tokens: Iterable[str]) -> list[int]:
        """Indices of ``tokens``; unknown tokens map to ``unk_index``."""
        if isinstance(tokens, str):
            raise TypeError("Vocabulary.encode: expected a list of tokens, got a string "
                            "(tokenize it first)")
        return [self.stoi.get(token, self.unk_index) for token in tokens]

    def decode(self, indices: Iterable[int], skip_pad: bool = True) -> list[str]:
        """Tokens of ``indices`` (padding left out unless ``skip_pad=False``).

        ``indices`` holds integers (a list, a NumPy array or a tensor of an integer dtype);
        floats and strings are refused rather than converted.
        """
        tokens = []
        for index in _check_ids(indices, "indices", "Vocabulary.decode"):
            if not 0 <= index < len(self.itos):
                raise IndexError(f"Vocabulary.decode: expected indices in [0, {len(self)}), "
                                 f"got {index}")
            if not (skip_pad and index == self.pad_index):
                tokens.append(self.itos[index])
        return tokens

    def __repr__(self) -> str:
        return f"Vocabulary(size={len(self)})"


def pad_sequences(
    sequences: Iterable[Sequence[int]],
    max_len: int | None = None,
    pad_value: int = 0,
    truncating: str = "post",
) -> tuple[np.ndarray, np.ndarray]:
    """Pad (at the end) or truncate integer sequences to one length; also return the lengths.

    Padding always goes after the real tokens, so ``lengths`` is exactly what the recurrent
    layers' ``lengths=`` argument needs to ignore the padding.

    Parameters
    ----------
    sequences : iterable of sequences of int
        Token indices: Python or NumPy integers (floats, bools and strings are refused, not
        converted).
    max_len : int or None
        Output length; ``None`` means the longest sequence's length.
    pad_value : int, default 0
        The fill value (``Vocabulary.pad_index``).
    truncating : {"post", "pre"}
        Where to cut a sequence longer than ``max_len``: drop its end (``"post"``) or its
        beginning (``"pre"``, keeping the last ``max_len`` tokens).

    Returns
    -------
    padded : numpy.ndarray
        int64, ``(n, max_len)``.
    lengths : numpy.ndarray
        int64, ``(n,)``: the number of real tokens kept of each sequence.

    Examples
    --------
    >>> padded, lengths = pad_sequences([[5, 6, 7], [8]], max_len=2, truncating="pre")
    >>> padded.tolist(), lengths.tolist()
    ([[6, 7], [8, 0]], [2, 1])

    Introduced in :doc:`/book/sequences/sequences-as-tensors`.
    """
    caller = "pad_sequences"
    check_in(truncating, "truncating", ("post", "pre"), caller=caller)
    pad_value = check_int(pad_value, "pad_value", caller=caller)
    if isinstance(sequences, (str, bytes)):
        raise TypeError(f"{caller}: expected sequences of integer ids, got a string")
    sequences = [_check_ids(s, f"sequence {i}", caller) for i, s in enumerate(sequences)]
    if max_len is None:
        max_len = max((len(s) for s in sequences), default=0)
    else:
        max_len = check_int(max_len, "max_len", caller=caller, minimum=1)
    padded = np.full((len(sequences), max_len), pad_value, dtype=np.int64)
    lengths = np.zeros(len(sequences), dtype=np.int64)
    for row, sequence in enumerate(sequences):
        kept = sequence[:max_len] if truncating == "post" else sequence[-max_len:] if len(
            sequence) > max_len else sequence
        padded[row, :len(kept)] = kept
        lengths[row] = len(kept)
    return padded, lengths
