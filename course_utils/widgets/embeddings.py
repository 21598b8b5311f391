"""Notebook 07: the nearest neighbours of a word, on a 2-D map of the word vectors."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import torch
from matplotlib.figure import Figure

from course_utils._validate import require_tensor, require_vocab
from course_utils.analysis.embeddings import nearest_neighbours, project_2d
from course_utils.data.vocab import Vocabulary
from course_utils.widgets.base import PlotWidget

__all__ = ["MAX_K", "NeighboursWidget"]

MAX_K = 10


class NeighboursWidget(PlotWidget):
    """Pick a word and k: its k nearest neighbours (cosine similarity) light up on a PCA map.

    vectors: [len(vocab), d] word vectors
    vocab:   the Vocabulary whose ids index the rows of `vectors`
    words:   the words offered in the drop-down (default: the first 30 words of vocab)
    background: how many background points: the first `background` words of the vocabulary in its own order
                (for Vocabulary.build that is the order the words were first seen, not their frequency)
    groups:  optional label per vocabulary row (e.g. the language a word is used in, "" for none): the
             background points are coloured by it, with a legend
    """

    figsize = (5.6, 4.0)

    def __init__(self, vectors: torch.Tensor, vocab: Vocabulary, words: Sequence[str] | None = None,
                 background: int = 300, groups: Sequence[str] | None = None, **initial: Any) -> None:
        require_tensor(vectors, "vectors", floating=True, ndim=2)
        require_vocab(vocab)
        if vectors.shape[0] != len(vocab):
            raise ValueError(f"vectors must have one row per word ({len(vocab)}), got {vectors.shape[0]}")
        all_words = list(vocab)[1:]  # without <unk>
        words = list(words) if words is not None else all_words[:30]
        if not words:
            raise ValueError("words is empty: offer at least one word")
        for word in words:
            if word == list(vocab)[0]:
                raise ValueError(f"words contains {word!r}, the stand-in for every unknown word: its vector is not "
                                 "a word's, so it is not offered")
            if word not in vocab:
                raise ValueError(f"words contains {word!r}, which is not in the vocabulary")
        self.vectors, self.vocab, self.words = vectors.detach(), vocab, words
        self.points = project_2d(self.vectors)  # computed once: the map does not change
        self.background = list(range(1, min(background + 1, len(vocab))))
        if groups is not None and len(groups) != len(vocab):
            raise ValueError(f"groups must have one label per word of the vocabulary ({len(vocab)}), got {len(groups)}")
        # one (group name, row ids) per group, in sorted order; without groups, a single grey group ""
        labels = list(groups) if groups is not None else [""] * len(vocab)
        self.background_groups = {g: [i for i in self.background if labels[i] == g]
                                  for g in sorted(set(labels[i] for i in self.background))}
        super().__init__(**initial)

    @classmethod
    def example(cls) -> NeighboursWidget:
        """CBOW vectors trained briefly on the course corpus (a second or two), as in notebook 07."""
        from course_utils.analysis.embeddings import majority_labels
        from course_utils.data import load_langid
        from course_utils.training.cbow import train_cbow

        sentences, labels = load_langid("train")
        vocab = Vocabulary.build(sentences, min_count=3)
        vectors, _ = train_cbow(sentences, vocab, dim=16, window=2, epochs=2, lr=0.02)
        return cls(vectors, vocab, words=["the", "não", "que", "il", "casa"],
                   groups=majority_labels(sentences, labels, vocab))

    def make_controls(self) -> dict[str, widgets.ValueWidget]:
        return {
            "word": widgets.Dropdown(options=self.words, value=self.words[0], description="word"),
            "k": widgets.IntSlider(value=5, min=1, max=MAX_K, description="k"),
        }

    def compute(self, word: str, k: int) -> dict[str, Any]:
        neighbours = nearest_neighbours(self.vectors, self.vocab, word, k)
        ids = [self.vocab[w] for w, _ in neighbours]
        return {"word": word, "neighbours": neighbours, "query_point": self.points[self.vocab[word]],
                "neighbour_points": self.points[ids]}

    def draw(self, figure: Figure, data: dict[str, Any]) -> None:
        if not figure.axes:
            figure.set_layout_engine("none")  # the axes are placed by hand, once
            ax = figure.add_axes((0.12, 0.12, 0.62, 0.8))  # room on the right for the legend
            for g, rows in self.background_groups.items():
                if g:  # light colours, so the red neighbours stand out
                    ax.scatter(*self.points[rows].numpy().T, s=6, alpha=0.35, label=g)
                else:
                    ax.scatter(*self.points[rows].numpy().T, s=6, color="0.8")
            # animated: redrawn on every update over the cached background (see PlotWidget.render_png)
            self._neighbours = ax.scatter([], [], s=30, color="tab:red", label="neighbours", animated=True)
            self._query = ax.scatter([], [], s=60, color="black", marker="*", label="word", animated=True)
            self._labels = [ax.text(0, 0, "", fontsize=8, color="tab:red", animated=True) for _ in range(MAX_K)]
            self._query_label = ax.text(0, 0, "", fontsize=10, weight="bold", animated=True)
            ax.title.set_animated(True)
            ax.set_xlabel("PCA axis 1")
            ax.set_ylabel("PCA axis 2")
            ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)  # outside: hides no point
        ax = figure.axes[0]
        near = data["neighbour_points"].numpy()
        self._neighbours.set_offsets(near)
        query = data["query_point"].numpy()
        self._query.set_offsets(query.reshape(1, 2))
        self._query_label.set_position(tuple(query))
        self._query_label.set_text(data["word"])
        for i, label in enumerate(self._labels):
            if i < len(near):
                label.set_position(tuple(near[i]))
                label.set_text(data["neighbours"][i][0])
            else:
                label.set_text("")
        ax.set_title(f"nearest neighbours of {data['word']!r}")

    def describe(self, data: dict[str, Any]) -> str:
        listed = ", ".join(f"{w} ({s:.2f})" for w, s in data["neighbours"])
        return f"{data['word']}: {listed}"
