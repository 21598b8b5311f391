"""Exercises of notebook 08 (the bag-of-words classifier)."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from typing import Any

import torch

from course_utils._validate import type_name
from course_utils.analysis.metrics import accuracy
from course_utils.checks import Case, Exercise, NotAttempted, Runner, StudentError
from course_utils.checks.compare import article
from course_utils.data import UNK, Vocabulary, bow_vector, load_langid

# The tutorial's four training sentences: a tiny vocabulary for the cases.
_TINY = Vocabulary.build(
    [
        "me gusta comer en la cafeteria".split(),
        "Give it to me".split(),
        "No creo que sea una buena idea".split(),
        "No it is not a good idea to get lost at sea".split(),
    ]
)


_TRAIN, _ = load_langid("train")
_DEV, _ = load_langid("dev")
_TRAIN_VOCAB = Vocabulary.build(_TRAIN)

# ---------------------------------------------------------------------------------------------------------------
# Exercise 1: a bag-of-words vector with <unk>
# ---------------------------------------------------------------------------------------------------------------

bow_by_hand = Exercise(
    "Exercise 1 (a bag-of-words vector with <unk>)",
    reference=bow_vector,
    cases=[
        Case(("Give it to me".split(), _TINY), label="'Give it to me' (all words known)"),
        Case(("me me me gusta".split(), _TINY), label="'me me me gusta' (a repeated word)"),
        Case(("Yo creo que si".split(), _TINY), label="'Yo creo que si' (with unknown words)"),
        Case(("ciao ciao".split(), _TINY), label="'ciao ciao' (only unknown words)"),
        Case(("give It to Me".split(), _TINY), label="'give It to Me' (capitalised differently from the vocabulary)"),
        Case(([], _TINY), label="an empty sentence"),
        Case((_DEV[0], _TRAIN_VOCAB), label="the first dev sentence with the training set's vocabulary"),
    ],
    forbidden=(
        "course_utils.data.bow_vector",
        "course_utils.data.bow.bow_vector",
        "course_utils.data.bow_matrix",
        "course_utils.data.bow.bow_matrix",
    ),
    rule="the task is to build the vector yourself, so course_utils' bow_vector and bow_matrix (the reference) are off "
    "limits",
    hints=[
        "a bag of words COUNTS: one slot per vocabulary word (the <unk> slot included), and an unknown word must still "
        "land somewhere instead of raising KeyError. What does the course's Vocabulary return for a word it has "
        "never seen?",
        "start from a float vector of zeros with one entry per vocabulary word, then add one for every token, "
        "repeated tokens too, at the id the vocabulary gives it (a word is looked up exactly as written: no "
        "lowercasing).",
    ],
)

# ---------------------------------------------------------------------------------------------------------------
# Exercise 2: accuracy by hand
# ---------------------------------------------------------------------------------------------------------------


def _scores_with_accuracy(n: int, c: int, seed: int, right: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Random [n, c] log-probabilities and targets such that exactly `right` rows are predicted correctly."""
    g = torch.Generator().manual_seed(seed)
    log_probs = torch.randn(n, c, generator=g).log_softmax(dim=1)
    predictions = log_probs.argmax(dim=1)
    wrong = torch.randperm(n, generator=g)[: n - right]
    targets = predictions.clone()
    targets[wrong] = (predictions[wrong] + 1 + torch.randint(0, c - 1, (len(wrong),), generator=g)) % c
    return log_probs, targets


def _accuracy_cases() -> list[Case]:
    cases = [
        Case(
            (torch.tensor([[-0.2093, -1.6669], [-2.5330, -0.0828]]), torch.tensor([0, 1])),
            label="the tutorial's two test sentences after training",
        ),
        Case(
            (torch.tensor([[-0.9297, -0.5020], [-0.6388, -0.7506]]), torch.tensor([0, 1])),
            label="the tutorial's two test sentences before training",
        ),
    ]
    # Square score matrices: the wrong axis (a prediction per class instead of per sentence) has the right shape,
    # and the accuracy is strictly between 0 and 1, so integer division gives the wrong number.
    for n, seed, right in ((3, 0, 2), (4, 0, 3), (5, 1, 2), (6, 0, 3)):
        cases.append(
            Case(_scores_with_accuracy(n, n, seed, right), label=f"{n} sentences, {n} labels (a square matrix)")
        )
    for n, c, seed, right in ((10, 4, 8, 7), (7, 3, 9, 3), (1000, 4, 10, 613)):
        cases.append(Case(_scores_with_accuracy(n, c, seed, right), label=f"{n} sentences, {c} labels"))
    cases.append(Case(_scores_with_accuracy(1, 3, 11, 1), label="one sentence, 3 labels"))
    return cases


accuracy_by_hand = Exercise(
    "Exercise 2 (accuracy by hand)",
    reference=accuracy,  # course_utils.analysis.metrics.accuracy
    cases=_accuracy_cases(),
    forbidden=("course_utils.analysis.metrics.accuracy",),
    rule="the task is to compute the accuracy yourself, so course_utils.analysis.metrics.accuracy "
    "(the reference) is off limits",
    hints=[
        "a sentence's predicted class is the column with the largest log-probability in ITS row; the accuracy is "
        "the fraction of sentences whose prediction equals the target.",
        "take the position of the maximum along the class dimension (dimension 1: with a square matrix dimension 0 "
        "has the right shape too, but means something else), compare with the targets, and average the matches as "
        "floating-point numbers, not with integer division. The task wants a Python float: a one-element tensor has "
        "a method that gives its number.",
    ],
)

# ---------------------------------------------------------------------------------------------------------------
# Exercise 3: how many words are unknown?
# ---------------------------------------------------------------------------------------------------------------


def _unknown_rate(sentences: Sequence[Sequence[str]], vocab: Vocabulary) -> float:
    words = [w for sentence in sentences for w in sentence]
    return sum(w not in vocab for w in words) / len(words)


def _unknown_rate_cases() -> list[Case]:
    return [
        Case(
            ([["Yo", "creo", "que", "si"]], _TINY), label="[['Yo', 'creo', 'que', 'si']] with the tutorial's vocabulary"
        ),
        Case(([["me", "gusta"], ["hola", "amigo", "me"]], _TINY), label="two sentences of 2 and 3 words"),
        Case(
            ([["Give", "it", "to", "me"], ["No", "creo"]], _TINY),
            label="capitalised words that ARE in the vocabulary as written ('Give', 'No')",
        ),
        Case(
            ([["Me", "gusta", "Comer"]], _TINY),
            label="capitalised words that are NOT in the vocabulary, though their lowercase forms are ('Me', 'Comer')",
        ),
        Case(([["hola", "hola", "hola", "me"]], _TINY), label="a repeated unknown word ('hola' three times)"),
        Case(([["hola"], [], ["me", "gusta", "la", "cafeteria"]], _TINY), label="three sentences, one of them empty"),
        Case((_DEV, _TRAIN_VOCAB), label="the dev set with the vocabulary of the training set"),
        Case((_TRAIN[:50], _TRAIN_VOCAB), label="50 training sentences with the training set's vocabulary"),
    ]


unknown_rate = Exercise(
    "Exercise 3 (how many words are unknown?)",
    reference=_unknown_rate,
    cases=_unknown_rate_cases(),
    hints=[
        "every occurrence counts: an unknown word that appears three times adds three, and the total is the number "
        "of words, not of sentences or of distinct words. The answer is a fraction between 0 and 1.",
        "go through every word of every sentence, count those the vocabulary does not contain (the vocabulary "
        "answers `in` for the word exactly as written: no lowercasing), divide by the total number of words, and "
        "return a Python float.",
    ],
)

# ---------------------------------------------------------------------------------------------------------------
# Exercise 4: rare-word replacement, so that <unk> occurs in training
# ---------------------------------------------------------------------------------------------------------------


def _replace_rare(sentences: Sequence[Sequence[str]], min_count: int) -> list[list[str]]:
    counts = Counter(w for sentence in sentences for w in sentence)
    return [[w if counts[w] >= min_count else UNK for w in sentence] for sentence in sentences]


def _replace_rare_cases() -> list[Case]:
    tiny = [s.split() for s in ("me gusta comer en la cafeteria", "Give it to me", "No creo que sea una buena idea",
                                "No it is not a good idea to get lost at sea")]
    return [
        Case((tiny, 2), label="the tutorial's four training sentences, min_count=2"),
        Case(([["ciao", "ciao", "mondo"], ["hola", "mundo"]], 2),
             label="'ciao' twice in ONE sentence and nowhere else, min_count=2"),
        Case(([["la", "casa"], ["la", "mesa"], ["una", "casa"]], 2),
             label="'la' and 'casa' once in each of two sentences, min_count=2"),
        Case(([["a", "a", "a", "b", "b", "c"], ["b", "c", "d"]], 3),
             label="'a' and 'b' exactly 3 times, 'c' twice, min_count=3"),
        Case(([["No", "no", "no"], ["Yo", "no"]], 2), label="'No' and 'no' are different words, min_count=2"),
        Case(([["hola"], [], ["me", "gusta", "hola"]], 2), label="three sentences, one of them empty, min_count=2"),
        Case(([["solo", "una", "vez"], ["una", "vez", "más"]], 1), label="min_count=1 (nothing is rare)"),
        Case((_TRAIN, 2), label="the 848 training sentences, min_count=2"),
    ]


_RARE_CASES = tuple(_replace_rare_cases())


def _sentences_problem(got: Any, want: list[list[str]], given: list[list[str]]) -> str | None:
    """What is wrong with `got` as the replaced sentences (want) of the caller's `given`, in the student's terms:
    "sentence 2, word 3", not "the second item of the list: the third item of the list"."""
    if got is None:
        return "it returned None, but a list of sentences was expected (a missing `return`?)"
    if not isinstance(got, (list, tuple)):
        return f"it returned {article(type_name(got))}, but a list of sentences (lists of words) was expected"
    if len(got) != len(want):
        return f"it returned {len(got)} items, but {len(want)} sentences were expected (one for each input sentence)"
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        if not isinstance(g, (list, tuple)):  # a tuple of words is a fine sentence too
            return f"sentence {i + 1} is {article(type_name(g))}, but a list of words was expected"
        if len(g) != len(w):
            words = "word" if len(g) == 1 else "words"
            return f"sentence {i + 1} has {len(g)} {words}, but {len(w)} were expected (the same length as the input)"
        for j, (gw, ww) in enumerate(zip(g, w, strict=True)):
            if not isinstance(gw, str):
                return f"sentence {i + 1}, word {j + 1} is {article(type_name(gw))}, but a str was expected"
            if gw != ww:
                did = f"kept {gw!r}" if gw == given[i][j] else f"turned {given[i][j]!r} into {gw!r}"
                return f"sentence {i + 1}, word {j + 1} is not right yet (your function {did})"
    if got is given:
        return "it returned the caller's own list `sentences`, not a new one"
    for i, g in enumerate(got):
        if g is given[i]:
            return (f"sentence {i + 1} is the caller's own list, not a new one: changing the result would change "
                    "`sentences` too (the task asks for new sentences)")
    return None


def _check_replace_rare(answer: Any, run: Runner) -> list[tuple[str, str | None]]:
    results = []
    for case in _RARE_CASES:
        given = copy.deepcopy(case.args[0])
        want = _replace_rare(*copy.deepcopy(case.args))
        try:
            got = run(answer, given, case.args[1])
        except StudentError as exc:
            results.append((case.describe(), str(exc)))
            continue
        if got is ...:
            raise NotAttempted
        results.append((case.describe(), _sentences_problem(got, want, given)))
    return results


replace_rare = Exercise(
    "Exercise 4 (rare-word replacement)",
    reference=_replace_rare,
    cases=_RARE_CASES,
    check_fn=_check_replace_rare,  # the cases, plus: new lists, and feedback that names "sentence i, word j"
    hints=[
        "'rare' is about the whole training set: count how often each word occurs in ALL the sentences together, "
        "every occurrence (a word twice in one sentence counts twice), before you replace anything. The result "
        "has the same sentences and lengths as the input, in new lists.",
        "first one pass that counts every word of every sentence (collections.Counter helps), then a second pass "
        "that builds new sentences, keeping a word whose count is at least min_count and writing \"<unk>\" "
        "(course_utils.data.UNK) in its place otherwise. Words are compared exactly as written.",
    ],
)

SOLUTION_KEYS = {
    "bow_by_hand": ["vec[vocab[word]] += 1", "torch.zeros(len(vocab))"],
    "accuracy_by_hand": ["argmax(dim=1)", ".float().mean().item()", "(predictions == targets)"],
    "unknown_rate": ["not in vocab", "unknown / len(words)"],
    "replace_rare": ["counts[word] >= min_count else", "for word in sentence] for sentence in sentences]"],
}

__all__ = ["accuracy_by_hand", "bow_by_hand", "replace_rare", "unknown_rate"]
