"""Errata demonstrated in chapter 5 (text classification).

*New business models in the age of large models* §5.2: the IMDb listing cannot run.
*Entrepreneurs chase the commercialisation of large models* §5.1-5.4: the Chinese review
classifier's set-up cannot learn anything, and its training log and test accuracy are
impossible for the data it defines. Every computed value comes from
:mod:`bigmodel_lab.text.seed_checks`, which rebuilds the construct and runs it; nothing here
loads a data set, so the appendix stays fast.
"""

from __future__ import annotations

from ..text import seed_checks as S
from ..text.tokenize import chinese_tokens, keras_style_tokens
from . import Kind, erratum

PAGE = "notebooks/05_text_classification"
_FAIL = f"{PAGE}#ch05-chapter-code"
_ZH = f"{PAGE}#ch05-chinese-setup"
#: A review written for the book, used to compare Keras-style splitting with jieba.
SAMPLE_REVIEW = "这本书内容很好，印刷清晰，物流也快。就是价格有点贵"

# --- New business models in the age of large models, §5.2 --------------------------------


@erratum(
    source="002",
    section="§5.2",
    quantity="import of the legacy torchtext API",
    printed="from torchtext.legacy.data import Field, TabularDataset, BucketIterator",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=_FAIL,
)
def _torchtext():
    return S.exception_text(S.import_legacy_torchtext)


@erratum(
    source="002",
    section="§5.2",
    quantity="model layer nn.TorchScript",
    printed="self.torchscript = nn.TorchScript",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=_FAIL,
)
def _torchscript():
    return S.exception_text(S.torchscript_attribute)


@erratum(
    source="002",
    section="§5.2",
    quantity="Linear layers applied to a PackedSequence",
    printed="hidden = self.model(packed)",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=_FAIL,
)
def _linear_packed():
    return S.exception_text(S.linear_on_packed_sequence)


@erratum(
    source="002",
    section="§5.2",
    quantity="packing (time, batch) batches with batch_first=True",
    printed="pack_padded_sequence(embedded, text_lengths.to('cpu'), batch_first=True)",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=_FAIL,
)
def _pack_layout():
    return S.exception_text(S.pack_time_major_as_batch_first)


@erratum(
    source="002",
    section="§5.2",
    quantity="labels 'pos'/'neg' with use_vocab=False",
    printed="LABEL = Field(sequential=False, use_vocab=False)",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=_FAIL,
)
def _string_labels():
    return S.exception_text(S.string_labels_without_vocab)


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
    return S.exception_text(S.pandas_imported_as_pd)


@erratum(
    source="003",
    section="§5.2.1",
    quantity="model input (padded sequences)",
    printed="texts_to_sequences([row[1] for row in data]) (the label column)",
    kind=Kind.INCONSISTENT_SETUP,
    where=_ZH,
)
def _input_is_label():
    rows = [" ".join(str(v) for v in row) for row in S.chapter_inputs()]
    return "rows " + "; ".join(rows) + ": each input is its own label's id"


@erratum(
    source="003",
    section="§5.2.1",
    quantity="Keras Tokenizer on unsegmented Chinese",
    printed="Tokenizer().fit_on_texts(...)",
    kind=Kind.INCONSISTENT_SETUP,
    where=_ZH,
)
def _tokenizer_chinese():
    keras = len(keras_style_tokens(SAMPLE_REVIEW))
    jieba = len(chinese_tokens(SAMPLE_REVIEW))
    return f"a {len(SAMPLE_REVIEW)}-character review: {keras} Keras token(s), {jieba} jieba words"


@erratum(
    source="003",
    section="§5.2.2",
    quantity="one sigmoid output for 好评/中评/差评",
    printed="Dense(1, activation='sigmoid')",
    kind=Kind.WRONG_FORMULA,
    where=_ZH,
)
def _sigmoid_three():
    n_classes = len({label for _, label in S.CHAPTER_ROWS})
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
    targets = " ".join(str(t) for t in S.chapter_targets())
    return f"[{targets}]: 中评 and 差评 merged into one class"


@erratum(
    source="003",
    section="§5.2.3",
    quantity="80/20 split of the data set",
    printed="test_size=0.2 (80% train, 20% test)",
    kind=Kind.INCONSISTENT_SETUP,
    where=_ZH,
)
def _split():
    n_train, n_test = S.chapter_split_sizes()
    return f"{n_train} training rows, {n_test} test row"


@erratum(
    source="003",
    section="§5.4.1",
    quantity="batches per training epoch",
    printed="2/2",
    kind=Kind.IMPOSSIBLE_CLAIM,
    where=_ZH,
)
def _train_steps():
    n_train, _ = S.chapter_split_sizes()
    return f"{S.keras_steps(n_train)}/{S.keras_steps(n_train)}"


@erratum(
    source="003",
    section="§5.4.1",
    quantity="training accuracy on 4 rows",
    printed="0.6667, 0.7500, ..., 0.9333",
    kind=Kind.IMPOSSIBLE_CLAIM,
    where=_ZH,
)
def _train_acc():
    n_train, _ = S.chapter_split_sizes()
    shown = ", ".join(f"{a:g}" for a in S.attainable_accuracies(n_train))
    bad = [a for a in (0.6667, 0.75, 0.9333) if not S.is_attainable(a, n_train)]
    return f"only {shown} possible; {', '.join(f'{a:g}' for a in bad)} cannot occur"


@erratum(
    source="003",
    section="§5.4.1",
    quantity="validation accuracy on the 1 test row",
    printed="0.7500, 0.8500, ..., 0.9667",
    kind=Kind.IMPOSSIBLE_CLAIM,
    where=_ZH,
)
def _val_acc():
    _, n_test = S.chapter_split_sizes()
    shown = " or ".join(f"{a:g}" for a in S.attainable_accuracies(n_test))
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
    _, n_test = S.chapter_split_sizes()
    lo, hi = S.examples_for_steps(579)
    steps = S.keras_steps(n_test)
    return f"{steps}/{steps} (579 batches need {lo:,}-{hi:,} test rows)"


@erratum(
    source="003",
    section="§5.4.2",
    quantity='printed line of f"{accuracy:.2f}"',
    printed="Test accuracy: 0.967",
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
    printed="96.7%",
    kind=Kind.IMPOSSIBLE_CLAIM,
    where=_ZH,
)
def _test_acc():
    _, n_test = S.chapter_split_sizes()
    return " or ".join(f"{100 * a:.0f}%" for a in S.attainable_accuracies(n_test))
