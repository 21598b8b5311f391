"""A tiny tagged corpus, generated from a small grammar (no data file, so nothing to license: it is code).

Every sentence comes from one of five templates, filled with words drawn by a local random.Random(seed).
Tags are the Universal Dependencies part-of-speech tags (DET, NOUN, VERB, PRON, ...).

Most words always have the same tag. Eight words do not, and for them the grammar builds in an
**interaction**, like XOR: neither the word alone nor the previous word (or tag) alone decides the tag,
only the pair does.

- "fish", "watch", "ring", "park" behave as in English: NOUN after a determiner ("we see the fish soon"),
  VERB after a pronoun ("the dog sleeps and they fish soon").
- "wug", "dax", "blick", "tove" (made-up words, as in linguists' tests) follow the opposite rule of this
  invented grammar: VERB after a determiner, NOUN after a pronoun.

Real English rarely needs such a pair (after "the" almost every word is a noun), which is why the corpus is
generated: it is built to show what a linear model over separate features can and cannot learn. The word
after an ambiguous word is always an adverb drawn the same way for all four cases, so it gives nothing away.
"""
from __future__ import annotations

import random

from course_utils._validate import require_int, type_name

__all__ = ["AMBIGUOUS_WORDS", "TAGGING_SPLITS", "UNIVERSAL_TAGS", "generate_tagged_sentences", "load_tagging"]

# The 17 Universal Dependencies part-of-speech tags (https://universaldependencies.org/u/pos/).
UNIVERSAL_TAGS = ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
                  "PUNCT", "SCONJ", "SYM", "VERB", "X")

_DETS = ("the", "a", "this")
_PRONS = ("they", "we", "you")
_NOUNS = ("dog", "cat", "child", "teacher", "boat", "garden", "river", "house")
_ADJS = ("old", "small", "happy", "green")
_VERBS_3SG = ("sleeps", "runs", "waits", "sings")  # intransitive, after a singular noun
_VERBS_BASE = ("sleep", "run", "wait", "sing")      # intransitive, after an auxiliary
_VERBS_TRANS = ("see", "like", "find", "paint")     # transitive, after a pronoun
_ADPS = ("in", "near", "behind")
_AUXS = ("will", "can", "must")
_ADVS = ("soon", "again", "now", "here")
_CCONJS = ("and", "but")
_LIKE_ENGLISH = ("fish", "watch", "ring", "park")   # NOUN after DET, VERB after PRON
_REVERSED = ("wug", "dax", "blick", "tove")         # VERB after DET, NOUN after PRON

# word -> (its tag after a determiner, its tag after a pronoun)
AMBIGUOUS_WORDS: dict[str, tuple[str, str]] = {
    **{w: ("NOUN", "VERB") for w in _LIKE_ENGLISH},
    **{w: ("VERB", "NOUN") for w in _REVERSED},
}

# split -> (number of sentences, seed of its random.Random): fixed, so the splits never change
TAGGING_SPLITS: dict[str, tuple[int, int]] = {"train": (300, 0), "test": (200, 1)}

Tagged = list[tuple[str, str]]  # (word, tag) pairs


def _maybe(rng: random.Random, pairs: Tagged) -> Tagged:
    return pairs if rng.random() < 0.5 else []


def _sentence(rng: random.Random) -> Tagged:
    """One sentence from one of the five templates (the last two hold an ambiguous word)."""
    pick = rng.choice
    template = rng.randrange(5)
    if template == 0:  # the old dog sleeps soon .
        return [(pick(_DETS), "DET"), *_maybe(rng, [(pick(_ADJS), "ADJ")]), (pick(_NOUNS), "NOUN"),
                (pick(_VERBS_3SG), "VERB"), *_maybe(rng, [(pick(_ADVS), "ADV")]), (".", "PUNCT")]
    if template == 1:  # we like the small boat near the river .
        return [(pick(_PRONS), "PRON"), (pick(_VERBS_TRANS), "VERB"), (pick(_DETS), "DET"),
                *_maybe(rng, [(pick(_ADJS), "ADJ")]), (pick(_NOUNS), "NOUN"),
                *_maybe(rng, [(pick(_ADPS), "ADP"), (pick(_DETS), "DET"), (pick(_NOUNS), "NOUN")]), (".", "PUNCT")]
    if template == 2:  # the child will sing again .
        return [(pick(_DETS), "DET"), (pick(_NOUNS), "NOUN"), (pick(_AUXS), "AUX"), (pick(_VERBS_BASE), "VERB"),
                *_maybe(rng, [(pick(_ADVS), "ADV")]), (".", "PUNCT")]
    word = pick((*_LIKE_ENGLISH, *_REVERSED))
    after_det, after_pron = AMBIGUOUS_WORDS[word]
    if template == 3:  # we see the fish soon .   /   we see the wug soon .  (wug: VERB)
        return [(pick(_PRONS), "PRON"), (pick(_VERBS_TRANS), "VERB"), (pick(_DETS), "DET"), (word, after_det),
                (pick(_ADVS), "ADV"), (".", "PUNCT")]
    # the dog sleeps and they fish soon .   /   the cat runs but we wug now .  (wug: NOUN)
    return [(pick(_DETS), "DET"), (pick(_NOUNS), "NOUN"), (pick(_VERBS_3SG), "VERB"), (pick(_CCONJS), "CCONJ"),
            (pick(_PRONS), "PRON"), (word, after_pron), (pick(_ADVS), "ADV"), (".", "PUNCT")]


def generate_tagged_sentences(n: int, seed: int = 0) -> list[tuple[list[str], list[str]]]:
    """n sentences from the grammar, each as (words, tags); the same n and seed always give the same list.

    n:    number of sentences
    seed: seeds a local random.Random (the global random states of torch and random are left alone)
    """
    require_int(n, "n", minimum=1)
    require_int(seed, "seed", minimum=0)
    rng = random.Random(seed)
    sentences = []
    for _ in range(n):
        pairs = _sentence(rng)
        sentences.append(([w for w, _ in pairs], [t for _, t in pairs]))
    return sentences


def load_tagging(split: str = "train") -> list[tuple[list[str], list[str]]]:
    """The fixed "train" (300 sentences) or "test" (200 sentences) split of the generated corpus."""
    if not isinstance(split, str):
        raise TypeError(f"split must be a str ('train' or 'test'), got {type_name(split)}")
    if split not in TAGGING_SPLITS:
        raise ValueError(f"split must be one of {sorted(TAGGING_SPLITS)}, got {split!r}")
    n, seed = TAGGING_SPLITS[split]
    return generate_tagged_sentences(n, seed)
