"""Part III's recurrent networks: a forecaster, a regressor, taggers, classifiers, generators.

Each model is the one a chapter of Part III trains, written once so that the chapter imports
it. Layers are those the chapter teaches with: :class:`dlbook.torch.nn.RNN` (the twin written
from torch operations) where the chapter builds on it, ``torch.nn``'s fused LSTM and GRU where
the chapter needs their speed. Parameters are created in the order listed, so a seeded model
starts from the same weights every time.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from dlbook._checks import check_in, check_positive_int, type_name
from dlbook.torch.nn import RNN

__all__ = [
    "Forecaster", "SequenceRegressor", "Tagger", "MelodyGenerator", "SentenceClassifier",
    "EncoderDecoder", "SentimentLSTM",
]

#: The recurrent layers :class:`SequenceRegressor` and :class:`Tagger` accept by name.
RECURRENT_KINDS = ("RNN", "GRU", "LSTM")


def _check_input(input: Any, ndim: int, layout: str, caller: str, *,
                 integer: bool = False) -> None:
    """Raise TypeError/ValueError unless ``input`` is a tensor of ``ndim`` dimensions."""
    if not isinstance(input, torch.Tensor):
        raise TypeError(f"{caller}: expected input to be a torch.Tensor {layout}, "
                        f"got {type_name(input)}")
    if input.dim() != ndim:
        raise ValueError(f"{caller}: expected input of shape {layout}, "
                         f"got {tuple(input.shape)}")
    if integer and input.is_floating_point():
        raise TypeError(f"{caller}: expected integer token ids {layout}, got dtype {input.dtype}")


def _recurrent(kind: str, input_size: int, hidden_size: int, *, bidirectional: bool = False,
               twin_rnn: bool, caller: str) -> nn.Module:
    """The batch-first layer ``kind``: torch's RNN, GRU or LSTM, or dlbook's RNN twin."""
    check_in(kind, "kind", RECURRENT_KINDS, caller=caller)
    if kind == "RNN" and twin_rnn:
        return RNN(input_size, hidden_size, batch_first=True, bidirectional=bidirectional)
    return getattr(nn, kind)(input_size, hidden_size, batch_first=True,
                             bidirectional=bidirectional)


def _open_forget_gate(lstm: nn.LSTM, forget_bias: float) -> None:
    """Add ``forget_bias`` to the forget-gate slice of the LSTM's input bias (gates i, f, g, o)."""
    hidden_size = lstm.hidden_size
    with torch.no_grad():
        lstm.bias_ih_l0[hidden_size:2 * hidden_size] += forget_bias


class Forecaster(nn.Module):
    """The course's forecaster: ``LSTM(hidden_size)`` over a window, then ``Dense(1)``.

    Parameters
    ----------
    input_size
        Features per time step (1 for a univariate series).
    hidden_size
        Units of the LSTM (64, as in the course).

    The forward pass takes windows of shape ``(N, W, input_size)`` (batch first, as in Keras)
    and returns one forecast per window, shape ``(N,)``, read off the LSTM's last hidden state.

    >>> _ = torch.manual_seed(0)
    >>> Forecaster()(torch.zeros(5, 24, 1)).shape
    torch.Size([5])

    Introduced in :doc:`/book/sequences/forecasting`.
    """

    def __init__(self, input_size: int = 1, hidden_size: int = 64) -> None:
        super().__init__()
        check_positive_int(input_size, "input_size", caller="Forecaster")
        check_positive_int(hidden_size, "hidden_size", caller="Forecaster")
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        _check_input(input, 3, "(N, W, input_size)", "Forecaster")
        output, (h_n, c_n) = self.lstm(input)  # h_n: (num_layers, N, hidden_size)
        return self.head(h_n[-1]).squeeze(-1)  # (N,)


class SequenceRegressor(nn.Module):
    """A recurrent layer read at its last step, then one linear output: a number per sequence.

    Parameters
    ----------
    kind
        ``"RNN"``, ``"GRU"`` or ``"LSTM"``: the ``torch.nn`` layer of that name. All three are
        torch's fused layers, so that comparing their time per step compares like with like.
    hidden_size
        Units of the recurrent layer.
    input_size
        Features per step (2 for the adding problem: a value and a marker).
    forget_bias
        Added to the LSTM's forget-gate bias at initialisation (ignored for other kinds), so
        the cell starts by remembering; 1.0 as Jozefowicz et al. recommend.

    The forward pass maps ``(N, T, input_size)`` to ``(N,)``.

    >>> _ = torch.manual_seed(0)
    >>> SequenceRegressor("LSTM", hidden_size=8)(torch.zeros(4, 10, 2)).shape
    torch.Size([4])

    Introduced in :doc:`/book/sequences/which-to-use` and :doc:`/book/sequences/lstm-gru`.
    """

    def __init__(self, kind: str, hidden_size: int, input_size: int = 2,
                 forget_bias: float = 1.0) -> None:
        super().__init__()
        check_positive_int(hidden_size, "hidden_size", caller="SequenceRegressor")
        check_positive_int(input_size, "input_size", caller="SequenceRegressor")
        self.rnn = _recurrent(kind, input_size, hidden_size, twin_rnn=False,
                              caller="SequenceRegressor")
        self.head = nn.Linear(hidden_size, 1)
        if kind == "LSTM":
            _open_forget_gate(self.rnn, forget_bias)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        _check_input(input, 3, "(N, T, input_size)", "SequenceRegressor")
        output, _ = self.rnn(input)  # (N, T, H)
        return self.head(output[:, -1]).squeeze(-1)  # (N,)


class Tagger(nn.Module):
    """One label per step: a recurrent layer, then a linear layer on every step's output.

    Parameters
    ----------
    input_size
        Features per step; with ``num_embeddings`` the width of the token embedding instead.
    num_tags
        Labels to choose from at each step (the output width).
    hidden_size
        Units of the recurrent layer (per direction).
    kind
        ``"RNN"`` (:class:`dlbook.torch.nn.RNN`, the default), ``"GRU"`` or ``"LSTM"``
        (``torch.nn``'s).
    num_embeddings
        If given, the input is integer tokens ``(N, T)`` from a vocabulary of this size, embedded
        into ``input_size`` features first; otherwise it is ``(N, T, input_size)`` features.
    bidirectional
        Read the sequence both ways; the linear layer then sees both directions' states.

    The forward pass returns scores of shape ``(N, T, num_tags)``.

    >>> _ = torch.manual_seed(0)
    >>> Tagger(1, num_tags=2)(torch.zeros(3, 20, 1)).shape
    torch.Size([3, 20, 2])
    >>> Tagger(16, num_tags=8, hidden_size=32, kind="LSTM", num_embeddings=8,
    ...        bidirectional=True)(torch.zeros(3, 20, dtype=torch.long)).shape
    torch.Size([3, 20, 8])

    Introduced in :doc:`/book/sequences/patterns` and :doc:`/book/sequences/lstm-gru`.
    """

    def __init__(self, input_size: int, num_tags: int, hidden_size: int = 16, *,
                 kind: str = "RNN", num_embeddings: int | None = None,
                 bidirectional: bool = False) -> None:
        super().__init__()
        check_positive_int(input_size, "input_size", caller="Tagger")
        check_positive_int(num_tags, "num_tags", caller="Tagger")
        check_positive_int(hidden_size, "hidden_size", caller="Tagger")
        if num_embeddings is not None:
            check_positive_int(num_embeddings, "num_embeddings", caller="Tagger")
            self.embed = nn.Embedding(num_embeddings, input_size)
        self.rnn = _recurrent(kind, input_size, hidden_size, bidirectional=bidirectional,
                              twin_rnn=True, caller="Tagger")
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), num_tags)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        if hasattr(self, "embed"):
            _check_input(input, 2, "(N, T)", "Tagger", integer=True)
            input = self.embed(input)  # (N, T, input_size)
        else:
            _check_input(input, 3, "(N, T, input_size)", "Tagger")
        output, _ = self.rnn(input)  # (N, T, num_directions * H): every step
        return self.head(output)  # (N, T, num_tags)


class MelodyGenerator(nn.Module):
    """One-to-many: the choice of a melody sets ``h_0``; each step's input is the previous note.

    Parameters
    ----------
    n_melodies
        Melodies the model knows; ``melody_id`` is one of ``range(n_melodies)``.
    n_notes
        Pitches; token ``n_notes`` is the start symbol fed at the first step.
    hidden_size
        Units of the :class:`dlbook.torch.nn.RNN`.
    embedding_dim
        Width of the note embedding.

    ``forward(melody_id, previous_notes, h=None)`` takes ids ``(N,)`` and notes ``(N, T)``
    (teacher forcing: the true previous notes) and returns ``(logits, h)`` with logits of shape
    ``(N, T, n_notes)``; :meth:`generate` feeds the model its own output instead.

    >>> _ = torch.manual_seed(0)
    >>> model = MelodyGenerator(n_melodies=3, n_notes=6)
    >>> logits, h = model(torch.arange(3), torch.zeros(3, 14, dtype=torch.long))
    >>> tuple(logits.shape), tuple(h.shape), tuple(model.generate(torch.arange(3), 5).shape)
    ((3, 14, 6), (1, 3, 64), (3, 5))

    Introduced in :doc:`/book/sequences/patterns`.
    """

    def __init__(self, n_melodies: int, n_notes: int, hidden_size: int = 64,
                 embedding_dim: int = 8) -> None:
        super().__init__()
        check_positive_int(n_melodies, "n_melodies", caller="MelodyGenerator")
        check_positive_int(n_notes, "n_notes", caller="MelodyGenerator")
        self.start = n_notes  # the start symbol's token
        self.to_state = nn.Linear(n_melodies, hidden_size)  # the one input -> h_0
        self.embed = nn.Embedding(n_notes + 1, embedding_dim)  # notes and the start symbol
        self.rnn = RNN(embedding_dim, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, n_notes)

    def forward(self, melody_id: torch.Tensor, previous_notes: torch.Tensor,
                h: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        _check_input(previous_notes, 2, "(N, T)", "MelodyGenerator", integer=True)
        if h is None:
            one_hot = nn.functional.one_hot(melody_id, self.to_state.in_features)  # (N, M)
            h = torch.tanh(self.to_state(one_hot.float()))[None]  # (1, N, H)
        output, h = self.rnn(self.embed(previous_notes), h)  # (N, T, H)
        return self.head(output), h  # (N, T, n_notes)

    @torch.no_grad()
    def generate(self, melody_id: torch.Tensor, steps: int) -> torch.Tensor:
        """Play ``steps`` notes of each melody, the most likely note fed back: ``(N, steps)``."""
        note = torch.full((len(melody_id), 1), self.start, device=melody_id.device)
        h, played = None, []
        for _ in range(steps):
            logits, h = self(melody_id, note, h)
            note = logits.argmax(dim=-1)  # (N, 1): its own output, fed back
            played.append(note)
        return torch.cat(played, dim=1)


class SentenceClassifier(nn.Module):
    """Many-to-one: embed, run a :class:`dlbook.torch.nn.RNN`, classify the last real step.

    Parameters
    ----------
    vocab_size
        Token ids run over ``range(vocab_size)``; id 0 is padding.
    num_classes
        Outputs (logits).
    embedding_dim, hidden_size
        Widths of the embedding and the recurrent state.

    ``forward(tokens, lengths)`` takes padded ids ``(N, T)`` and true lengths ``(N,)`` and
    returns ``(N, num_classes)``; the padding after a sentence cannot reach its last real step,
    because the network reads left to right.

    >>> _ = torch.manual_seed(0)
    >>> SentenceClassifier(10)(torch.ones(4, 7, dtype=torch.long), torch.tensor([7, 3, 1, 5])).shape
    torch.Size([4, 2])

    Introduced in :doc:`/book/sequences/patterns`.
    """

    def __init__(self, vocab_size: int, num_classes: int = 2, embedding_dim: int = 16,
                 hidden_size: int = 64) -> None:
        super().__init__()
        check_positive_int(vocab_size, "vocab_size", caller="SentenceClassifier")
        check_positive_int(num_classes, "num_classes", caller="SentenceClassifier")
        self.embed = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.rnn = RNN(embedding_dim, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, num_classes)

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        _check_input(tokens, 2, "(N, T)", "SentenceClassifier", integer=True)
        lengths = torch.as_tensor(lengths, device=tokens.device)
        if lengths.shape != tokens.shape[:1]:
            raise ValueError(f"SentenceClassifier: expected lengths of shape "
                             f"({tokens.shape[0]},), got {tuple(lengths.shape)}")
        output, _ = self.rnn(self.embed(tokens))  # (N, T, H)
        last = output[torch.arange(len(tokens)), lengths - 1]  # (N, H): last real step
        return self.head(last)  # (N, num_classes)


class EncoderDecoder(nn.Module):
    """Sequence to sequence: an encoder RNN's final state starts a decoder RNN.

    Parameters
    ----------
    n_symbols
        Size of the alphabet of both sequences; token ``n_symbols`` is the decoder's start
        symbol.
    embedding_dim, hidden_size
        Widths of the embeddings and of both :class:`dlbook.torch.nn.RNN` states.

    ``forward(source, decoder_input)`` takes ``(N, T_in)`` and ``(N, T_out)`` tokens (teacher
    forcing) and returns logits ``(N, T_out, n_symbols)``; :meth:`translate` decodes greedily.

    >>> _ = torch.manual_seed(0)
    >>> model = EncoderDecoder(8)
    >>> source = torch.zeros(2, 6, dtype=torch.long)
    >>> tuple(model(source, source).shape), tuple(model.translate(source, steps=4).shape)
    ((2, 6, 8), (2, 4))

    Introduced in :doc:`/book/sequences/patterns`.
    """

    def __init__(self, n_symbols: int, embedding_dim: int = 16, hidden_size: int = 64) -> None:
        super().__init__()
        check_positive_int(n_symbols, "n_symbols", caller="EncoderDecoder")
        self.go = n_symbols  # the decoder's start symbol
        self.embed_source = nn.Embedding(n_symbols, embedding_dim)
        self.embed_target = nn.Embedding(n_symbols + 1, embedding_dim)  # + the start symbol
        self.encoder = RNN(embedding_dim, hidden_size, batch_first=True)
        self.decoder = RNN(embedding_dim, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, n_symbols)

    def forward(self, source: torch.Tensor, decoder_input: torch.Tensor) -> torch.Tensor:
        _check_input(source, 2, "(N, T_in)", "EncoderDecoder", integer=True)
        _, summary = self.encoder(self.embed_source(source))  # h_n: (1, N, H)
        output, _ = self.decoder(self.embed_target(decoder_input), summary)  # (N, T_out, H)
        return self.head(output)  # (N, T_out, n_symbols)

    @torch.no_grad()
    def translate(self, source: torch.Tensor, steps: int) -> torch.Tensor:
        """Decode ``steps`` tokens per source sequence, each fed back: ``(N, steps)``."""
        _check_input(source, 2, "(N, T_in)", "EncoderDecoder", integer=True)
        _, h = self.encoder(self.embed_source(source))  # (1, N, H)
        token = torch.full((len(source), 1), self.go, device=source.device)
        written = []
        for _ in range(steps):
            output, h = self.decoder(self.embed_target(token), h)
            token = self.head(output).argmax(dim=-1)  # (N, 1), fed back
            written.append(token)
        return torch.cat(written, dim=1)


class SentimentLSTM(nn.Module):
    """Embedding, ``torch.nn.LSTM`` over packed sequences, linear layer on the last state.

    Parameters
    ----------
    vocab_size
        Token ids run over ``range(vocab_size)``; id 0 is padding.
    embedding_dim, hidden_size
        Widths of the embedding and the LSTM state.
    num_classes
        Outputs (logits).

    ``forward(token_ids, lengths=None)`` takes padded ids ``(N, T)`` and, optionally, true
    lengths ``(N,)``; with lengths the LSTM runs each sentence for its own number of steps
    (``pack_padded_sequence``), so ``h_n`` is the state after its last real token. Returns
    ``(N, num_classes)``.

    >>> _ = torch.manual_seed(0)
    >>> SentimentLSTM(20)(torch.ones(3, 9, dtype=torch.long), torch.tensor([9, 2, 5])).shape
    torch.Size([3, 2])

    Introduced in :doc:`/book/sequences/text-classification`.
    """

    def __init__(self, vocab_size: int, embedding_dim: int = 32, hidden_size: int = 64,
                 num_classes: int = 2) -> None:
        super().__init__()
        check_positive_int(vocab_size, "vocab_size", caller="SentimentLSTM")
        check_positive_int(num_classes, "num_classes", caller="SentimentLSTM")
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.lstm = nn.LSTM(embedding_dim, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, num_classes)

    def forward(self, token_ids: torch.Tensor, lengths: Any = None) -> torch.Tensor:
        _check_input(token_ids, 2, "(N, T)", "SentimentLSTM", integer=True)
        vectors = self.embedding(token_ids)  # (N, T, embedding_dim)
        if lengths is not None:  # run each sequence for its own number of steps
            lengths = torch.as_tensor(lengths).cpu()  # packing wants the lengths on the CPU
            if lengths.shape != token_ids.shape[:1]:
                raise ValueError(f"SentimentLSTM: expected lengths of shape "
                                 f"({token_ids.shape[0]},), got {tuple(lengths.shape)}")
            vectors = pack_padded_sequence(vectors, lengths, batch_first=True,
                                           enforce_sorted=False)
        _, (h_n, _) = self.lstm(vectors)  # h_n: (1, N, hidden_size)
        return self.head(h_n[-1])  # (N, num_classes)
