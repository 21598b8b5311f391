import pytest
import torch
from torch import nn

from course_utils.data import Vocabulary
from course_utils.models import EmbeddingBagClassifier
from course_utils.widgets.bow import EXAMPLES, ClassifyWidget

LABELS = ("spanish", "english")
VOCAB = Vocabulary.build(["me gusta comer".split(), "give it to me".split()])


def _model() -> nn.Linear:
    """A hand-set model: 'gusta'/'comer' say Spanish, 'give'/'it' say English, <unk> is neutral."""
    model = nn.Linear(len(VOCAB), 2)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
        for word in ("gusta", "comer"):
            model.weight[0, VOCAB[word]] = 2.0
        for word in ("give", "it"):
            model.weight[1, VOCAB[word]] = 2.0
    return model


def test_compute_is_pure_and_gives_probabilities_prediction_and_unknown_words():
    w = ClassifyWidget(_model(), VOCAB, LABELS)
    updates = w.updates
    data = w.compute("Me GUSTA la pizza!")
    assert data["tokens"] == ["me", "gusta", "la", "pizza"]
    assert data["unknown"] == ["la", "pizza"]
    assert data["prediction"] == "spanish"
    expected = torch.softmax(torch.tensor([2.0, 0.0]), dim=0).tolist()
    assert data["probs"] == pytest.approx(expected)
    assert w.updates == updates and w.controls["sentence"].value == "No creo que sea una mala idea"


def test_an_empty_sentence_gives_uniform_probabilities_and_no_prediction():
    w = ClassifyWidget(_model(), VOCAB, LABELS)
    data = w.compute("   ")
    assert data["tokens"] == [] and data["prediction"] is None
    assert data["probs"] == [0.5, 0.5]
    assert w.describe(data) == "type a sentence and press Enter"
    assert w.describe(w.compute("  ¿?  ")).startswith("no words found")


def test_punctuation_or_emoji_only_says_there_are_no_words():
    w = ClassifyWidget(_model(), VOCAB, LABELS)
    for text in ("😀 🎉 !!!", "..."):
        data = w.compute(text)
        assert data["tokens"] == [] and data["prediction"] is None and data["probs"] == [0.5, 0.5]
        assert w.describe(data).startswith("no words found")


def test_only_unknown_words_claim_no_language_however_many():
    model = _model()
    with torch.no_grad():
        model.weight[1, VOCAB.unk_id] = 0.01  # a tiny untrained <unk> weight: 10,000 unknown words would say 100 %
    w = ClassifyWidget(model, VOCAB, LABELS)
    many = " ".join(f"zz{i}" for i in range(10_000))
    data = w.compute(many)
    assert data["prediction"] is None and data["probs"] == [0.5, 0.5]
    text = w.describe(data)
    assert text.startswith("no known words: all 10000 words are unknown") and "english" not in text
    assert "zz7 and 9992 more" in text and "zz8" not in text and len(text) < 200
    assert w.describe(w.compute("zebra")).startswith("no known words: the only word is unknown")
    w.controls["sentence"].value = many
    assert "%" not in w.readout.value and len(w.readout.value) < 250
    first, second = (bar.get_facecolor() for bar in w.figure.axes[0].patches)
    assert first == second  # no bar is picked out as the prediction
    assert [bar.get_width() for bar in w.figure.axes[0].patches] == [0.0, 0.0]  # no bars that look like 50 % each
    assert w.figure.axes[0].texts[0].get_text() == "no known words: no prediction"
    w.controls["sentence"].value = "gusta"
    assert [bar.get_width() for bar in w.figure.axes[0].patches] == pytest.approx(w.data["probs"])
    assert w.figure.axes[0].texts[0].get_text() == ""


def test_the_title_names_the_sentence_shortened():
    w = ClassifyWidget(_model(), VOCAB, LABELS, sentence="Me gusta   comer")
    assert w.figure.axes[0].get_title() == "“Me gusta comer”"
    w.controls["sentence"].value = "me   gusta " + "comer " * 20
    title = w.figure.axes[0].get_title()
    assert title.startswith("“me gusta comer") and title.endswith("…”") and len(title) == ClassifyWidget.MAX_TITLE + 2
    assert w.title(w.compute("   ")) == "Which language is it?"
    assert w.note(w.compute("  ¿?  ")) == "no words: no prediction"


def test_the_unknown_words_are_listed_once_each_and_shortened():
    w = ClassifyWidget(_model(), VOCAB, LABELS)
    text = w.describe(w.compute("gusta zebra zebra ZEBRA " + "x" * 500))
    assert text.count("zebra") == 1 and "x" * 19 + "…" in text and "x" * 20 not in text
    assert text.startswith("prediction: spanish")


def test_typing_a_sentence_changes_data_picture_and_readout():
    w = ClassifyWidget(_model(), VOCAB, LABELS, sentence="give it to me")
    before = (w.data, w.image.value, w.readout.value, w.updates)
    assert before[0]["prediction"] == "english"
    w.controls["sentence"].value = "me gusta comer"
    assert w.data["prediction"] == "spanish"
    assert w.image.value != before[1] and bytes(w.image.value).startswith(b"\x89PNG")
    assert w.readout.value != before[2] and "prediction: spanish" in w.readout.value
    assert w.updates == before[3] + 1
    bars = w.figure.axes[0].patches
    assert [b.get_width() for b in bars] == pytest.approx(w.data["probs"])


def test_readout_escapes_unk_for_html():
    w = ClassifyWidget(_model(), VOCAB, LABELS, sentence="gusta zebra")
    assert "&lt;unk&gt;" in w.readout.value and "zebra" in w.readout.value
    assert "<unk>" not in w.readout.value


def test_example_dropdown_fills_the_text_box():
    w = ClassifyWidget(_model(), VOCAB, LABELS)
    w.examples.value = EXAMPLES[0]
    assert w.controls["sentence"].value == EXAMPLES[0]
    assert w.data["tokens"][:2] == ["i", "would"]
    assert w.examples.value == ""  # back to the placeholder


def test_picking_the_same_example_again_after_editing_restores_it():
    w = ClassifyWidget(_model(), VOCAB, LABELS)
    w.examples.value = EXAMPLES[1]
    w.controls["sentence"].value = "give it"
    assert w.data["prediction"] == "english"
    w.examples.value = EXAMPLES[1]
    assert w.controls["sentence"].value == EXAMPLES[1] and w.data["tokens"][0] == "me"


def test_works_with_an_embedding_bag_model():
    torch.manual_seed(0)
    model = EmbeddingBagClassifier(len(VOCAB), 4, 2)
    w = ClassifyWidget(model, VOCAB, LABELS, sentence="give it")
    assert sum(w.data["probs"]) == pytest.approx(1.0)


def test_repr_shows_only_the_sentence():
    w = ClassifyWidget(_model(), VOCAB, LABELS, sentence="hola")
    assert repr(w) == "ClassifyWidget(sentence='hola')"
    assert w._repr_mimebundle_()["text/plain"] == "ClassifyWidget(sentence='hola')"


@pytest.mark.parametrize(
    "args, match",
    [
        (("model", VOCAB, LABELS), "model"),
        ((nn.Linear(7, 2), {"a": 0}, LABELS), "vocab"),
        ((nn.Linear(7, 2), VOCAB, "ab"), "labels"),
    ],
)
def test_bad_arguments(args, match):
    with pytest.raises(TypeError, match=match):
        ClassifyWidget(*args)


def test_compute_rejects_a_non_string():
    w = ClassifyWidget(_model(), VOCAB, LABELS)
    with pytest.raises(TypeError, match="sentence"):
        w.compute(["me", "gusta"])


def test_example_is_a_trained_model_that_tells_the_languages_apart():
    w = ClassifyWidget.example()
    predictions = []
    for sentence in EXAMPLES[:4]:
        w.examples.value = sentence
        predictions.append(w.data["prediction"])
    assert predictions == ["english", "spanish", "portuguese", "italian"]
