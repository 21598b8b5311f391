import pytest
import torch

from course_utils.analysis.embeddings import nearest_neighbours
from course_utils.data import Vocabulary
from course_utils.widgets.embeddings import NeighboursWidget


def _setup():
    vocab = Vocabulary([f"w{i}" for i in range(20)])
    vectors = torch.randn(len(vocab), 6, generator=torch.Generator().manual_seed(0))
    return vectors, vocab


def test_changing_a_control_changes_data_picture_and_readout():
    vectors, vocab = _setup()
    w = NeighboursWidget(vectors, vocab, words=["w1", "w2"])
    assert repr(w) == "NeighboursWidget(word='w1', k=5)"
    assert w.data["neighbours"] == nearest_neighbours(vectors, vocab, "w1", 5)
    before = (w.image.value, w.readout.value)
    w.controls["word"].value = "w2"
    assert w.data["neighbours"] == nearest_neighbours(vectors, vocab, "w2", 5)
    assert w.image.value != before[0] and w.readout.value != before[1] and "w2:" in w.readout.value
    w.controls["k"].value = 2
    assert len(w.data["neighbours"]) == 2 and w.data["neighbour_points"].shape == (2, 2)
    texts = [t.get_text() for t in w._labels]
    assert texts[2:] == [""] * (len(texts) - 2) and texts[0] != ""  # artists reused, extra labels hidden


def test_initial_values_and_bad_arguments():
    vectors, vocab = _setup()
    assert NeighboursWidget(vectors, vocab, k=3).data["neighbours"].__len__() == 3
    with pytest.raises(ValueError, match="'zebra', which is not in the vocabulary"):
        NeighboursWidget(vectors, vocab, words=["zebra"])
    with pytest.raises(ValueError, match="'<unk>', the stand-in for every unknown word"):
        NeighboursWidget(vectors, vocab, words=["<unk>"])
    with pytest.raises(ValueError, match="one row per word"):
        NeighboursWidget(vectors[:5], vocab)
    with pytest.raises(TypeError, match="vocab"):
        NeighboursWidget(vectors, {"w1": 1})


def test_background_is_coloured_by_group_and_groups_are_checked():
    vectors, vocab = _setup()
    groups = [""] + ["en" if i % 2 else "es" for i in range(1, len(vocab))]
    w = NeighboursWidget(vectors, vocab, words=["w1"], background=6, groups=groups)
    assert w.background_groups == {"en": [1, 3, 5], "es": [2, 4, 6]}  # the first 6 words, <unk> left out
    legend = [t.get_text() for t in w.figure.axes[0].get_legend().get_texts()]
    assert "en" in legend and "es" in legend
    assert NeighboursWidget(vectors, vocab, background=3).background_groups == {"": [1, 2, 3]}
    with pytest.raises(ValueError, match="groups must have one label per word"):
        NeighboursWidget(vectors, vocab, groups=["en"] * 3)
