"""Tests of Part III's recurrent models (dlbook.torch.sequence, in dlbook.torch.models)."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.torch import nn as dtorch_nn
from dlbook.torch.models import (
    EncoderDecoder,
    Forecaster,
    MelodyGenerator,
    SentenceClassifier,
    SentimentLSTM,
    SequenceRegressor,
    Tagger,
)

small = st.integers(min_value=1, max_value=5)


@settings(max_examples=15, deadline=None)
@given(batch=small, steps=small, features=small, hidden=small)
def test_forecaster_gives_one_value_per_window(batch, steps, features, hidden):
    model = Forecaster(input_size=features, hidden_size=hidden)
    assert model(torch.randn(batch, steps, features)).shape == (batch,)


def test_forecaster_keys_and_bad_input():
    model = Forecaster()
    assert list(model.state_dict()) == [
        "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0",
        "head.weight", "head.bias"]
    with pytest.raises(ValueError, match=(r"Forecaster: expected input of shape \(N, W,"
                                    r" input_size\), got \(24, 1\)")):
        model(torch.zeros(24, 1))
    with pytest.raises(TypeError, match=("Forecaster: expected input to be a"
                                    " torch.Tensor .*got list")):
        model([[0.0]])
    with pytest.raises(ValueError, match="hidden_size"):
        Forecaster(hidden_size=0)


@settings(max_examples=15, deadline=None)
@given(kind=st.sampled_from(["RNN", "GRU", "LSTM"]), batch=small, steps=small, hidden=small)
def test_sequence_regressor_shapes(kind, batch, steps, hidden):
    model = SequenceRegressor(kind, hidden)
    assert isinstance(model.rnn, getattr(torch.nn, kind))
    assert model(torch.randn(batch, steps, 2)).shape == (batch,)


def test_sequence_regressor_opens_the_lstm_forget_gate():
    torch.manual_seed(0)
    plain = torch.nn.LSTM(2, 4, batch_first=True)
    torch.manual_seed(0)
    model = SequenceRegressor("LSTM", 4, forget_bias=1.0)
    difference = model.rnn.bias_ih_l0.detach() - plain.bias_ih_l0.detach()
    torch.testing.assert_close(difference, torch.tensor([0.0] * 4 + [1.0] * 4 + [0.0] * 8))
    with pytest.raises(ValueError, match="kind"):
        SequenceRegressor("Transformer", 4)
    with pytest.raises(ValueError, match=(r"expected input of shape \(N, T,"
                                    r" input_size\), got \(5, 2\)")):
        model(torch.zeros(5, 2))


def test_sequence_regressor_lstm_reads_the_final_state():
    """output[:, -1] of a one-layer LSTM is h_n[0]: the head reads the last hidden state."""
    model = SequenceRegressor("LSTM", 6)
    x = torch.randn(3, 7, 2)
    _, (h_n, _) = model.rnn(x)
    torch.testing.assert_close(model(x), model.head(h_n[0]).squeeze(-1))


@settings(max_examples=15, deadline=None)
@given(batch=small, steps=small, features=small, tags=small,
       bidirectional=st.booleans(), kind=st.sampled_from(["RNN", "GRU", "LSTM"]))
def test_tagger_on_features(batch, steps, features, tags, bidirectional, kind):
    model = Tagger(features, num_tags=tags, hidden_size=3, kind=kind, bidirectional=bidirectional)
    assert model(torch.randn(batch, steps, features)).shape == (batch, steps, tags)


def test_tagger_layers_keys_and_tokens():
    assert isinstance(Tagger(1, num_tags=2).rnn, dtorch_nn.RNN)  # the chapter's twin
    model = Tagger(16, num_tags=8, hidden_size=32, kind="LSTM", num_embeddings=8,
                   bidirectional=True)
    assert isinstance(model.rnn, torch.nn.LSTM)
    assert list(model.state_dict())[:2] == ["embed.weight", "rnn.weight_ih_l0"]
    assert model.head.in_features == 64
    assert model(torch.randint(0, 8, (4, 20))).shape == (4, 20, 8)
    with pytest.raises(TypeError, match=(r"Tagger: expected integer token ids \(N,"
                                    r" T\), got dtype torch.float32")):
        model(torch.zeros(4, 20))
    with pytest.raises(ValueError, match=(r"Tagger: expected input of shape \(N,"
                                    r" T\), got \(4, 20, 1\)")):
        model(torch.zeros(4, 20, 1, dtype=torch.long))
    with pytest.raises(ValueError, match=(r"Tagger: expected input of shape \(N, T,"
                                    r" input_size\), got \(4, 20\)")):
        Tagger(1, num_tags=2)(torch.zeros(4, 20))


def test_melody_generator_forward_and_generate():
    model = MelodyGenerator(n_melodies=3, n_notes=6)
    logits, h = model(torch.arange(3), torch.zeros(3, 14, dtype=torch.long))
    assert logits.shape == (3, 14, 6) and h.shape == (1, 3, 64)
    played = model.generate(torch.arange(3), steps=5)
    assert played.shape == (3, 5) and int(played.max()) < 6
    # generating step by step is the teacher-forced forward on the notes it played
    previous = torch.cat([torch.full((3, 1), model.start), played[:, :-1]], dim=1)
    assert torch.equal(model(torch.arange(3), previous)[0].argmax(-1), played)
    assert list(model.state_dict())[:2] == ["to_state.weight", "to_state.bias"]
    with pytest.raises(ValueError, match=(r"MelodyGenerator: expected input of"
                                    r" shape \(N, T\), got \(3,\)")):
        model(torch.arange(3), torch.zeros(3, dtype=torch.long))


def test_sentence_classifier_reads_the_last_real_step():
    torch.manual_seed(0)
    model = SentenceClassifier(10)
    tokens = torch.randint(1, 10, (4, 7))
    lengths = torch.tensor([7, 3, 1, 5])
    logits = model(tokens, lengths)
    assert logits.shape == (4, 2)
    padded = tokens.clone()
    padded[1, 3:] = 0  # what follows the last real token cannot matter
    torch.testing.assert_close(model(padded, lengths), logits)
    torch.testing.assert_close(model(tokens[1:2, :3], lengths[1:2]), logits[1:2])
    with pytest.raises(ValueError, match=r"expected lengths of shape \(4,\), got \(3,\)"):
        model(tokens, lengths[:3])


def test_encoder_decoder_forward_and_translate():
    model = EncoderDecoder(8)
    source = torch.randint(0, 8, (2, 6))
    assert model(source, source).shape == (2, 6, 8)
    written = model.translate(source, steps=4)
    assert written.shape == (2, 4)
    decoder_input = torch.cat([torch.full((2, 1), model.go), written[:, :-1]], dim=1)
    assert torch.equal(model(source, decoder_input).argmax(-1), written)
    assert isinstance(model.encoder, dtorch_nn.RNN) and isinstance(model.decoder, dtorch_nn.RNN)
    with pytest.raises(TypeError, match="EncoderDecoder: expected integer token ids"):
        model.translate(source.float(), steps=2)


def test_sentiment_lstm_packs_by_length():
    torch.manual_seed(0)
    model = SentimentLSTM(20)
    tokens = torch.randint(1, 20, (3, 9))
    lengths = torch.tensor([9, 2, 5])
    logits = model(tokens, lengths)
    assert logits.shape == (3, 2)
    # with packing, each row equals the same sentence run alone at its own length
    for row, length in enumerate(lengths.tolist()):
        torch.testing.assert_close(model(tokens[row:row + 1, :length]), logits[row:row + 1])
    assert list(model.state_dict()) == [
        "embedding.weight", "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0",
        "lstm.bias_hh_l0", "head.weight", "head.bias"]
    with pytest.raises(ValueError, match=(r"SentimentLSTM: expected lengths of"
                                    r" shape \(3,\), got \(2,\)")):
        model(tokens, lengths[:2])


def test_models_match_the_chapters_seeded_initialisation():
    """The order the layers are created in is the chapters' own, so seeded weights reproduce."""
    torch.manual_seed(0)
    reference = [torch.nn.LSTM(1, 64, batch_first=True), torch.nn.Linear(64, 1)]
    torch.manual_seed(0)
    model = Forecaster()
    torch.testing.assert_close(model.lstm.weight_hh_l0, reference[0].weight_hh_l0, rtol=0, atol=0)
    torch.testing.assert_close(model.head.weight, reference[1].weight, rtol=0, atol=0)
