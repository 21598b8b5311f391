"""Every public course_utils function (or class) that takes a `seed` leaves torch's global random state as it
found it, unless its docstring says that it seeds it (setup_notebook). Students seed once at the top of a
notebook; a helper that reseeds the global generator behind their back changes every later random number."""

import importlib
import inspect
import pkgutil
import re

import pytest
import torch

import course_utils
from course_utils.data import LANGID_LABELS, Vocabulary

SENTENCES = [["the", "cat", "sat"], ["el", "gato", "come"], ["o", "gato", "come"], ["il", "gatto", "mangia"]] * 3
LABELS = list(LANGID_LABELS) * 3
VOCAB = Vocabulary.build(SENTENCES)

# Arguments for the callables that need more than their defaults (keyed "module.name").
EXAMPLES = {
    "analysis.activations.layer_grad_norms": lambda f, seed: f("tanh", 3, 4, seed),
    "analysis.activations.stack_statistics": lambda f, seed: f("relu", 3, 4, seed, init="default"),
    "training.classifiers.shuffled_batches": lambda f, seed: list(f(10, 4, lambda idx: idx, seed)),
    "training.classifiers.train_bow_classifier": lambda f, seed: f(SENTENCES, LABELS, vocab=VOCAB, epochs=1, seed=seed),
    "training.classifiers.train_embedding_bag_classifier": lambda f, seed: f(
        SENTENCES, LABELS, vocab=VOCAB, embed_dim=4, epochs=1, seed=seed
    ),
    "training.faults.train_variant": lambda f, seed: f(steps=3, seed=seed),
    "training.cbow.train_cbow": lambda f, seed: f(SENTENCES, VOCAB, dim=4, epochs=1, seed=seed),
    "data.synthetic.make_linear_data": lambda f, seed: f(8, torch.tensor([1.0, 2.0]), seed=seed),
    "data.synthetic.make_classification_data": lambda f, seed: f(8, torch.tensor([1.0, 2.0]), seed=seed),
    "data.synthetic.make_xor_data": lambda f, seed: f(8, seed=seed),
    "widgets.seeds.seeded_normals": lambda f, seed: f(seed, 5),
    "data.tagging.grammar.generate_tagged_sentences": lambda f, seed: f(5, seed=seed),
    "training.tagger.train_tagger": lambda f, seed: f([(["the", "dog"], ["DET", "NOUN"])], epochs=2, seed=seed),
}
SAYS_IT_SEEDS = re.compile(r"^\s*Seeds? (everything|the global)", flags=re.IGNORECASE | re.MULTILINE)


def seeded_callables() -> dict[str, object]:
    """Every public function and class of course_utils whose signature has a `seed`, by "module.name"."""
    found = {}
    for info in pkgutil.walk_packages(course_utils.__path__, "course_utils."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            try:
                parameters = inspect.signature(obj).parameters
            except ValueError:  # an exception class: no signature of its own
                continue
            if "seed" in parameters:
                found[f"{info.name.removeprefix('course_utils.')}.{name}"] = obj
    return found


CALLABLES = seeded_callables()


def test_the_seeded_callables_are_found():
    assert {
        "runtime.setup_notebook",
        "training.classifiers.train_bow_classifier",
        "training.cbow.train_cbow",
    } <= CALLABLES.keys()


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_global_rng_is_left_alone_unless_the_docstring_says_it_seeds(name):
    f = CALLABLES[name]
    if SAYS_IT_SEEDS.search(inspect.getdoc(f) or ""):
        return  # setup_notebook: seeding everything is its job
    call = EXAMPLES.get(name, lambda f, seed: f(seed=seed))
    torch.manual_seed(123)
    before = torch.get_rng_state()
    call(f, 7)
    assert torch.equal(torch.get_rng_state(), before), f"{name} changed the global random state"
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    call(f, 7)
    assert torch.equal(torch.rand(3), expected)  # the student's next random numbers are the ones they expect


def test_setup_notebook_says_it_seeds_and_does():
    from course_utils import setup_notebook

    assert SAYS_IT_SEEDS.search(inspect.getdoc(setup_notebook))
    setup_notebook(5)
    first = torch.rand(2)
    setup_notebook(5)
    assert torch.equal(torch.rand(2), first)
