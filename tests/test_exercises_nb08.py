"""Notebook 08's exercises give a teacher's verdict: wrong answers fail with a message that says why, correct
alternatives pass, the stub is "not attempted". test_exercises_all.py runs the tables WRONG, ALTERNATIVES and
STUBS below, with the rules every exercise keeps (graded hints, the exercise cells after a restart).

bow_by_hand forbids course_utils.data.bow_vector / bow_matrix and accuracy_by_hand forbids
course_utils.analysis.metrics.accuracy (each is the exercise's reference); unknown_rate and replace_rare forbid
nothing (building a Vocabulary with min_count and keeping the words it contains is a correct replace_rare).
"""
from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path

import pytest
import torch

import course_utils.analysis.metrics
import course_utils.data
from course_utils.analysis.metrics import accuracy
from course_utils.checks import Exercise
from course_utils.data import UNK, Vocabulary, bow_matrix, bow_vector, load_langid
from course_utils.exercises import nb08
from tools.notebooks import defined_in_cell

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "08_bow_classifier.ipynb"


def notebook_function(cell_id: str, name: str):
    """The function `name` as the notebook's cell `cell_id` defines it."""
    return defined_in_cell(NOTEBOOK, cell_id, name, {"torch": torch, "nb08": nb08, "load_langid": load_langid, "Vocabulary": Vocabulary})


BOW, ACCURACY, UNKNOWN, RARE = nb08.bow_by_hand, nb08.accuracy_by_hand, nb08.unknown_rate, nb08.replace_rare


# --- bow_by_hand --------------------------------------------------------------------------------------
def bow_loop(transform=lambda word: word, *, add=True, length=lambda vocab: len(vocab), dtype=torch.float32,
             skip_unknown=False):
    def my_bow_vector(tokens, vocab):
        vec = torch.zeros(length(vocab), dtype=dtype)
        for word in tokens:
            if skip_unknown and word not in vocab:
                continue
            if add:
                vec[vocab[transform(word)]] += 1
            else:
                vec[vocab[transform(word)]] = 1  # presence, not counts
        return vec

    return my_bow_vector


def tutorial_keyerror(tokens, vocab):
    word_to_ix = {word: i for i, word in enumerate(vocab)}
    vec = torch.zeros(len(vocab))
    for word in tokens:
        vec[word_to_ix[word]] += 1  # KeyError on an unknown word
    return vec


def no_unk_slot(tokens, vocab):
    words = [w for w in vocab if w != "<unk>"]
    word_to_ix = {word: i for i, word in enumerate(words)}
    vec = torch.zeros(len(words))
    for word in tokens:
        if word in word_to_ix:
            vec[word_to_ix[word]] += 1
    return vec


def uses_bow_vector(tokens, vocab):
    return bow_vector(tokens, vocab)


def uses_the_module(tokens, vocab):
    return course_utils.data.bow_vector(tokens, vocab)


def consumes_the_tokens(tokens, vocab):
    vec = torch.zeros(len(vocab))
    while tokens:
        vec[vocab[tokens.pop()]] += 1
    return vec


BOW_FORBIDDEN = "is not allowed in this exercise: the task is to build the vector yourself"
BOW_WRONG = [
    pytest.param(tutorial_keyerror, ("3 of 7 passed", "raised KeyError"), id="bow-tutorial-KeyError"),
    pytest.param(no_unk_slot, ("shape (23,), but shape (24,)",), id="bow-no-unk-slot"),
    pytest.param(bow_loop(add=False), ("values are off",), id="bow-presence"),
    pytest.param(bow_loop(dtype=torch.long), ("dtype torch.int64, but a floating-point tensor",), id="bow-int-dtype"),
    # the task says float32 (torch's default), which the check requires (review of issue 10)
    pytest.param(bow_loop(dtype=torch.float64), ("dtype torch.float64, but dtype torch.float32 was expected",),
                 id="bow-float64"),
    pytest.param(bow_loop(length=lambda vocab: len(vocab) + 1), ("shape (25,), but shape (24,)",), id="bow-too-long"),
    pytest.param(bow_loop(skip_unknown=True), ("values are off",), id="bow-skips-unknown-words"),
    pytest.param(bow_loop(str.lower), ("values are off",), id="bow-lowercased"),
    pytest.param(lambda tokens, vocab: bow_loop()(tokens, vocab).tolist(), ("returned a list, but a torch.Tensor",),
                 id="bow-list"),
    pytest.param(consumes_the_tokens, ("changed its input `tokens` in place",), id="bow-in-place"),
    pytest.param(uses_bow_vector, ("`course_utils.data.bow_vector` " + BOW_FORBIDDEN,), id="bow-forbidden-bow_vector"),
    pytest.param(uses_the_module, ("`course_utils.data.bow_vector` " + BOW_FORBIDDEN,), id="bow-forbidden-via-module"),
    pytest.param(lambda tokens, vocab: bow_matrix([tokens], vocab)[0], ("`course_utils.data.bow_matrix` " + BOW_FORBIDDEN,),
                 id="bow-forbidden-bow_matrix"),
]


# --- accuracy_by_hand ---------------------------------------------------------------------------------
def wrong_axis(log_probs, targets):
    return (log_probs.argmax(dim=0) == targets).float().mean().item()


def integer_division(log_probs, targets):
    return (log_probs.argmax(dim=1) == targets).sum().item() // len(targets)


def integer_division_as_float(log_probs, targets):
    return float((log_probs.argmax(dim=1) == targets).sum().item() // len(targets))


def tensor_floor_division(log_probs, targets):
    return ((log_probs.argmax(dim=1) == targets).sum() // len(targets)).item()


def uses_accuracy(log_probs, targets):
    return accuracy(log_probs, targets)


def uses_the_evaluation_module(log_probs, targets):
    return course_utils.analysis.metrics.accuracy(log_probs, targets)


def exponentiates_in_place(log_probs, targets):
    return (log_probs.exp_().argmax(dim=1) == targets).float().mean().item()


ACCURACY_FORBIDDEN = "is not allowed in this exercise: the task is to compute the accuracy yourself"
SQUARE_CASES = sum(1 for case in ACCURACY.cases if case.args[0].shape[0] == case.args[0].shape[1] > 2)
ACCURACY_WRONG = [
    pytest.param(lambda lp, t: (lp.argmax(dim=1) == t).float().mean(),
                 ("0 of 10 passed", "it returned a Tensor, but a Python float was expected", ".item()"),
                 id="accuracy-tensor"),
    pytest.param(wrong_axis, ("3 sentences, 3 labels (a square matrix)", "not right yet"), id="accuracy-wrong-axis"),
    pytest.param(integer_division, ("Python int, but a Python float was expected", "integer division"),
                 id="accuracy-integer-division"),
    pytest.param(integer_division_as_float, ("not right yet",), id="accuracy-integer-division-as-float"),
    pytest.param(tensor_floor_division, ("Python int, but a Python float",), id="accuracy-tensor-floor-division"),
    pytest.param(lambda lp, t: (lp.argmin(dim=1) == t).float().mean().item(), ("not right yet",), id="accuracy-argmin"),
    pytest.param(lambda lp, t: (lp.argmax(dim=1) == t).sum().item(), ("Python int",), id="accuracy-count"),
    pytest.param(lambda lp, t: (lp.argmax(dim=1) == t).sum().item() / lp.shape[1], ("not right yet",),
                 id="accuracy-divides-by-classes"),
    pytest.param(lambda lp, t: 1 - (lp.argmax(dim=1) == t).float().mean().item(), ("not right yet",),
                 id="accuracy-error-rate"),
    pytest.param(lambda lp, t: (lp.argmax(dim=1) == t).mean().item(), ("raised RuntimeError",),
                 id="accuracy-mean-of-bools"),
    pytest.param(exponentiates_in_place, ("changed its input `log_probs` in place",), id="accuracy-in-place"),
    pytest.param(uses_accuracy, ("`course_utils.analysis.metrics.accuracy` " + ACCURACY_FORBIDDEN,), id="accuracy-forbidden"),
    pytest.param(uses_the_evaluation_module, ("`course_utils.analysis.metrics.accuracy` " + ACCURACY_FORBIDDEN,),
                 id="accuracy-forbidden-via-module"),
]


# --- unknown_rate -------------------------------------------------------------------------------------
def all_words(sentences):
    return [word for sentence in sentences for word in sentence]


def lowercased(sentences, vocab):
    words = [w.lower() for w in all_words(sentences)]
    return sum(w not in vocab for w in words) / len(words)


def distinct_words(sentences, vocab):
    words = set(all_words(sentences))
    return sum(w not in vocab for w in words) / len(words)


def per_sentence(sentences, vocab):
    return sum(w not in vocab for w in all_words(sentences)) / len(sentences)


def percentage(sentences, vocab):
    words = all_words(sentences)
    return 100 * sum(w not in vocab for w in words) / len(words)


def known_rate(sentences, vocab):
    words = all_words(sentences)
    return sum(w in vocab for w in words) / len(words)


def mean_of_sentence_rates(sentences, vocab):
    rates = [sum(w not in vocab for w in s) / len(s) for s in sentences]
    return sum(rates) / len(rates)


def sorts_the_sentences(sentences, vocab):
    sentences.sort(key=len)
    words = all_words(sentences)
    return sum(w not in vocab for w in words) / len(words)


UNKNOWN_WRONG = [
    pytest.param(lowercased, ("6 of 8 passed", "capitalised words that ARE in the vocabulary"), id="unknown-lowercased"),
    pytest.param(distinct_words, ("two sentences of 2 and 3 words", "not right yet"), id="unknown-distinct-words"),
    pytest.param(per_sentence, ("not right yet",), id="unknown-divides-by-sentences"),
    pytest.param(percentage, ("not right yet",), id="unknown-percentage"),
    pytest.param(known_rate, ("not right yet",), id="unknown-known-rate"),
    pytest.param(lambda s, v: sum(w not in v for w in all_words(s)), ("Python int, but a Python float",),
                 id="unknown-count"),
    pytest.param(lambda s, v: torch.tensor([w not in v for w in all_words(s)]).float().mean(),
                 ("it returned a Tensor, but a Python float",), id="unknown-tensor"),
    pytest.param(mean_of_sentence_rates, ("5 of 8 passed", "two sentences of 2 and 3 words"),
                 id="unknown-mean-of-sentence-rates"),
    pytest.param(sorts_the_sentences, ("changed its input `sentences` in place",), id="unknown-in-place"),
]

# --- replace_rare -------------------------------------------------------------------------------------
def rare_by(count, *, keep=lambda n, m: n >= m, unk="<unk>", transform=lambda w: w, drop=False):
    """A replace_rare answer: count(sentences) -> {word: n}; keep(n, min_count) decides; unk replaces."""
    def my_replace_rare(sentences, min_count):
        counts = count([[transform(w) for w in s] for s in sentences])
        out = []
        for sentence in sentences:
            new = [w if keep(counts.get(transform(w), 0), min_count) else unk for w in sentence]
            out.append([w for w in new if w != unk] if drop else new)
        return out

    return my_replace_rare


def occurrences(sentences):
    return Counter(w for s in sentences for w in s)


def sentence_frequency(sentences):
    return Counter(w for s in sentences for w in set(s))  # in how many sentences, not how often


def per_sentence(sentences, min_count):
    out = []
    for sentence in sentences:
        counts = Counter(sentence)  # counted inside each sentence only
        out.append([w if counts[w] >= min_count else "<unk>" for w in sentence])
    return out


def keeps_the_callers_lists(sentences, min_count):
    counts = occurrences(sentences)
    out = []
    for sentence in sentences:
        if all(counts[w] >= min_count for w in sentence):
            out.append(sentence)  # nothing to replace: the caller's own list, not a new one
        else:
            out.append([w if counts[w] >= min_count else "<unk>" for w in sentence])
    return out


def replaces_in_place(sentences, min_count):
    counts = occurrences(sentences)
    for sentence in sentences:
        for i, w in enumerate(sentence):
            if counts[w] < min_count:
                sentence[i] = "<unk>"
    return sentences


RARE_WRONG = [
    pytest.param(per_sentence, ("2 of 8 passed", "sentence 1, word 1 is not right yet", "turned 'me' into '<unk>'"),
                 id="rare-counts-per-sentence"),
    pytest.param(rare_by(sentence_frequency), ("'ciao' twice in ONE sentence",), id="rare-sentence-frequency"),
    pytest.param(rare_by(occurrences, keep=lambda n, m: n > m), ("not right yet",), id="rare-off-by-one"),
    pytest.param(keeps_the_callers_lists, ("4 of 8 passed", "sentence 1 is the caller's own list, not a new one"),
                 id="rare-same-inner-lists"),
    pytest.param(lambda sentences, min_count: sentences if min_count <= 1 else rare_by(occurrences)(sentences, min_count),
                 ("7 of 8 passed", "it returned the caller's own list `sentences`"), id="rare-same-outer-list"),
    pytest.param(rare_by(occurrences, unk=("<unk>",)), ("is a tuple, but a str was expected",), id="rare-unk-tuple"),
    pytest.param(rare_by(occurrences, keep=lambda n, m: n >= 2), ("'a' and 'b' exactly 3 times, 'c' twice, min_count=3",),
                 id="rare-min-count-2-hardcoded"),
    pytest.param(rare_by(occurrences, drop=True), ("sentence 1 has 1 word, but 6 were expected",),
                 id="rare-drops-the-words"),
    pytest.param(rare_by(occurrences, unk="<UNK>"), ("not right yet",), id="rare-wrong-token"),
    pytest.param(rare_by(occurrences, unk=0), ("sentence 1, word 2 is an int, but a str was expected",), id="rare-unk-id"),
    pytest.param(rare_by(occurrences, transform=str.lower), ("'No' and 'no' are different words",), id="rare-lowercased"),
    pytest.param(replaces_in_place, ("changed its input `sentences` in place",), id="rare-in-place"),
    pytest.param(lambda sentences, min_count: [list(s) for s in sentences], ("not right yet",), id="rare-unchanged-copy"),
    pytest.param(lambda sentences, min_count: print(rare_by(occurrences)(sentences, min_count)),
                 ("it returned None, but a list of sentences was expected",), id="rare-prints-instead-of-return"),
    pytest.param(lambda sentences, min_count: {i: s for i, s in enumerate(rare_by(occurrences)(sentences, min_count))},
                 ("it returned a dict, but a list of sentences",), id="rare-returns-dict"),
    pytest.param(lambda sentences, min_count: [w for s in rare_by(occurrences)(sentences, min_count) for w in s],
                 ("it returned 29 items, but 4 sentences were expected",), id="rare-flattened"),
]

WRONG = (
    [pytest.param(BOW, *p.values, id=p.id) for p in BOW_WRONG]
    + [pytest.param(RARE, *p.values, id=p.id) for p in RARE_WRONG]
    + [pytest.param(ACCURACY, *p.values, id=p.id) for p in ACCURACY_WRONG]
    + [pytest.param(UNKNOWN, *p.values, id=p.id) for p in UNKNOWN_WRONG]
)


@pytest.mark.parametrize("wrong", [wrong_axis, integer_division, integer_division_as_float, tensor_floor_division])
def test_wrong_axis_and_integer_division_fail_on_several_cases(wrong):
    ACCURACY.reset()
    fb = ACCURACY.check(wrong)
    assert fb.total - fb.passed >= 4, fb.message()


def test_accuracy_cases_make_the_wrong_axis_and_integer_division_visible():
    assert SQUARE_CASES >= 4
    inside = 0
    for case in ACCURACY.cases:
        log_probs, targets = case.args
        value = accuracy(log_probs, targets)
        inside += 0 < value < 1
        if log_probs.shape[0] == log_probs.shape[1] > 2:  # argmax(dim=0) has the right shape and the wrong value
            assert 0 < value < 1 and wrong_axis(log_probs, targets) != pytest.approx(value)
    assert inside >= 6


def test_lowercasing_fails_on_words_that_are_and_are_not_in_the_vocabulary():
    failing = [case.label for case in UNKNOWN.cases if lowercased(*case.args) != pytest.approx(nb08._unknown_rate(*case.args))]
    assert any("ARE in the vocabulary" in label for label in failing)
    assert any("NOT in the vocabulary" in label for label in failing)


def test_the_forbidden_functions_are_back_after_the_check():
    BOW.check(uses_bow_vector)
    ACCURACY.check(uses_accuracy)
    assert course_utils.data.bow_vector is bow_vector and course_utils.data.bow.bow_vector is bow_vector
    assert course_utils.analysis.metrics.accuracy is accuracy
    assert globals()["bow_vector"] is bow_vector and globals()["accuracy"] is accuracy


# --- correct alternatives -----------------------------------------------------------------------------
def bow_bincount(tokens, vocab):
    ids = torch.tensor([vocab[w] for w in tokens], dtype=torch.long)
    return torch.bincount(ids, minlength=len(vocab)).float()


def bow_counter(tokens, vocab):
    counts = Counter(vocab[w] for w in tokens)
    return torch.tensor([float(counts[i]) for i in range(len(vocab))])


def unknown_counter(sentences, vocab):
    counts = Counter(all_words(sentences))
    unknown = sum(n for word, n in counts.items() if word not in vocab)
    return unknown / sum(counts.values())


def unknown_by_id(sentences, vocab):
    words = all_words(sentences)
    return sum(vocab[w] == vocab.unk_id for w in words) / len(words)


def rare_with_vocabulary(sentences, min_count):
    kept = Vocabulary.build(sentences, min_count=min_count)  # the words seen at least min_count times (and <unk>)
    return [[w if w in kept else UNK for w in s] for s in sentences]


def rare_two_loops(sentences, min_count):
    counts = {}
    for sentence in sentences:
        for word in sentence:
            counts[word] = counts.get(word, 0) + 1
    return [tuple("<unk>" if counts[w] < min_count else w for w in s) for s in sentences]  # tuples are fine too


ALTERNATIVES = [
    pytest.param(RARE, notebook_function("a7d1c0f2", "my_replace_rare_solution"), id="rare-notebook-solution"),
    pytest.param(RARE, rare_by(occurrences), id="rare-counter"),
    pytest.param(RARE, rare_with_vocabulary, id="rare-vocabulary-min-count"),
    pytest.param(RARE, rare_two_loops, id="rare-two-loops-tuples"),
    pytest.param(BOW, notebook_function("f9c8ea33", "my_bow_vector_solution"), id="bow-notebook-solution"),
    pytest.param(BOW, bow_loop(), id="bow-loop"),
    pytest.param(BOW, bow_bincount, id="bow-bincount"),
    pytest.param(BOW, bow_counter, id="bow-counter"),
    pytest.param(ACCURACY, notebook_function("4e555d1b", "my_accuracy_solution"), id="accuracy-notebook-solution"),
    pytest.param(ACCURACY, lambda lp, t: (lp.argmax(dim=1) == t).sum().item() / len(t), id="accuracy-true-division"),
    pytest.param(ACCURACY, lambda lp, t: float((lp.max(dim=1).indices == t).double().mean()), id="accuracy-max-indices"),
    pytest.param(ACCURACY, lambda lp, t: torch.eq(lp.argmax(-1), t).float().mean().item(), id="accuracy-eq-last-dim"),
    pytest.param(UNKNOWN, notebook_function("883e3f1b", "my_unknown_rate_solution"), id="unknown-notebook-solution"),
    pytest.param(UNKNOWN, nb08._unknown_rate, id="unknown-reference"),
    pytest.param(UNKNOWN, unknown_counter, id="unknown-counter"),
    pytest.param(UNKNOWN, unknown_by_id, id="unknown-by-unk-id"),
]


# --- stubs (run, with `...` for every exercise, by test_exercises_all.py) and secrecy -----------------
STUBS = [
    pytest.param(RARE, notebook_function("a7d1c0f1", "my_replace_rare"), id="rare-notebook-stub"),
    pytest.param(BOW, notebook_function("df614e72", "my_bow_vector"), id="bow-notebook-stub"),
    pytest.param(ACCURACY, notebook_function("bb044480", "my_accuracy"), id="accuracy-notebook-stub"),
    pytest.param(UNKNOWN, notebook_function("74582ac5", "my_unknown_rate"), id="unknown-notebook-stub"),
]


def _shown(value: float) -> list[str]:
    return [f"{value:.4f}", f"{value:.3f}", f"{value:.2f}", f"{100 * value:.1f}%"]


@pytest.mark.parametrize(
    "exercise, reference, wrongs",
    [
        (ACCURACY, accuracy, [wrong_axis, integer_division_as_float, lambda lp, t: 0.5]),
        (UNKNOWN, nb08._unknown_rate, [lowercased, distinct_words, per_sentence, percentage, lambda s, v: 0.123456]),
    ],
    ids=["accuracy", "unknown"],
)
def test_messages_never_show_the_reference_values(exercise: Exercise, reference, wrongs):
    values = [reference(*case.args) for case in exercise.cases]
    values = [v for v in values if v not in (0.0, 1.0)]  # 0 and 1 also appear in ordinary words
    for wrong in wrongs:
        exercise.reset()
        message = exercise.check(wrong).message()
        assert not any(text in message for v in values for text in _shown(v)), message


def test_bow_messages_never_show_the_reference_counts():
    BOW.reset()
    message = BOW.check(bow_loop(add=False)).message()
    assert "3.0" not in message and "tensor(" not in message


def test_the_task_asks_for_the_dtype_the_check_requires():
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    task = "".join(next(c for c in cells if "**Exercise 1.**" in "".join(c["source"]))["source"])
    assert "`float32` tensor" in task


def test_tiny_vocabulary_is_the_tutorials_training_vocabulary():
    assert len(nb08._TINY) == 1 + 23 and "creo" in nb08._TINY and "Yo" not in nb08._TINY
    assert isinstance(nb08._TINY, Vocabulary)
    assert "Give" in nb08._TINY and "give" not in nb08._TINY and "Me" not in nb08._TINY and "me" in nb08._TINY


def test_the_dev_case_uses_the_training_vocabulary():
    train, _ = load_langid("train")
    assert len(nb08._TRAIN_VOCAB) == len(Vocabulary.build(train))


# A typical wrong answer per exercise, for the hints to escalate on (test_exercises_all.py; each is also in WRONG).
ESCALATING = {
    nb08.bow_by_hand: bow_loop(add=False),
    nb08.accuracy_by_hand: wrong_axis,
    nb08.unknown_rate: lowercased,
    nb08.replace_rare: per_sentence,
}


def test_replace_rare_solution_matches_a_min_count_vocabulary_on_the_training_set():
    train, _ = load_langid("train")
    replaced = nb08._replace_rare(train, 2)
    assert list(Vocabulary.build(replaced)) == list(Vocabulary.build(train, min_count=2))
    assert [len(s) for s in replaced] == [len(s) for s in train] and any(UNK in s for s in replaced)


def test_each_replace_rare_case_is_needed():
    """Each tricky case is the only one, or one of few, that catches its wrong answer."""
    labels = {p.id: [c.label for c in RARE.cases if p.values[0](*copy.deepcopy(c.args)) != nb08._replace_rare(*c.args)]
              for p in RARE_WRONG if p.id in ("rare-counts-per-sentence", "rare-sentence-frequency", "rare-lowercased")}
    assert any("once in each of two sentences" in label for label in labels["rare-counts-per-sentence"])
    assert any("twice in ONE sentence" in label for label in labels["rare-sentence-frequency"])
    assert any("different words" in label for label in labels["rare-lowercased"])
