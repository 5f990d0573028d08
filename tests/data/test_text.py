"""tokenize, Vocabulary, pad_sequences and the text_sentiment corpus."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.data import Vocabulary, pad_sequences, text_sentiment, tokenize


def test_tokenize():
    assert tokenize("It wasn't GOOD... 10/10?") == ["it", "wasn't", "good", ".", ".", ".", "10",
                                                     "/", "10", "?"]
    with pytest.raises(TypeError, match="tokenize: expected text to be str, got list"):
        tokenize(["a"])


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


def test_text_sentiment_labels_follow_negation_and_but():
    texts, labels = text_sentiment(3000, seed=0)
    assert len(texts) == 3000 and labels.dtype == np.int64 and 0.4 < labels.mean() < 0.6
    assert texts == text_sentiment(3000, seed=0)[0]
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
