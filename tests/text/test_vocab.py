"""The vocabulary: frequency order, caps, specials, and encoding."""

from collections import Counter

import pytest
from hypothesis import given, strategies as st

from bigmodel_lab.text.vocab import PAD, PAD_ID, UNK, UNK_ID, Vocabulary

token_lists = st.lists(st.lists(st.sampled_from(list("abcdefghij")), max_size=8), max_size=12)


@given(token_lists, st.integers(1, 12), st.integers(1, 3))
def test_kept_tokens_are_the_most_frequent_ones(lists, max_size, min_freq):
    vocab = Vocabulary.build(lists, max_size=max_size, min_freq=min_freq)
    counts = Counter(t for tokens in lists for t in tokens)
    kept = vocab.tokens[2:]
    eligible = [t for t, c in counts.items() if c >= min_freq]
    assert len(kept) == min(max_size, len(eligible))
    dropped = set(eligible) - set(kept)
    if kept and dropped:
        assert min(counts[t] for t in kept) >= max(counts[t] for t in dropped)
    assert all(counts[t] >= min_freq for t in kept)
    # ranked by count, ties alphabetical
    assert kept == sorted(kept, key=lambda t: (-counts[t], t))


def test_specials_and_encoding():
    vocab = Vocabulary.build([["b", "a", "b"], ["c"]])
    assert vocab.tokens == [PAD, UNK, "b", "a", "c"]
    assert (vocab.ids[PAD], vocab.ids[UNK]) == (PAD_ID, UNK_ID) == (0, 1)
    assert vocab.encode(["a", "zzz", "b"]) == [3, UNK_ID, 2]
    assert vocab.decode(vocab.encode(["c", "a"])) == ["c", "a"]
    assert vocab.coverage([["a", "zzz"], ["b", "b"]]) == 3 / 4
    assert "a" in vocab and "zzz" not in vocab and len(vocab) == 5
    assert vocab.counts == {"b": 2, "a": 1, "c": 1}


def test_specials_in_the_text_are_not_counted_as_words():
    vocab = Vocabulary.build([[PAD, "x", UNK]])
    assert vocab.tokens == [PAD, UNK, "x"]


def test_bad_input_is_refused():
    with pytest.raises(TypeError, match="got a str; tokenise first"):
        Vocabulary.build(["a text"])
    with pytest.raises(ValueError, match="max_size: expected a positive int"):
        Vocabulary.build([["a"]], max_size=0)
    with pytest.raises(ValueError, match="min_freq: expected an int >= 1"):
        Vocabulary.build([["a"]], min_freq=0)
    with pytest.raises(ValueError, match="must start with"):
        Vocabulary(["a", "b"])
    with pytest.raises(ValueError, match="repeats such as \\['a'\\]"):
        Vocabulary([PAD, UNK, "a", "a"])
    vocab = Vocabulary.build([["a"]])
    with pytest.raises(TypeError, match="tokenise first"):
        vocab.encode("a")
    with pytest.raises(ValueError, match="outside the vocabulary's range"):
        vocab.decode([7])
    with pytest.raises(ValueError, match="no tokens"):
        vocab.coverage([[]])
