"""The generated tagged corpus (course_utils.data.tagging): universal tags, fixed splits, and the built-in
(word, context) interaction of the ambiguous words that notebook 07's window tagger is about."""
import hashlib
import random
from collections import defaultdict

import pytest
import torch

from course_utils.data.tagging import (
    AMBIGUOUS_WORDS,
    TAGGING_SPLITS,
    UNIVERSAL_TAGS,
    generate_tagged_sentences,
    load_tagging,
)

# sha256 of repr(load_tagging(split)): notebook 07 prints numbers computed on these exact splits
FINGERPRINTS = {
    "train": "539c02c9f766bc6b2053c6f679710b85ba878f64fc39dcff664f3be0d7570446",
    "test": "31117c0db9d8e1cab4c32965224b8a93195143b2433fedf37918e39bc15dc1a7",
}
ALL = load_tagging("train") + load_tagging("test")


def test_the_17_universal_tags():
    assert len(UNIVERSAL_TAGS) == len(set(UNIVERSAL_TAGS)) == 17
    assert {"DET", "NOUN", "VERB", "PRON", "PUNCT"} <= set(UNIVERSAL_TAGS)


@pytest.mark.parametrize("split", ["train", "test"])
def test_splits_are_fixed_and_well_formed(split):
    sentences = load_tagging(split)
    n, seed = TAGGING_SPLITS[split]
    assert len(sentences) == n and sentences == generate_tagged_sentences(n, seed)
    assert hashlib.sha256(repr(sentences).encode()).hexdigest() == FINGERPRINTS[split]
    for words, tags in sentences:
        assert len(words) == len(tags) >= 4
        assert all(isinstance(w, str) and w for w in words)
        assert set(tags) <= set(UNIVERSAL_TAGS)
        assert (words[-1], tags[-1]) == (".", "PUNCT")


def test_splits_differ_and_generation_is_deterministic():
    assert load_tagging("train")[:200] != load_tagging("test")
    assert generate_tagged_sentences(20, seed=5) == generate_tagged_sentences(20, seed=5)
    assert generate_tagged_sentences(20, seed=5) != generate_tagged_sentences(20, seed=6)
    assert generate_tagged_sentences(20, seed=5)[:10] == generate_tagged_sentences(10, seed=5)


def test_every_other_word_always_has_the_same_tag():
    tags_of = defaultdict(set)
    for words, tags in ALL:
        for w, t in zip(words, tags, strict=True):
            tags_of[w].add(t)
    many = {w: ts for w, ts in tags_of.items() if len(ts) > 1}
    assert set(many) == set(AMBIGUOUS_WORDS)
    assert all(ts == {"NOUN", "VERB"} for ts in many.values())


def test_ambiguous_words_follow_the_rule_and_only_the_pair_decides():
    seen = defaultdict(set)  # (word, previous tag) -> tags
    next_tags, next_words = set(), defaultdict(set)
    for words, tags in load_tagging("train"):
        for i, w in enumerate(words):
            if w in AMBIGUOUS_WORDS:
                after_det, after_pron = AMBIGUOUS_WORDS[w]
                assert tags[i - 1] in ("DET", "PRON")
                assert tags[i] == (after_det if tags[i - 1] == "DET" else after_pron)
                seen[w, tags[i - 1]].add(tags[i])
                next_tags.add(tags[i + 1])
                next_words[tags[i]].add(words[i + 1])
    # every ambiguous word occurs in both contexts in training, so each has both tags there
    assert {key[0] for key in seen} == set(AMBIGUOUS_WORDS) and len(seen) == 2 * len(AMBIGUOUS_WORDS)
    # the word alone does not decide (checked above), nor the previous tag alone:
    for context in ("DET", "PRON"):
        assert set().union(*(tags for (w, pt), tags in seen.items() if pt == context)) == {"NOUN", "VERB"}
    # the next word is an adverb from the same set whichever the tag: it gives nothing away
    assert next_tags == {"ADV"} and next_words["NOUN"] == next_words["VERB"]
    assert {AMBIGUOUS_WORDS[w] for w in AMBIGUOUS_WORDS} == {("NOUN", "VERB"), ("VERB", "NOUN")}


def test_global_random_states_are_left_alone():
    random.seed(3)
    torch.manual_seed(3)
    py_state, torch_state = random.getstate(), torch.get_rng_state()
    generate_tagged_sentences(50, seed=1)
    load_tagging("test")
    assert random.getstate() == py_state and torch.equal(torch.get_rng_state(), torch_state)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: generate_tagged_sentences(0), ValueError, "n"),
        (lambda: generate_tagged_sentences(2.0), TypeError, "n"),
        (lambda: generate_tagged_sentences(3, seed=-1), ValueError, "seed"),
        (lambda: generate_tagged_sentences(3, seed="0"), TypeError, "seed"),
        (lambda: load_tagging("dev"), ValueError, "split must be one of"),
        (lambda: load_tagging(0), TypeError, "split must be a str"),
    ],
)
def test_bad_arguments_name_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()
