"""Notebook 08: classify your own sentence with a trained bag-of-words model."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
from matplotlib.figure import Figure
from torch import nn

from course_utils._validate import require_vocab, type_name
from course_utils.analysis.metrics import predict_proba
from course_utils.data import Vocabulary, tokenize
from course_utils.widgets.base import PlotWidget

__all__ = ["ClassifyWidget", "EXAMPLES"]

# Sentences to try from the drop-down (none of them is in the corpus).
EXAMPLES = (
    "I would like a cup of coffee",
    "Me gustaría un café con leche",
    "Eu gostaria de um café com leite",
    "Vorrei un caffè con latte",
    "La casa es muy bonita",
    "Pizza and pasta are Italian food",
)


class ClassifyWidget(PlotWidget):
    """Type a sentence (press Enter): bars show the model's probability for each language.

    model:  a trained classifier from course_utils.training.classifiers
            (bag-of-words nn.Linear or EmbeddingBagClassifier)
    vocab:  the Vocabulary it was trained with
    labels: the label names, in class-index order
    The readout names the prediction and the words the model never saw (they count as <unk>). A sentence with no
    word the model knows gets no prediction: its output there says nothing about the sentence.
    """

    MAX_LISTED = 8  # unknown words listed in the readout (distinct, first-seen order); the rest are counted
    MAX_WORD = 20  # characters shown of a long unknown word
    MAX_TITLE = 40  # characters shown of the sentence in the picture's title

    def __init__(self, model: nn.Module, vocab: Vocabulary, labels: Sequence[str], **initial: Any) -> None:
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be a trained torch.nn.Module, got {type_name(model)}")
        require_vocab(vocab)
        if isinstance(labels, str) or not isinstance(labels, Sequence) or len(labels) < 2:
            raise TypeError(f"labels must be a list of at least 2 label names, got {labels!r}")
        # Stored before super().__init__(), which computes and draws the first picture.
        self.model, self.vocab, self.labels = model, vocab, tuple(labels)
        super().__init__(**initial)
        # The drop-down only fills in the text box; the text box drives the picture.
        self.examples = widgets.Dropdown(options=[("examples…", "")] + [(s, s) for s in EXAMPLES], value="")
        self.examples.observe(self._use_example, names="value")
        self.children = (widgets.HBox([self.controls["sentence"], self.examples]), self.image, self.readout)

    @classmethod
    def example(cls) -> ClassifyWidget:
        """A BoW model trained for 3 epochs on the course corpus (about a second)."""
        from course_utils.data import LANGID_LABELS, load_langid
        from course_utils.training.classifiers import train_bow_classifier

        sentences, labels = load_langid("train")
        vocab = Vocabulary.build(sentences)
        model, _ = train_bow_classifier(sentences, labels, vocab=vocab, epochs=3)
        return cls(model, vocab, LANGID_LABELS)

    def _use_example(self, change: dict) -> None:
        if change["new"]:
            self.controls["sentence"].value = change["new"]
            self.examples.value = ""  # back to "examples…", so that picking the same example again is a change

    def make_controls(self) -> dict[str, widgets.ValueWidget]:
        return {
            "sentence": widgets.Text(
                value="No creo que sea una mala idea",
                description="sentence",
                continuous_update=False,  # recompute on Enter / leaving the box, not on every key
                layout=widgets.Layout(width="24em"),
            )
        }

    def compute(self, sentence: str) -> dict[str, Any]:
        """Tokens, unknown words and each label's probability (pure: no widget state is changed).

        With no tokens, or no token the vocabulary knows, every label gets the same probability and
        `prediction` is None: the model's output on only <unk> is a guess it has no evidence for.
        """
        if not isinstance(sentence, str):
            raise TypeError(f"sentence must be a str, got {type_name(sentence)}")
        tokens = tokenize(sentence)
        unknown = [w for w in tokens if w not in self.vocab]
        if len(unknown) == len(tokens):  # no words, or no known words: nothing to go on
            probs = [1.0 / len(self.labels)] * len(self.labels)
            prediction = None
        else:
            probs = predict_proba(self.model, [tokens], self.vocab)[0].tolist()
            prediction = self.labels[max(range(len(probs)), key=probs.__getitem__)]
        return {"text": sentence, "tokens": tokens, "unknown": unknown, "probs": probs, "prediction": prediction,
                "labels": self.labels}

    def _unknown_list(self, unknown: list[str]) -> str:
        """The distinct unknown words in first-seen order, at most MAX_LISTED of them, each shortened."""
        distinct = list(dict.fromkeys(unknown))
        shown = [w if len(w) <= self.MAX_WORD else w[: self.MAX_WORD - 1] + "…" for w in distinct[: self.MAX_LISTED]]
        more = len(distinct) - len(shown)
        return ", ".join(shown) + (f" and {more} more" if more else "") if shown else "none"

    def draw(self, figure: Figure, data: dict[str, Any]) -> None:
        if not figure.axes:
            ax = figure.add_subplot()
            ax.barh(range(len(data["labels"])), data["probs"], color="tab:blue")
            ax.set_yticks(range(len(data["labels"])), data["labels"])
            ax.invert_yaxis()
            ax.set_xlim(0, 1)
            ax.set_xlabel("probability")
            # Said in the picture itself (a static picture has no readout) when there is no prediction.
            ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", color="dimgrey")
        ax = figure.axes[0]
        best = max(range(len(data["probs"])), key=data["probs"].__getitem__)
        for i, (bar, p) in enumerate(zip(ax.patches, data["probs"], strict=True)):
            if data["prediction"] is None:  # no evidence: no bars (the note says why), not a uniform prediction
                bar.set_width(0.0)
                bar.set_color("lightgrey")
            else:
                bar.set_width(p)
                bar.set_color("tab:orange" if i == best else "tab:blue")
        ax.texts[0].set_text(self.note(data))
        ax.set_title(self.title(data))

    def title(self, data: dict[str, Any]) -> str:
        """The picture's title: the sentence (shortened), so that a static picture says what it shows."""
        text = " ".join(data.get("text", "").split())
        if not text:
            return "Which language is it?"
        return f"“{text if len(text) <= self.MAX_TITLE else text[: self.MAX_TITLE - 1] + '…'}”"

    @staticmethod
    def note(data: dict[str, Any]) -> str:
        """What the empty picture says when there is no prediction ("" when there is one)."""
        if data["prediction"] is not None:
            return ""
        return "no known words: no prediction" if data["tokens"] else "no words: no prediction"

    def describe(self, data: dict[str, Any]) -> str:
        tokens, unknown = data["tokens"], data["unknown"]
        if not tokens:
            if not data.get("text", "").strip():
                return "type a sentence and press Enter"
            return "no words found: punctuation, emoji and other symbols are dropped, so there is nothing to classify"
        if data["prediction"] is None:
            which = "the only word is" if len(tokens) == 1 else f"all {len(tokens)} words are"
            return (f"no known words: {which} unknown (<unk>), so no language is claimed | "
                    f"unknown: {self._unknown_list(unknown)}")
        best = max(data["probs"])
        return (f"prediction: {data['prediction']} ({best:.0%}) | words never seen in training (<unk>): "
                f"{self._unknown_list(unknown)}")
