"""Exercises of notebook 08 (the bag-of-words classifier)."""
from __future__ import annotations

from collections.abc import Sequence

import torch

from course_utils.checks import Case, Exercise
from course_utils.data import Vocabulary, bow_vector, load_langid
from course_utils.evaluation import accuracy

# The tutorial's four training sentences: a tiny vocabulary for the cases.
_TINY = Vocabulary.build(
    [
        "me gusta comer en la cafeteria".split(),
        "Give it to me".split(),
        "No creo que sea una buena idea".split(),
        "No it is not a good idea to get lost at sea".split(),
    ]
)

bow_by_hand = Exercise(
    "Exercise 1 (a bag-of-words vector with <unk>)",
    reference=bow_vector,
    cases=[
        Case(("Give it to me".split(), _TINY), label="'Give it to me' (all words known)"),
        Case(("me me me gusta".split(), _TINY), label="'me me me gusta' (a repeated word)"),
        Case(("Yo creo que si".split(), _TINY), label="'Yo creo que si' (two unknown words)"),
        Case(("ciao ciao".split(), _TINY), label="'ciao ciao' (only unknown words)"),
        Case(([], _TINY), label="an empty sentence"),
    ],
    hint="start from torch.zeros(len(vocab)); add 1 at vocab[word] for every word "
    "(vocab[word] is 0, the <unk> slot, for an unknown word)",
)


def _accuracy_cases() -> list[Case]:
    g = torch.Generator().manual_seed(8)
    cases = [
        Case(
            (torch.tensor([[-0.2093, -1.6669], [-2.5330, -0.0828]]), torch.tensor([0, 1])),
            label="the tutorial's two test sentences after training (both right)",
        ),
        Case(
            (torch.tensor([[-0.9297, -0.5020], [-0.6388, -0.7506]]), torch.tensor([0, 1])),
            label="the tutorial's two test sentences before training (both wrong)",
        ),
    ]
    for n, c in ((10, 4), (7, 3)):
        scores = torch.randn(n, c, generator=g).log_softmax(dim=1)
        cases.append(Case((scores, torch.randint(0, c, (n,), generator=g)), label=f"{n} sentences, {c} labels"))
    return cases


accuracy_by_hand = Exercise(
    "Exercise 2 (accuracy by hand)",
    reference=accuracy,  # course_utils.evaluation.accuracy
    cases=_accuracy_cases(),
    hint="the prediction is the column with the largest log-probability: log_probs.argmax(dim=1); "
    "then compare with targets and take the mean of the matches (as a float)",
)


def _unknown_rate(sentences: Sequence[Sequence[str]], vocab: Vocabulary) -> float:
    words = [w for sentence in sentences for w in sentence]
    return sum(w not in vocab for w in words) / len(words)


def _unknown_rate_cases() -> list[Case]:
    train, _ = load_langid("train")
    dev, _ = load_langid("dev")
    return [
        Case(([["Yo", "creo", "que", "si"]], _TINY), label="[['Yo', 'creo', 'que', 'si']] with the tutorial's vocabulary"),
        Case(([["me", "gusta"], ["hola", "amigo", "me"]], _TINY), label="two sentences, 2 of 5 words unknown"),
        Case((dev, Vocabulary.build(train)), label="the dev set with the vocabulary of the training set"),
    ]


unknown_rate = Exercise(
    "Exercise 3 (how many words are unknown?)",
    reference=_unknown_rate,
    cases=_unknown_rate_cases(),
    hint="count the words w (over all sentences) with `w not in vocab`, and divide by the total number of words",
)
