"""Tokenisers: English words and punctuation, Chinese words (jieba), and a Keras-style splitter.

- :func:`english_tokens` lower-cases, drops HTML line breaks (IMDb has ``<br />``), and keeps
  contractions such as ``don't`` whole, as in Pang & Lee's pre-tokenised corpora.
- :func:`chinese_tokens` segments Chinese with jieba (分词), which ships its own dictionary.
  Its logger is set to WARNING so that "Building prefix dict ..." never reaches stderr, and
  one private :class:`jieba.Tokenizer` is used so that nothing else can change its state.
  Its prefix dictionary is built in memory from the dictionary jieba ships (about a second,
  once per process): jieba's own ``initialize`` would load ``jieba.cache`` from the shared
  temporary folder with ``marshal``, unchecked, so a stale or planted file there could change
  the segmentation silently (and marshal is not safe against crafted data).
- :func:`keras_style_tokens` mimics what ``keras.preprocessing.text.Tokenizer`` does by
  default (lower-case, replace ASCII punctuation by spaces, split on spaces). Written for the
  book to show why that is useless on unsegmented Chinese.
"""

from __future__ import annotations

import logging
import re
import threading

_EN_TOKEN = re.compile(r"[a-z0-9]+(?:['/\-][a-z0-9]+)*|[^\sa-z0-9]")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)

#: The characters Keras's Tokenizer removes by default (ASCII punctuation, tab, newline).
KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
_KERAS_TABLE = str.maketrans(dict.fromkeys(KERAS_FILTERS, " "))


def _check_text(text) -> str:
    if not isinstance(text, str):
        raise TypeError(f"text: expected a str, got {type(text).__name__}.")
    return text


def english_tokens(text: str) -> list[str]:
    """Lower-cased words (with inner ' / -) and single punctuation marks, in order."""
    text = _check_text(text).replace("\u2019", "'").lower()
    return _EN_TOKEN.findall(_HTML_BREAK.sub(" ", text))


def keras_style_tokens(text: str) -> list[str]:
    """Keras ``Tokenizer`` defaults: lower-case, ASCII punctuation to spaces, split on spaces."""
    return _check_text(text).lower().translate(_KERAS_TABLE).split()


_JIEBA = None
_JIEBA_LOCK = threading.Lock()


def _jieba():
    global _JIEBA
    with _JIEBA_LOCK:
        if _JIEBA is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            # what initialize() does after a cache miss, without reading or writing a cache
            tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(tokenizer.get_dict_file())
            tokenizer.initialized = True
            _JIEBA = tokenizer
    return _JIEBA


def chinese_tokens(text: str, *, keep_spaces: bool = False) -> list[str]:
    """jieba's segmentation (precise mode, with its HMM for unknown words), minus blanks."""
    words = _jieba().lcut(_check_text(text), HMM=True)
    if keep_spaces:
        return words
    return [w for w in words if w.strip()]
