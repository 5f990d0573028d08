"""tokenize, Vocabulary, pad_sequences and the text_sentiment corpus."""

from __future__ import annotations

import re
import string

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.data import Vocabulary, pad_sequences, text_sentiment, tokenize

# The tokeniser before it learned Unicode letters: ASCII text must split exactly as it did.
ASCII_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")


def test_tokenize():
    assert tokenize("It wasn't GOOD... 10/10?") == ["it", "wasn't", "good", ".", ".", ".", "10",
                                                     "/", "10", "?"]
    with pytest.raises(TypeError, match="tokenize: expected text to be str, got list"):
        tokenize(["a"])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.printable + "\x1c\x1f", max_size=60))
def test_ascii_text_splits_as_before(text):
    assert tokenize(text) == ASCII_TOKEN.findall(text.lower())


def test_the_book_corpus_splits_as_before():
    for n_samples, seed in ((3000, 0), (500, 1)):
        for text in text_sentiment(n_samples, rng=seed)[0]:
            assert tokenize(text) == ASCII_TOKEN.findall(text.lower()), text


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("café naïve", ["café", "naïve"]),
        ("cafe\u0301 nai\u0308ve", ["café", "naïve"]),  # decomposed accents: composed first
        ("Ölçü ve DÉJÀ-VU!", ["ölçü", "ve", "déjà", "-", "vu", "!"]),
        ("l'été n'est pas fini", ["l'été", "n'est", "pas", "fini"]),
        ("Straße für 3 Mädchen", ["straße", "für", "3", "mädchen"]),
        ("हिन्दी भाषा", ["हिन्दी", "भाषा"]),  # vowel signs are combining marks
        ("Москва, 2024", ["москва", ",", "2024"]),
    ],
)
def test_unicode_letters_are_letters(text, tokens):
    assert tokenize(text) == tokens


def test_vocabulary_build_encode_decode():
    corpus = [["b", "a", "b"], ["c", "b", "a", "d"]]
    vocab = Vocabulary.build(corpus, min_freq=2)
    assert vocab.itos == ["<pad>", "<unk>", "b", "a"] and len(vocab) == 4
    assert vocab.pad_index == 0 and vocab.unk_index == 1 and "a" in vocab and "c" not in vocab
    assert vocab.encode(["a", "c", "b"]) == [3, 1, 2]
    assert vocab.decode([2, 3, 0]) == ["b", "a"]
    assert vocab.decode([2, 0], skip_pad=False) == ["b", "<pad>"]
    assert Vocabulary.build(corpus, max_size=3).itos == ["<pad>", "<unk>", "b"]
    assert Vocabulary.build(corpus[::-1]).itos == Vocabulary.build(corpus).itos
    with pytest.raises(TypeError, match="Vocabulary.encode: expected a list of tokens"):
        vocab.encode("ab")
    with pytest.raises(IndexError, match=r"Vocabulary.decode: expected indices in \[0, 4\)"):
        vocab.decode([4])
    with pytest.raises(ValueError, match="Vocabulary: expected distinct tokens, got 'x' twice"):
        Vocabulary(["x", "x"])
    with pytest.raises(TypeError, match="Vocabulary.build: expected a corpus of token lists"):
        Vocabulary.build(["abc"])
    with pytest.raises(TypeError, match="Vocabulary.build: expected a corpus of token lists, "
                                        "got a string"):
        Vocabulary.build("abc")


def test_vocabulary_refuses_a_bare_string():
    with pytest.raises(TypeError, match=r"Vocabulary: expected an iterable of tokens \(a list of "
                                        r"str\), got the string 'abc': a string would be split "
                                        r"into its characters"):
        Vocabulary("abc")
    assert Vocabulary(["abc"]).itos == ["<pad>", "<unk>", "abc"]


def test_decode_takes_integer_ids_only():
    vocab = Vocabulary(["a", "b"])
    assert vocab.decode(np.array([2, 3, 0])) == ["a", "b"]
    assert vocab.decode(torch.tensor([3, 2])) == ["b", "a"]
    assert vocab.decode([np.int32(2)]) == ["a"]
    with pytest.raises(TypeError, match=r"Vocabulary.decode: expected indices to hold integer "
                                        r"ids, got float 2.0 at position 0"):
        vocab.decode([2.0])
    with pytest.raises(TypeError, match=r"Vocabulary.decode: expected indices to hold integer "
                                        r"ids, got str '2' at position 1"):
        vocab.decode([3, "2"])
    with pytest.raises(TypeError, match=r"Vocabulary.decode: expected indices with integer ids, "
                                        r"got an array of dtype float64"):
        vocab.decode(np.array([2.0, 3.0]))
    with pytest.raises(TypeError, match=r"Vocabulary.decode: expected indices to hold integer "
                                        r"ids, got float 2.0"):
        vocab.decode(torch.tensor([2.0]))
    with pytest.raises(TypeError, match=r"Vocabulary.decode: expected indices to hold integer "
                                        r"ids, got bool True"):
        vocab.decode([True])
    with pytest.raises(TypeError, match=r"Vocabulary.decode: expected indices to be a sequence "
                                        r"of integer ids, got str '23'"):
        vocab.decode("23")


def test_pad_sequences():
    padded, lengths = pad_sequences([[1, 2, 3], [4], [5, 6]])
    assert padded.tolist() == [[1, 2, 3], [4, 0, 0], [5, 6, 0]] and lengths.tolist() == [3, 1, 2]
    assert padded.dtype == np.int64 and lengths.dtype == np.int64
    padded, lengths = pad_sequences([[1, 2, 3], [4]], max_len=2, pad_value=9)
    assert padded.tolist() == [[1, 2], [4, 9]] and lengths.tolist() == [2, 1]
    padded, _ = pad_sequences([[1, 2, 3]], max_len=2, truncating="pre")
    assert padded.tolist() == [[2, 3]]
    with pytest.raises(ValueError, match="pad_sequences: expected truncating to be one of "
                                         "'post', 'pre', got 'middle'"):
        pad_sequences([[1]], truncating="middle")
    with pytest.raises(ValueError, match="pad_sequences: expected max_len >= 1, got 0"):
        pad_sequences([[1]], max_len=0)


def test_pad_sequences_takes_integer_ids_only():
    padded, lengths = pad_sequences([np.array([1, 2], dtype=np.int32), torch.tensor([3]), (4,)])
    assert padded.tolist() == [[1, 2], [3, 0], [4, 0]] and lengths.tolist() == [2, 1, 1]
    with pytest.raises(TypeError, match=r"pad_sequences: expected sequence 1 to hold integer ids, "
                                        r"got float 2.5 at position 0"):
        pad_sequences([[1], [2.5]])
    with pytest.raises(TypeError, match=r"pad_sequences: expected sequence 0 to hold integer ids, "
                                        r"got str '1' at position 0"):
        pad_sequences([["1"]])
    with pytest.raises(TypeError, match=r"pad_sequences: expected sequence 0 with integer ids, "
                                        r"got an array of dtype float64"):
        pad_sequences([np.array([1.0])])
    with pytest.raises(TypeError, match=r"pad_sequences: expected sequence 0 to be a sequence of "
                                        r"integer ids, got str 'ab'"):
        pad_sequences(["ab"])


def test_text_sentiment_labels_follow_negation_and_but():
    texts, labels = text_sentiment(3000, rng=0)
    assert len(texts) == 3000 and labels.dtype == np.int64 and 0.4 < labels.mean() < 0.6
    assert texts == text_sentiment(3000, rng=0)[0]
    positive = {"good", "great", "wonderful", "brilliant", "enjoyable", "moving", "funny",
                "beautiful", "clever", "charming"}
    for text, label in zip(texts, labels, strict=True):
        clause = tokenize(text.split(" but ")[-1])  # the clause after "but" decides
        polarity = any(t in positive for t in clause)
        negated = "not" in clause or "never" in clause
        assert label == int(polarity != negated), text
    # The same word occurs under both labels: word order, not vocabulary, decides.
    with_great = labels[[("great" in t) for t in texts]]
    assert 0 < with_great.mean() < 1


def test_text_sentiment_bad_arguments():
    with pytest.raises(ValueError, match="text_sentiment: expected n_samples >= 1, got 0"):
        text_sentiment(0)
