"""Errata demonstrated in chapter 7 (beyond one machine).

The parameter counts of the models that 000 §1 names are counted from each model's published
configuration by :func:`bigmodel_lab.distributed.memory.model_parameters` (a formula, checked
against torch's own modules built on the ``meta`` device).
"""

from __future__ import annotations

from ..distributed import memory
from . import Kind, erratum

NB = "notebooks/07_distributed"

#: What 000 §1 prints for BERT: 3400 亿 (1 亿 = 10⁸), i.e. 340 billion parameters.
PRINTED_BERT = 3400e8


def bert_ratio() -> float:
    """How many times BERT-large's parameter count the article's figure is."""
    return PRINTED_BERT / memory.model_parameters("BERT-large")


@erratum(
    source="000",
    section="§1",
    quantity="parameters of Google's BERT",
    printed="谷歌的 BERT 模型拥有 3400 亿个参数",
    kind=Kind.WRONG_CLAIM,
    where=f"{NB}#ch07-errata-bert",
)
def bert_parameters():
    large = memory.model_parameters("BERT-large")
    base = memory.model_parameters("BERT-base")
    gpt3 = memory.model_parameters("GPT-3 175B")
    return (
        f"BERT-large has {large:,} ≈ {large / 1e8:.2f} 亿 parameters and BERT-base "
        f"{base / 1e8:.2f} 亿: the article's 3400 亿 is {bert_ratio():.0f} times the larger "
        f"model, millions read as billions (its GPT-3 figure, 1750 亿, is right: "
        f"{gpt3 / 1e8:.0f} 亿 counted)"
    )
