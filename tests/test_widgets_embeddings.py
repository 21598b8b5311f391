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
    with pytest.raises(ValueError, match="'zebra'"):
        NeighboursWidget(vectors, vocab, words=["zebra"])
    with pytest.raises(ValueError, match="one row per word"):
        NeighboursWidget(vectors[:5], vocab)
    with pytest.raises(TypeError, match="vocab"):
        NeighboursWidget(vectors, {"w1": 1})
