"""Vocabulary: words <-> integer ids, with an <unk> entry for unseen words."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from course_utils._validate import require_int, require_str_tokens, type_name

__all__ = ["UNK", "Vocabulary"]

UNK = "<unk>"  # the token every unknown word maps to


class Vocabulary:
    """Maps each word to an id, in first-seen order; unknown words map to <unk>.

    The tutorial's `word_to_ix` dict raises KeyError on a word it never saw.
    Here `vocab["never-seen"]` returns the id of "<unk>" instead (id 0).
    Ids follow the order in which words first appear (never a set's order),
    so the same sentences always give the same ids.
    """

    def __init__(self, words: Iterable[str] = ()) -> None:
        """words: the vocabulary's words in id order (<unk> is added first)."""
        self._itos: list[str] = [UNK]
        self._stoi: dict[str, int] = {UNK: 0}
        for word in words:
            if not isinstance(word, str):
                raise TypeError(f"words must contain only str, got {type_name(word)}")
            if word not in self._stoi:
                self._stoi[word] = len(self._itos)
                self._itos.append(word)

    @classmethod
    def build(cls, sentences: Iterable[Sequence[str]], min_count: int = 1) -> Vocabulary:
        """Build from tokenised sentences, keeping words seen at least `min_count` times.

        sentences: e.g. [["me", "gusta", "comer"], ["Give", "it", "to", "me"]]
        min_count: rarer words are left out (they will map to <unk>)
        """
        require_int(min_count, "min_count", minimum=1)
        if isinstance(sentences, (str, bytes)):
            raise TypeError("sentences must be a list of token lists, got a single str; split it first")
        counts: Counter[str] = Counter()
        order: list[str] = []
        n_sentences = 0
        for i, sentence in enumerate(sentences):
            n_sentences += 1
            for word in require_str_tokens(sentence, f"sentences[{i}]"):
                if word not in counts:
                    order.append(word)
                counts[word] += 1
        if n_sentences == 0:
            raise ValueError("sentences is empty: need at least one tokenised sentence to build a vocabulary")
        return cls(w for w in order if counts[w] >= min_count)

    @property
    def unk_id(self) -> int:
        """The id of <unk> (always 0)."""
        return 0

    def __len__(self) -> int:
        return len(self._itos)

    def __contains__(self, word: object) -> bool:
        return word in self._stoi

    def __getitem__(self, word: str) -> int:
        if not isinstance(word, str):
            raise TypeError(f"word must be a str, got {type_name(word)}")
        return self._stoi.get(word, self.unk_id)

    def __iter__(self):
        return iter(self._itos)

    def __repr__(self) -> str:
        head = ", ".join(repr(w) for w in self._itos[:6])
        more = ", ..." if len(self) > 6 else ""
        return f"Vocabulary({len(self)} words: [{head}{more}])"

    def encode(self, tokens: Sequence[str]) -> list[int]:
        """Ids of `tokens` (a list of words); unknown words give the <unk> id."""
        return [self[w] for w in require_str_tokens(tokens, "tokens")]

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Words for `ids` (ints in [0, len(vocab)))."""
        words = []
        for i, idx in enumerate(ids):
            if hasattr(idx, "item") and getattr(idx, "ndim", 1) == 0:
                idx = idx.item()  # accept 0-d tensors / numpy ints
            if isinstance(idx, bool) or not isinstance(idx, int):
                raise TypeError(f"ids[{i}] must be an int, got {type_name(idx)}")
            if not 0 <= idx < len(self):
                raise ValueError(f"ids[{i}]={idx} is out of range for a vocabulary of {len(self)} words")
            words.append(self._itos[idx])
        return words
