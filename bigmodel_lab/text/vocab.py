"""A vocabulary (词表): the map between tokens and the integer ids an embedding layer reads.

Id 0 is the padding token and id 1 stands for every token outside the vocabulary. Building
keeps the ``max_size`` most frequent tokens (ties broken alphabetically, so the result never
depends on dictionary order), which is what ``max_size=25000`` meant in the chapter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

PAD, UNK = "<pad>", "<unk>"
PAD_ID, UNK_ID = 0, 1


class Vocabulary:
    """Tokens by id: ``tokens[0]`` is PAD, ``tokens[1]`` is UNK, then words by frequency."""

    def __init__(self, tokens: Sequence[str], counts: dict[str, int] | None = None):
        tokens = list(tokens)
        if tokens[:2] != [PAD, UNK]:
            raise ValueError(f"tokens: must start with {[PAD, UNK]}, got {tokens[:2]}.")
        if len(set(tokens)) != len(tokens):
            dup = sorted(t for t, n in Counter(tokens).items() if n > 1)[:5]
            raise ValueError(f"tokens: each token may appear once, got repeats such as {dup}.")
        self.tokens = tokens
        self.ids = {t: i for i, t in enumerate(tokens)}
        self.counts = dict(counts or {})

    @classmethod
    def build(
        cls, token_lists: Iterable[Sequence[str]], *, max_size: int | None = None, min_freq: int = 1
    ) -> Vocabulary:
        """The ``max_size`` most frequent tokens seen at least ``min_freq`` times (plus PAD, UNK)."""
        if max_size is not None and (not isinstance(max_size, int) or max_size < 1):
            raise ValueError(f"max_size: expected a positive int or None, got {max_size!r}.")
        if not isinstance(min_freq, int) or min_freq < 1:
            raise ValueError(f"min_freq: expected an int >= 1, got {min_freq!r}.")
        counts: Counter[str] = Counter()
        for n, tokens in enumerate(token_lists):
            if isinstance(tokens, str):
                raise TypeError(
                    f"token_lists[{n}]: expected a list of tokens, got a str; tokenise first."
                )
            counts.update(tokens)
        for special in (PAD, UNK):
            counts.pop(special, None)
        ranked = sorted(
            (t for t, c in counts.items() if c >= min_freq), key=lambda t: (-counts[t], t)
        )
        if max_size is not None:
            ranked = ranked[:max_size]
        return cls([PAD, UNK, *ranked], counts={t: counts[t] for t in ranked})

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self.ids

    def encode(self, tokens: Sequence[str]) -> list[int]:
        """Ids of ``tokens``; unknown tokens map to UNK_ID."""
        if isinstance(tokens, str):
            raise TypeError("tokens: expected a list of tokens, got a str; tokenise first.")
        get = self.ids.get
        return [get(t, UNK_ID) for t in tokens]

    def encode_all(self, token_lists: Iterable[Sequence[str]]) -> list[list[int]]:
        return [self.encode(tokens) for tokens in token_lists]

    def decode(self, ids: Iterable[int]) -> list[str]:
        out = []
        for i in ids:
            i = int(i)
            if not 0 <= i < len(self.tokens):
                raise ValueError(
                    f"ids: {i} is outside the vocabulary's range [0, {len(self) - 1}]."
                )
            out.append(self.tokens[i])
        return out

    def coverage(self, token_lists: Iterable[Sequence[str]]) -> float:
        """Fraction of token occurrences that the vocabulary knows (not UNK)."""
        known = total = 0
        for tokens in token_lists:
            total += len(tokens)
            known += sum(t in self.ids for t in tokens)
        if total == 0:
            raise ValueError("token_lists: holds no tokens, so coverage is undefined.")
        return known / total
