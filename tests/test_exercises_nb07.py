"""Notebook 07's exercises give a teacher's verdict: wrong answers fail with a message that says why, correct
alternatives pass, the stub is "not attempted", hints escalate and never give the solution away.

one_hot_lookup forbids the indexing helpers (the task is a lookup *without* indexing) but keeps F.one_hot
allowed; my_features takes lists of strings, so its in-place answer changes a list.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course_utils.checks import Exercise
from course_utils.exercises import nb07
from course_utils.features import token_features

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "07_embeddings.ipynb"


def notebook_function(cell_id: str, name: str):
    """The function `name` as the notebook's cell `cell_id` defines it, without running its check line."""
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    source = "".join(next(c for c in cells if c.get("id") == cell_id)["source"])
    source = "\n".join(line for line in source.splitlines() if ".check(" not in line)
    namespace = {"torch": torch, "F": F, "nn": nn, "nb07": nb07}
    exec(compile(source, str(NOTEBOOK), "exec"), namespace)
    return namespace[name]


LOOKUP, FEATURES = nb07.one_hot_lookup, nb07.my_features
FORBIDDEN = "is not allowed in this exercise: the task is a lookup WITHOUT indexing"


# --- one_hot_lookup -----------------------------------------------------------------------------------
def as_float32(ids, weight):
    return F.one_hot(ids, num_classes=weight.shape[0]).float() @ weight


def float32_result(ids, weight):
    return F.one_hot(ids, num_classes=weight.shape[0]).float() @ weight.float()


def scales_the_table_in_place(ids, weight):
    weight.mul_(2)
    return F.one_hot(ids, num_classes=weight.shape[0]).to(weight.dtype) @ weight / 2


def one_hot_without_num_classes(ids, weight):
    return F.one_hot(ids).to(weight.dtype) @ weight


def integer_one_hot(ids, weight):
    return F.one_hot(ids, num_classes=weight.shape[0]) @ weight


def summed_rows(ids, weight):
    return (F.one_hot(ids, num_classes=weight.shape[0]).to(weight.dtype) @ weight).sum(dim=0)


LOOKUP_WRONG = [
    pytest.param(as_float32, ("5 of 6 passed", "float64 table", "same dtype", "the table's dtype"),
                 id="lookup-float-on-a-float64-table"),
    pytest.param(float32_result, ("5 of 6 passed", "dtype torch.float32, but dtype torch.float64 was expected"),
                 id="lookup-float32-result"),
    pytest.param(one_hot_without_num_classes, ("raised RuntimeError",), id="lookup-one_hot-without-num_classes"),
    pytest.param(integer_one_hot, ("raised RuntimeError", "the table's dtype"), id="lookup-integer-one-hot"),
    pytest.param(summed_rows, ("shape (5,), but shape (1, 5)",), id="lookup-summed"),
    pytest.param(lambda ids, weight: weight.T @ F.one_hot(ids, weight.shape[0]).to(weight.dtype).T,
                 ("shape (5, 1), but shape (1, 5)",), id="lookup-transposed"),
    pytest.param(scales_the_table_in_place, ("changed its input `weight` in place",), id="lookup-in-place"),
    # the indexing helpers the task forbids (issue 10)
    pytest.param(lambda ids, weight: weight[ids], ("`torch.Tensor.__getitem__` " + FORBIDDEN,), id="lookup-indexing"),
    pytest.param(lambda ids, weight: F.embedding(ids, weight), ("`torch.nn.functional.embedding` " + FORBIDDEN,),
                 id="lookup-F.embedding"),
    pytest.param(lambda ids, weight: nn.Embedding.from_pretrained(weight)(ids),
                 ("`torch.nn.functional.embedding` " + FORBIDDEN,), id="lookup-nn.Embedding"),
    pytest.param(lambda ids, weight: torch.index_select(weight, 0, ids), ("`torch.index_select` " + FORBIDDEN,),
                 id="lookup-torch.index_select"),
    pytest.param(lambda ids, weight: weight.index_select(0, ids), ("`torch.Tensor.index_select` " + FORBIDDEN,),
                 id="lookup-Tensor.index_select"),
    pytest.param(lambda ids, weight: torch.gather(weight, 0, ids.unsqueeze(1).expand(-1, weight.shape[1])),
                 ("`torch.gather` " + FORBIDDEN,), id="lookup-gather"),
    pytest.param(lambda ids, weight: torch.take(weight, ids.unsqueeze(1) * weight.shape[1] + torch.arange(weight.shape[1])),
                 ("`torch.take` " + FORBIDDEN,), id="lookup-take"),
    pytest.param(lambda ids, weight: torch.eye(weight.shape[0], dtype=weight.dtype)[ids] @ weight,
                 ("`torch.Tensor.__getitem__` " + FORBIDDEN,), id="lookup-eye-indexed"),
    pytest.param(lambda ids, weight: torch.stack([weight.select(0, i) for i in ids.tolist()]).reshape(-1, weight.shape[1]),
                 ("`torch.Tensor.select` " + FORBIDDEN,), id="lookup-select"),
]


# --- my_features --------------------------------------------------------------------------------------
def previous(tokens, tags, i):
    return (tokens[i - 1], tags[i - 1]) if i > 0 else ("<s>", "<s>")


def wrong_order(tokens, tags, i):
    pw, pt = previous(tokens, tags, i)
    return [f"w={tokens[i]}", f"pt={pt}", f"pw={pw}", f"w={tokens[i]}&pt={pt}"]


def no_start_marker(tokens, tags, i):
    return [f"w={tokens[i]}", f"pw={tokens[i - 1]}", f"pt={tags[i - 1]}", f"w={tokens[i]}&pt={tags[i - 1]}"]


def current_tag(tokens, tags, i):
    pw, _ = previous(tokens, tags, i)
    return [f"w={tokens[i]}", f"pw={pw}", f"pt={tags[i]}", f"w={tokens[i]}&pt={tags[i]}"]


def current_tag_in_conjunction(tokens, tags, i):
    pw, pt = previous(tokens, tags, i)
    return [f"w={tokens[i]}", f"pw={pw}", f"pt={pt}", f"w={tokens[i]}&pt={tags[i]}"]


def current_word(tokens, tags, i):
    _, pt = previous(tokens, tags, i)
    return [f"w={tokens[i]}", f"pw={tokens[i]}", f"pt={pt}", f"w={tokens[i]}&pt={pt}"]


def no_conjunction(tokens, tags, i):
    return token_features(tokens, tags, i, conjunctions=False)


def underscore_conjunction(tokens, tags, i):
    pw, pt = previous(tokens, tags, i)
    return [f"w={tokens[i]}", f"pw={pw}", f"pt={pt}", f"w={tokens[i]}_pt={pt}"]


def other_marker(tokens, tags, i):
    pw, pt = (tokens[i - 1], tags[i - 1]) if i > 0 else ("<S>", "<S>")
    return [f"w={tokens[i]}", f"pw={pw}", f"pt={pt}", f"w={tokens[i]}&pt={pt}"]


def found_by_index(tokens, tags, i):
    j = tokens.index(tokens[i])  # the FIRST occurrence of the word: wrong for a repeated word
    pw, pt = previous(tokens, tags, j)
    return [f"w={tokens[i]}", f"pw={pw}", f"pt={pt}", f"w={tokens[i]}&pt={pt}"]


def pads_the_sentence(tokens, tags, i):
    tokens.insert(0, "<s>")  # changes the caller's list
    tags.insert(0, "<s>")
    return [f"w={tokens[i + 1]}", f"pw={tokens[i]}", f"pt={tags[i]}", f"w={tokens[i + 1]}&pt={tags[i]}"]


FEATURES_WRONG = [
    pytest.param(wrong_order, ("0 of 6 passed", "in the wrong order"), id="features-wrong-order"),
    pytest.param(no_start_marker, ("start marker '<s>'", "LAST word"), id="features-no-start-marker"),
    pytest.param(other_marker, ("start marker '<s>'",), id="features-other-marker"),
    pytest.param(current_tag, ("third feature", "tag of the word itself"), id="features-current-tag"),
    pytest.param(current_tag_in_conjunction, ("fourth feature", "tag of the word itself"),
                 id="features-current-tag-in-conjunction"),
    pytest.param(current_word, ("second feature", "uses the word itself"), id="features-current-word"),
    pytest.param(no_conjunction, ("returned 3 features, but four were expected",), id="features-no-conjunction"),
    pytest.param(underscore_conjunction, ("joined with '&'",), id="features-underscore"),
    pytest.param(found_by_index, ("5 of 6 passed", "the second 'the'"), id="features-index-of-first-occurrence"),
    pytest.param(lambda tokens, tags, i: " ".join(["w=" + tokens[i]]), ("a list of four strings",), id="features-str"),
    pytest.param(pads_the_sentence, ("changed its input `tokens` in place",), id="features-in-place"),
]

WRONG = [pytest.param(LOOKUP, *p.values, id=p.id) for p in LOOKUP_WRONG] + [
    pytest.param(FEATURES, *p.values, id=p.id) for p in FEATURES_WRONG
]


@pytest.mark.parametrize("exercise, answer, fragments", WRONG)
def test_wrong_answers_are_rejected_with_a_reason(exercise: Exercise, answer, fragments):
    exercise.reset()
    fb = exercise.check(answer)
    assert fb.attempted and not fb.ok
    for fragment in fragments:
        assert fragment in fb.message()
    assert "the check raised" not in fb.message()


def test_the_forbidden_functions_are_back_after_the_check():
    LOOKUP.check(lambda ids, weight: weight[ids])
    weight = torch.arange(6.0).reshape(3, 2)
    assert torch.equal(weight[torch.tensor([2])], torch.tensor([[4.0, 5.0]]))
    assert torch.equal(F.embedding(torch.tensor([1]), weight), torch.tensor([[2.0, 3.0]]))


def test_lookup_cases_cover_repeats_the_last_id_and_float64():
    cases = [case.args for case in nb07.LOOKUP_CASES]
    assert any(len(set(ids.tolist())) < len(ids) for ids, _ in cases)
    assert any(weight.shape[0] - 1 in ids.tolist() for ids, weight in cases)
    assert any(weight.dtype == torch.float64 for _, weight in cases)


# --- correct alternatives -----------------------------------------------------------------------------
def lookup_by_comparison(ids, weight):
    one_hot = (ids.unsqueeze(1) == torch.arange(weight.shape[0])).to(weight.dtype)
    return one_hot @ weight


def lookup_einsum(ids, weight):
    return torch.einsum("nv,vd->nd", F.one_hot(ids, len(weight)).type_as(weight), weight)


def features_concatenated(tokens, tags, i):
    word = "w=" + tokens[i]
    if i == 0:
        pw, pt = "pw=<s>", "pt=<s>"
    else:
        pw, pt = "pw=" + tokens[i - 1], "pt=" + tags[i - 1]
    return [word, pw, pt, word + "&" + pt]


ALTERNATIVES = [
    pytest.param(LOOKUP, notebook_function("52de589f", "lookup_solution"), id="lookup-notebook-solution"),
    pytest.param(LOOKUP, nb07._one_hot_lookup, id="lookup-reference"),
    pytest.param(LOOKUP, lookup_by_comparison, id="lookup-comparison-with-arange"),
    pytest.param(LOOKUP, lookup_einsum, id="lookup-einsum"),
    pytest.param(LOOKUP, lambda ids, weight: torch.matmul(F.one_hot(ids, weight.shape[0]).to(weight), weight),
                 id="lookup-matmul"),
    pytest.param(FEATURES, notebook_function("ac5c814e", "features_solution"), id="features-notebook-solution"),
    pytest.param(FEATURES, nb07._features_with_conjunction, id="features-reference"),
    pytest.param(FEATURES, features_concatenated, id="features-concatenated"),
    pytest.param(FEATURES, lambda tokens, tags, i: tuple(features_concatenated(tokens, tags, i)), id="features-tuple"),
]


@pytest.mark.parametrize("exercise, answer", ALTERNATIVES)
def test_correct_alternatives_pass(exercise: Exercise, answer):
    fb = exercise.check(answer)
    assert fb.ok, fb.message()


# --- stub, hints, secrecy -------------------------------------------------------------------------------
STUBS = [
    pytest.param(LOOKUP, notebook_function("b1d69639", "lookup"), id="lookup-notebook-stub"),
    pytest.param(FEATURES, notebook_function("fbd6967a", "features"), id="features-notebook-stub"),
    pytest.param(LOOKUP, ..., id="lookup-ellipsis"),
    pytest.param(FEATURES, ..., id="features-ellipsis"),
]


@pytest.mark.parametrize("exercise, stub", STUBS)
def test_the_stub_is_not_attempted_and_gets_no_hint(exercise: Exercise, stub):
    exercise.reset()
    fb = exercise.check(stub)
    assert not fb.attempted and not fb.ok and fb.hint is None
    assert "not attempted yet" in fb.message() and "Hint" not in fb.message()
    assert exercise.attempts == 0


@pytest.mark.parametrize("exercise, wrong", [(LOOKUP, as_float32), (FEATURES, current_tag)], ids=["lookup", "features"])
def test_hints_escalate_on_repeated_failure(exercise: Exercise, wrong):
    assert len(exercise.hints) >= 2
    exercise.reset()
    hints = [exercise.check(wrong).hint for _ in range(len(exercise.hints) + 1)]
    assert hints[:-1] == list(exercise.hints)
    assert hints[-1] == exercise.hints[-1]
    assert hints[0] != hints[1]


def test_no_hint_contains_the_solution():
    for attribute, keys in nb07.SOLUTION_KEYS.items():
        for hint in getattr(nb07, attribute).hints:
            squashed = hint.replace(" ", "").lower()
            for key in keys:
                assert key.replace(" ", "").lower() not in squashed, (attribute, key)
    exercises = {name for name, value in vars(nb07).items() if isinstance(value, Exercise)}
    assert exercises == set(nb07.SOLUTION_KEYS)


def test_messages_never_show_the_reference_values():
    values = set()
    for case in nb07.LOOKUP_CASES:
        values |= {f"{v:.3f}" for v in nb07._one_hot_lookup(*case.args).flatten().tolist()}
    for wrong in (float32_result, summed_rows, lambda ids, weight: torch.zeros(len(ids), weight.shape[1], dtype=weight.dtype)):
        LOOKUP.reset()
        message = LOOKUP.check(wrong).message()
        assert not any(v in message for v in values)
    for wrong in (current_tag, current_word, no_start_marker, found_by_index):
        FEATURES.reset()
        message = FEATURES.check(wrong).message()
        for case in nb07.FEATURE_CASES:
            for feature in nb07._features_with_conjunction(*case.args):
                assert feature not in message, feature
