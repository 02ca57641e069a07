"""The seeds' Keras listings, run in the library they were written for (Keras 3, torch backend).

*Large models: from data to business value* §5.2 (the MNIST CNN) and *Business-model
innovation of large-model companies* §5.2 (cats versus dogs) are Keras programs. This module
runs each one as printed, in Keras 3 with ``KERAS_BACKEND=torch``, and reports what really
happens, so that no erratum about them rests on what Keras is supposed to do.

Two things are substituted, and only these: ``tensorflow.keras`` is ``keras`` (Keras 3 is the
library that ``tf.keras`` became: TensorFlow 2.16 and later map ``tf.keras`` to Keras 3's
``keras._tf_keras.keras``, whose layers and data sets are ``keras``'s own, as the tests check;
TensorFlow itself is not installed), and Keras's
``mnist.load_data()``, which downloads, is :func:`mnist_load_data`, which returns the same
arrays (uint8 images of shape (N, 28, 28), integer labels) from the committed MNIST files.
Everything else (the layers with ``input_shape=(28, 28, 1)``, the images passed without a
channel axis, the optimiser, loss, epochs, batch size, ``evaluate`` and ``predict``) is the
listing's. ``fit`` runs with ``verbose=0`` so that no progress bar is printed.

Run ``python -m bigmodel_lab.errata.keras_listings`` for the written runs (one epoch on
12,800 images, and the listing's 5 epochs on all 60,000, for Keras and for our PyTorch port
:class:`bigmodel_lab.mnist.cnn.ChapterCNN` with PyTorch's and with Keras's initialisation);
it writes ``benchmarks/results/keras_listings.csv`` (about 10 minutes on one CPU thread). Keras is imported lazily: importing this
module costs nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import platform
import sys
import time
import warnings
from pathlib import Path

#: The backend the listings run on: Keras 3 on our pinned torch.
BACKEND = "torch"
#: Where the full runs are written.
RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "keras_listings.csv"
#: The budget of the 001 §5.2 listing as printed.
EPOCHS, BATCH_SIZE = 5, 64


def import_keras():
    """Import Keras on the torch backend; refuse clearly if another backend was chosen."""
    chosen = os.environ.setdefault("KERAS_BACKEND", BACKEND)
    if chosen != BACKEND:
        raise RuntimeError(
            f"KERAS_BACKEND is {chosen!r}; the seeds' listings are run on {BACKEND!r} "
            "(unset it, or set KERAS_BACKEND=torch before Python starts)."
        )
    import keras

    # Keras 3 advises an Input layer instead of ``input_shape=`` on the first layer; the listings
    # use ``input_shape=`` as printed (it still works), and the advice names a path of this
    # machine, so it is silenced, and only it.
    warnings.filterwarnings(
        "ignore", message=r"Do not pass an `input_shape`/`input_dim`", category=UserWarning
    )
    if keras.backend.backend() != BACKEND:
        raise RuntimeError(
            f"Keras was already imported with the {keras.backend.backend()!r} backend; "
            "set KERAS_BACKEND=torch before anything imports keras."
        )
    return keras


def mnist_load_data():
    """What ``keras.datasets.mnist.load_data()`` returns, read from the committed MNIST files."""
    from ..data import mnist

    return mnist.load("train"), mnist.load("test")


def _check_budget(n_train: int | None, epochs: int) -> None:
    if n_train is not None and not (isinstance(n_train, int) and 64 <= n_train <= 60_000):
        raise ValueError(f"n_train: expected None or an integer in [64, 60000], got {n_train!r}.")
    if not (isinstance(epochs, int) and epochs >= 1):
        raise ValueError(f"epochs: expected a positive integer, got {epochs!r}.")


def run_001_cnn(n_train: int | None = None, epochs: int = EPOCHS, seed: int = 0) -> dict:
    """Run the 001 §5.2 listing (§5.2.1-5.2.6) in Keras 3 and return what it produced.

    ``n_train`` (first images of the training set) and ``epochs`` reduce the budget; the
    defaults are the listing's. Returns the shape of the images passed to ``fit``, the test
    loss and accuracy from ``evaluate``, the digits predicted for the first 10 test images and
    their labels, and the seconds ``fit`` took.
    """
    _check_budget(n_train, epochs)
    keras = import_keras()
    keras.utils.set_random_seed(seed)  # Python, NumPy and torch generators
    # --- the listing, §5.2.1 (tensorflow.keras -> keras; load_data from the committed files)
    from keras.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
    from keras.models import Sequential
    from keras.utils import to_categorical

    (train_images, train_labels), (test_images, test_labels) = mnist_load_data()
    if n_train is not None:
        train_images, train_labels = train_images[:n_train], train_labels[:n_train]
    train_images = train_images / 255.0
    test_images = test_images / 255.0
    train_labels = to_categorical(train_labels)
    test_labels = to_categorical(test_labels)
    # --- §5.2.2
    model = Sequential(
        [
            Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
            MaxPooling2D((2, 2)),
            Flatten(),
            Dense(64, activation="relu"),
            Dropout(0.5),
            Dense(10, activation="softmax"),
        ]
    )
    # --- §5.2.3
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    # --- §5.2.4
    start = time.perf_counter()
    model.fit(train_images, train_labels, epochs=epochs, batch_size=BATCH_SIZE, verbose=0)
    seconds = time.perf_counter() - start
    # --- §5.2.5
    test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=0)
    # --- §5.2.6
    predictions = model.predict(test_images[:10], verbose=0)
    predicted_digits = predictions.argmax(axis=1)
    return {
        "input shape": tuple(train_images.shape),
        "parameters": int(model.count_params()),
        "test loss": float(test_loss),
        "test accuracy": float(test_acc),
        "predicted": [int(d) for d in predicted_digits],
        "actual": [int(test_labels[i].argmax()) for i in range(10)],
        "fit seconds": seconds,
    }


def run_port_cnn(
    n_train: int | None = None, epochs: int = EPOCHS, seed: int = 0, *, keras_init: bool = False
) -> dict:
    """Our PyTorch port (``ChapterCNN``) trained on the same budget as :func:`run_001_cnn`.

    ``keras_init`` starts it from Keras's default initialisation (Glorot-uniform weights, zero
    biases) instead of PyTorch's.
    """
    import torch

    from ..data import mnist
    from ..mnist.batches import TensorBatches
    from ..mnist.cnn import ChapterCNN, count_parameters, keras_initialisation
    from ..training import evaluate, fit, predict, seed_everything

    _check_budget(n_train, epochs)
    x_train, y_train = mnist.load_tensors("train")
    x_test, y_test = mnist.load_tensors("test")
    n = len(x_train) if n_train is None else n_train
    seed_everything(seed)
    model = ChapterCNN()
    if keras_init:
        keras_initialisation(model)
    train_batches = TensorBatches(x_train[:n], y_train[:n], BATCH_SIZE, shuffle=True, seed=seed)
    test_batches = TensorBatches(x_test, y_test, 1000)
    loss_fn = torch.nn.CrossEntropyLoss()
    start = time.perf_counter()
    fit(model, train_batches, torch.optim.Adam(model.parameters(), lr=1e-3), loss_fn, epochs=epochs)
    seconds = time.perf_counter() - start
    test_loss, test_acc = evaluate(model, test_batches, loss_fn)
    logits, _ = predict(model, TensorBatches(x_test[:10], y_test[:10], 10))
    return {
        "input shape": tuple(x_train[:n].shape),
        "parameters": count_parameters(model),
        "test loss": float(test_loss),
        "test accuracy": float(test_acc),
        "predicted": [int(d) for d in logits.argmax(dim=1)],
        "actual": [int(d) for d in y_test[:10]],
        "fit seconds": seconds,
    }


def _catsdogs_model(keras):
    """The 004 §5.2 network, built and compiled exactly as printed."""
    layers = keras.layers
    model = keras.Sequential(
        [
            layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 3)),
            layers.MaxPooling2D((2, 2)),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def validation_is_test(n_train: int = 128, n_test: int = 64, epochs: int = 2, seed: int = 0):
    """What ``fit(..., validation_data=(test_images, test_labels))`` then ``evaluate`` report.

    The 004 §5.2 listing passes its test set as validation data. Its loader does not exist, so
    the arrays here are random images in [0, 1) of the listing's shape (N, 28, 28, 3) with
    random 0/1 labels; what is shown does not depend on them: the last epoch's
    ``val_accuracy`` is ``evaluate``'s test accuracy (same weights, same arrays).
    """
    import numpy as np

    keras = import_keras()
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    train_images = rng.random((n_train, 28, 28, 3), dtype=np.float32)
    test_images = rng.random((n_test, 28, 28, 3), dtype=np.float32)
    train_labels = rng.integers(0, 2, n_train).astype(np.float32)
    test_labels = rng.integers(0, 2, n_test).astype(np.float32)
    model = _catsdogs_model(keras)
    history = model.fit(
        train_images,
        train_labels,
        epochs=epochs,
        validation_data=(test_images, test_labels),
        verbose=0,
    )
    test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=0)
    val_acc = float(history.history["val_accuracy"][-1])
    return {
        "val_accuracy": val_acc,
        "test accuracy": float(test_acc),
        "difference": abs(val_acc - float(test_acc)),
    }


def run_004_catsdogs() -> dict:
    """Run the 004 §5.2 listing in Keras 3, statement by statement, until one raises.

    Returns the statements that ran, the one that failed and its exception as
    "Type: message" (the real text Keras raises), or ``None`` if everything ran.
    """
    keras = import_keras()
    tf = type("tf", (), {"keras": keras})  # the listing's `tf.keras` is Keras itself
    layers = keras.layers
    state: dict = {}

    def build():
        state["model"] = tf.keras.Sequential(
            [
                layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 3)),
                layers.MaxPooling2D((2, 2)),
                layers.Flatten(),
                layers.Dense(128, activation="relu"),
                layers.Dense(1, activation="sigmoid"),
            ]
        )

    def compile_():
        state["model"].compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])

    def load():
        (state["train"], state["train_labels"]), (state["test"], state["test_labels"]) = (
            tf.keras.datasets.dogs_cats.load_data()
        )

    ran, failed, error = [], None, None
    for name, step in (
        ("tf.keras.Sequential([...])", build),
        ("model.compile(...)", compile_),
        ("tf.keras.datasets.dogs_cats.load_data()", load),
    ):
        try:
            step()
        except Exception as exc:  # the point is to record whichever error the listing raises
            failed, error = name, f"{type(exc).__name__}: {exc}"
            break
        ran.append(name)
    return {
        "ran": ran,
        "failed": failed,
        "error": error,
        "parameters": int(state["model"].count_params()) if "model" in state else None,
        "keras datasets": sorted(n for n in dir(keras.datasets) if not n.startswith("_")),
        "keras": keras.__version__,
    }


def environment() -> dict:
    """Versions and machine of a run, written beside its results."""
    import torch

    keras = import_keras()
    return {
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "torch threads": torch.get_num_threads(),
        "machine": platform.machine(),
        "date (UTC)": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M"),
    }


COLUMNS = (
    "listing",
    "run",
    "epochs",
    "train images",
    "input shape",
    "parameters",
    "test loss",
    "test accuracy",
    "predicted first 10",
    "actual first 10",
    "fit seconds",
    "outcome",
)


def _port_keras_init(n_train, epochs, seed):
    return run_port_cnn(n_train, epochs, seed, keras_init=True)


#: The budgets of the written runs: (training images, epochs); None is all 60,000. The reduced
#: budget is where the starting point still shows, the full one is the listing's.
BUDGETS = ((12_800, 1), (None, EPOCHS))


def full_runs(seed: int = 0) -> list[dict]:
    """The rows of ``keras_listings.csv``: both listings as printed, and our port, at each of
    :data:`BUDGETS` (the 004 listing stops at its loader, so it has one row)."""
    rows = []
    for n_train, epochs in BUDGETS:
        for run, fn in (
            ("Keras 3, as printed", run_001_cnn),
            ("PyTorch port ChapterCNN", run_port_cnn),
            ("PyTorch port, Keras's initialisation", _port_keras_init),
        ):
            r = fn(n_train, epochs, seed)
            rows.append(
                {
                    "listing": "001 §5.2 MNIST CNN",
                    "run": run,
                    "epochs": epochs,
                    "train images": r["input shape"][0],
                    "input shape": "x".join(map(str, r["input shape"])),
                    "parameters": r["parameters"],
                    "test loss": f"{r['test loss']:.4f}",
                    "test accuracy": f"{r['test accuracy']:.4f}",
                    "predicted first 10": " ".join(map(str, r["predicted"])),
                    "actual first 10": " ".join(map(str, r["actual"])),
                    "fit seconds": f"{r['fit seconds']:.0f}",
                    "outcome": "ran",
                }
            )
    c = run_004_catsdogs()
    rows.append(
        {
            "listing": "004 §5.2 cats vs dogs CNN",
            "run": "Keras 3, as printed",
            "parameters": c["parameters"],
            "outcome": f"ran {'; '.join(c['ran'])}; {c['failed']} raised {c['error']}",
        }
    )
    env = environment()
    return [{**{k: row.get(k, "") for k in COLUMNS}, **env} for row in rows]


def write_results(rows: list[dict], path: Path) -> Path:
    """Write ``rows`` (dicts with the same keys) to the CSV file ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_results(path: Path, module: str) -> list[dict]:
    """The committed full runs in ``path``, or a clear error naming ``python -m module``,
    the command that writes them."""
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing; write it with: python -m {module}")
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write(rows: list[dict], path: Path = RESULTS) -> Path:
    return write_results(rows, path)


def read(path: Path = RESULTS) -> list[dict]:
    """The committed full runs, or a clear error naming the command that writes them."""
    return read_results(path, __name__)


def main(argv: list[str] | None = None) -> int:
    import torch

    torch.set_num_threads(1)
    rows = full_runs()
    path = write(rows)
    for row in rows:
        print({k: v for k, v in row.items() if v != ""})
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
