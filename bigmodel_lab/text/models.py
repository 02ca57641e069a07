"""Recurrent text classifiers: the chapters' models, repaired.

:class:`RNNClassifier` is embedding (词嵌入) -> LSTM or GRU over the packed sequence ->
dropout -> linear. With ``n_classes >= 2`` it returns log-probabilities (log-softmax, to pair
with ``nn.NLLLoss`` as in *New business models in the age of large models* §5.2); with
``n_classes == 1`` it returns one logit per text, to pair with ``nn.BCEWithLogitsLoss`` (the
sigmoid and binary cross-entropy of *Entrepreneurs chase the commercialisation of large
models* §5.2, fused so that large logits cannot overflow).

The text is summarised by ``pool``: ``"last"`` takes the final hidden state of each direction
(at the true last token, thanks to packing), ``"max"`` and ``"mean"`` pool the outputs over
the real (unpadded) time steps.

:class:`BagOfNgrams` (fastText-style) averages the embeddings of a text's words and word pairs;
:func:`bag_inputs` builds its vocabulary and ids. :func:`train_model` trains either model as
the chapters do: Adam for 10 epochs, keeping the epoch with the best validation accuracy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ..training import History, fit
from .sequences import Batch, pad_sequences
from .vocab import PAD_ID, Vocabulary

_CELLS = {"lstm": nn.LSTM, "gru": nn.GRU}
_POOLS = ("last", "max", "mean")


def embedding_matrix(
    vocab, vectors, *, pretrained: bool = True, seed: int = 0
) -> tuple[np.ndarray, int]:
    """Initial embedding rows for ``vocab``: the pretrained vector where there is one.

    Rows without a pretrained vector get normal noise with the pretrained vectors' own standard
    deviation; PAD gets zeros. With ``pretrained=False`` every row is such noise: a random
    initialisation at the same scale, the fair control for "does GloVe help?" (torch's
    default rows are N(0, 1), larger than GloVe's). Returns the float32 matrix
    ``(len(vocab), dim)`` and the number of rows taken from ``vectors``.
    """
    rng = np.random.default_rng(seed)
    scale = float(vectors.vectors.std())
    matrix = rng.normal(0.0, scale, size=(len(vocab), vectors.dim)).astype(np.float32)
    matrix[PAD_ID] = 0.0
    found = 0
    if pretrained:
        for i, token in enumerate(vocab.tokens):
            row = vectors.index.get(token)
            if row is not None and i != PAD_ID:
                matrix[i] = vectors.vectors[row]
                found += 1
    return matrix, found


class RNNClassifier(nn.Module):
    """Embedding -> LSTM/GRU (packed) -> pooled summary -> dropout -> linear (-> log-softmax)."""

    def __init__(
        self,
        vocab_size: int,
        embed_dim: int,
        hidden_dim: int,
        n_classes: int,
        *,
        cell: str = "lstm",
        bidirectional: bool = False,
        num_layers: int = 1,
        dropout: float = 0.5,
        embed_dropout: float = 0.0,
        pool: str = "last",
        embeddings: np.ndarray | None = None,
        freeze_embeddings: bool = False,
    ):
        super().__init__()
        for name, value in (
            ("vocab_size", vocab_size),
            ("embed_dim", embed_dim),
            ("hidden_dim", hidden_dim),
            ("n_classes", n_classes),
            ("num_layers", num_layers),
        ):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}: expected a positive int, got {value!r}.")
        if cell not in _CELLS:
            raise ValueError(f"cell: expected one of {sorted(_CELLS)}, got {cell!r}.")
        if pool not in _POOLS:
            raise ValueError(f"pool: expected one of {_POOLS}, got {pool!r}.")
        if not isinstance(bidirectional, bool):
            raise TypeError(f"bidirectional: expected True or False, got {bidirectional!r}.")
        for name, p in (("dropout", dropout), ("embed_dropout", embed_dropout)):
            if not 0.0 <= p < 1.0:
                raise ValueError(f"{name}: expected a probability in [0, 1), got {p}.")
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD_ID)
        if embeddings is not None:
            embeddings = np.asarray(embeddings)
            if embeddings.shape != (vocab_size, embed_dim):
                raise ValueError(
                    f"embeddings: expected shape ({vocab_size}, {embed_dim}), got "
                    f"{embeddings.shape}; build it with embedding_matrix(vocab, vectors)."
                )
            with torch.no_grad():
                self.embedding.weight.copy_(torch.as_tensor(embeddings, dtype=torch.float32))
        self.embedding.weight.requires_grad_(not freeze_embeddings)
        self.rnn = _CELLS[cell](
            embed_dim,
            hidden_dim,
            num_layers=num_layers,
            batch_first=True,
            bidirectional=bool(bidirectional),
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.cell, self.pool = cell, pool
        self.dropout = nn.Dropout(dropout)
        self.embed_dropout = nn.Dropout(embed_dropout)
        directions = 2 if bidirectional else 1
        self.fc = nn.Linear(hidden_dim * directions, n_classes)
        self.n_classes = n_classes

    def encode(self, batch: Batch) -> torch.Tensor:
        """The pooled text summary ``(B, hidden * directions)`` before dropout."""
        tokens, lengths = batch
        embedded = self.embed_dropout(self.embedding(tokens))
        packed = pack_padded_sequence(
            embedded, lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        outputs, state = self.rnn(packed)
        if self.pool == "last":
            h_n = state[0] if self.cell == "lstm" else state
            if self.rnn.bidirectional:
                return torch.cat([h_n[-2], h_n[-1]], dim=1)  # last layer, both directions
            return h_n[-1]
        padded, _ = pad_packed_sequence(outputs, batch_first=True)
        steps = torch.arange(padded.shape[1], device=padded.device)
        valid = (steps[None, :] < lengths.to(padded.device)[:, None]).unsqueeze(-1)
        if self.pool == "max":
            return padded.masked_fill(~valid, float("-inf")).amax(dim=1)
        return (padded * valid).sum(dim=1) / lengths.to(padded.device)[:, None]

    def forward(self, batch: Batch) -> torch.Tensor:
        if not isinstance(batch, (Batch, tuple)) or len(batch) != 2:
            raise TypeError("batch: expected a Batch(tokens, lengths) as yielded by BatchLoader.")
        scores = self.fc(self.dropout(self.encode(batch)))
        if self.n_classes == 1:
            return scores.squeeze(-1)
        return torch.log_softmax(scores, dim=-1)


def count_parameters(model: nn.Module, *, trainable_only: bool = True) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def with_bigrams(tokens: list[str]) -> list[str]:
    """The tokens followed by every adjacent pair written "a b" (features for BagOfNgrams)."""
    if isinstance(tokens, str):
        raise TypeError("tokens: expected a list of tokens, got a str; tokenise first.")
    return list(tokens) + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


class BagInputs(NamedTuple):
    """What :class:`BagOfNgrams` reads: its vocabulary, padded ids ``(n, T)``, kept lengths
    ``(n,)``, and initial embedding rows (``None`` without pretrained vectors)."""

    vocab: Vocabulary
    ids: np.ndarray
    lengths: np.ndarray
    embeddings: np.ndarray | None


def bag_inputs(tokens, split, *, max_size: int = 25_000, vectors=None) -> BagInputs:
    """Word and word-pair ids of every text for :class:`BagOfNgrams`.

    The features are :func:`with_bigrams` of each text's tokens; the vocabulary is built on
    the training part (``split.train``) only, keeping the ``max_size`` most frequent features
    seen at least twice. Every text is padded to the longest. With ``vectors``, the embedding
    rows come from :func:`embedding_matrix` (pair features get noise of the vectors' scale).
    """
    feats = [with_bigrams(t) for t in tokens]
    vocab = Vocabulary.build([feats[i] for i in split.train], max_size=max_size, min_freq=2)
    ids, lengths = pad_sequences(vocab.encode_all(feats))
    emb = embedding_matrix(vocab, vectors)[0] if vectors is not None else None
    return BagInputs(vocab, ids, lengths, emb)


class BagOfNgrams(nn.Module):
    """fastText-style classifier: mean embedding of a text's n-gram ids -> dropout -> linear.

    Order is ignored beyond what the bigrams carry; padding (id 0) is left out of the mean.
    Output as in :class:`RNNClassifier`: log-probabilities, or one logit if ``n_classes == 1``.
    """

    def __init__(
        self,
        vocab_size: int,
        embed_dim: int,
        n_classes: int,
        *,
        dropout: float = 0.5,
        embeddings: np.ndarray | None = None,
    ):
        super().__init__()
        for name, value in (
            ("vocab_size", vocab_size),
            ("embed_dim", embed_dim),
            ("n_classes", n_classes),
        ):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}: expected a positive int, got {value!r}.")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout: expected a probability in [0, 1), got {dropout}.")
        self.bag = nn.EmbeddingBag(vocab_size, embed_dim, mode="mean", padding_idx=PAD_ID)
        if embeddings is not None:
            embeddings = np.asarray(embeddings)
            if embeddings.shape != (vocab_size, embed_dim):
                raise ValueError(
                    f"embeddings: expected shape ({vocab_size}, {embed_dim}), got {embeddings.shape}."
                )
            with torch.no_grad():
                self.bag.weight.copy_(torch.as_tensor(embeddings, dtype=torch.float32))
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(embed_dim, n_classes)
        self.n_classes = n_classes

    def forward(self, batch: Batch) -> torch.Tensor:
        if not isinstance(batch, (Batch, tuple)) or len(batch) != 2:
            raise TypeError("batch: expected a Batch(tokens, lengths) as yielded by BatchLoader.")
        scores = self.fc(self.dropout(self.bag(batch[0])))
        if self.n_classes == 1:
            return scores.squeeze(-1)
        return torch.log_softmax(scores, dim=-1)


def train_model(
    model: nn.Module,
    loaders,
    loss_fn: Callable,
    *,
    lr: float,
    epochs: int = 10,
    val_metric: Callable | None = None,
) -> tuple[History, int]:
    """Adam at ``lr`` for ``epochs`` epochs, the best validation epoch kept.

    ``loaders`` has ``train`` and ``val`` (:func:`bigmodel_lab.text.sequences.make_loaders`);
    the epoch is judged by accuracy on ``loaders.val``, or by ``val_metric(model)`` when given.
    The model ends with that epoch's weights. Returns the per-epoch history and that (1-based)
    epoch.
    """
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = fit(
        model,
        loaders.train,
        optimizer,
        loss_fn,
        epochs=epochs,
        val_loader=loaders.val,
        val_metric=val_metric,
        keep="best",
    )
    return history, history.kept_epoch
