"""course_utils.data.vectors: reading word2vec / GloVe text files and aligning them with a vocabulary."""
import pytest
import torch

from course_utils.data import Vocabulary, load_langid
from course_utils.data.vectors import SAMPLE_VECTORS, align_vectors, read_word_vectors
from course_utils.training.cbow import train_cbow


def test_reads_the_word2vec_format_with_its_header(tmp_path):
    path = tmp_path / "w2v.txt"
    path.write_text("3 2\nthe 0.5 -1\ncasa 2 3.25\nnão 1e-1 0\n", encoding="utf-8")
    words, vectors = read_word_vectors(path)
    assert words == ["the", "casa", "não"]
    assert vectors.dtype == torch.float32
    assert torch.equal(vectors, torch.tensor([[0.5, -1.0], [2.0, 3.25], [0.1, 0.0]]))


def test_reads_the_glove_format_without_a_header(tmp_path):
    path = tmp_path / "glove.txt"
    path.write_text("the 0.5 -1 2\ncasa 2 3.25 0\n\n", encoding="utf-8")  # a blank last line is fine
    words, vectors = read_word_vectors(str(path))
    assert words == ["the", "casa"] and vectors.shape == (2, 3)


@pytest.mark.parametrize("text, fragment", [
    ("2 2\nthe 1 2\n", "header announces 2 words, the file has 1"),
    ("1 2\nthe 1 2 3\n", "line 2: expected a word and 2 numbers, got 3"),
    ("the 1 2\ncasa 1\n", "line 2: expected a word and 2 numbers, got 1"),
    ("the 1 x\n", "line 1: not a number"),
    ("the 1 2\nthe 3 4\n", "line 2: the word 'the' appears twice"),
    ("", "holds no vectors"),
    ("the\n", "has a word but no numbers"),
])
def test_bad_files_are_reported_with_the_line(tmp_path, text, fragment):
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=fragment):
        read_word_vectors(path)


def test_trailing_spaces_a_byte_order_mark_and_words_with_spaces(tmp_path):
    path = tmp_path / "v.vec"  # fastText writes a space at the end of every line; GloVe 840B has words with spaces
    path.write_text("\ufeff3 2 \nthe 1 2 \nnew york 3 4 \ncasa 5 6 \n", encoding="utf-8")
    words, table = read_word_vectors(path)
    assert words == ["the", "new york", "casa"]
    assert table.tolist() == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]


def test_bad_paths():
    with pytest.raises(TypeError, match="path must be a str or a pathlib.Path"):
        read_word_vectors(3)
    with pytest.raises(ValueError, match="is not a file"):
        read_word_vectors("no_such_file.txt")


def test_the_shipped_file_is_notebook_07s_cbow_vectors():
    words, vectors = read_word_vectors(SAMPLE_VECTORS)
    sentences, _ = load_langid("train")
    vocab = Vocabulary.build(sentences, min_count=3)
    assert words == list(vocab)[1:61] and vectors.shape == (60, 16)
    pretrained, _ = train_cbow(sentences, vocab, dim=16, window=2, epochs=10, lr=0.02, batch_size=256, seed=0)
    assert torch.allclose(vectors, pretrained[1:61], atol=6e-5)  # written with 4 decimals


def test_align_copies_known_rows_and_leaves_missing_words_and_unk_at_zero():
    words, vectors = ["casa", "the", "gato"], torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    vocab = Vocabulary(["the", "dog", "casa"])  # <unk>=0, the=1, dog=2, casa=3
    table, missing = align_vectors(words, vectors, vocab)
    assert torch.equal(table, torch.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 0.0], [1.0, 2.0]]))
    assert missing == ["dog"]
    embedding = torch.nn.Embedding.from_pretrained(table)
    assert torch.equal(embedding(torch.tensor([3])), vectors[:1])
    with pytest.raises(ValueError, match="one row per word"):
        align_vectors(words[:2], vectors, vocab)
    with pytest.raises(TypeError, match="words must be a list of str"):
        align_vectors("casa", vectors, vocab)
    with pytest.raises(TypeError, match="vocab"):
        align_vectors(words, vectors, {"the": 1})
