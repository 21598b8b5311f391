"""Read pre-trained word vectors from a text file (word2vec or GloVe format) and align them with a vocabulary.

Both formats have one word per line followed by its numbers, separated by spaces. word2vec's text format starts
with a header line "<number of words> <dimension>"; GloVe's has no header. The course ships a small file in the
word2vec format (course_utils/data/wordvectors/, CBOW vectors of the course corpus) to show the steps offline; the
same code reads a real file of word2vec, GloVe or fastText (.vec) vectors.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import torch

from course_utils._validate import require_tensor, require_vocab, type_name
from course_utils.data.vocab import Vocabulary

__all__ = ["SAMPLE_VECTORS", "align_vectors", "read_word_vectors"]

SAMPLE_VECTORS = "langid_cbow16.txt"  # the course's sample file, in the word2vec text format


def _sample_path(name: str) -> Path:
    return Path(str(resources.files("course_utils.data").joinpath("wordvectors", name)))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_word_vectors(path: str | Path = SAMPLE_VECTORS) -> tuple[list[str], torch.Tensor]:
    """Read a word-vector text file: returns (words, vectors [len(words), d], float32).

    path: a file in the word2vec text format (a header "count dim", then "word x1 ... xd" per line) or the GloVe
          format (the same lines without a header); a bare name such as SAMPLE_VECTORS means the course's file
    Raises ValueError naming the line when a line has the wrong number of numbers, a number does not parse, a word
    is repeated, or the header's count disagrees with the lines.
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or a pathlib.Path, got {type_name(path)}")
    file = Path(path)
    if not file.exists() and file.name == str(path):
        file = _sample_path(str(path))
    if not file.is_file():
        raise ValueError(f"path={str(path)!r} is not a file")
    # utf-8-sig drops a byte-order mark; rstrip drops the space fastText and word2vec write at the end of a line
    lines = [line.rstrip() for line in file.read_text(encoding="utf-8-sig").splitlines()]
    lines = [line for line in lines if line.strip()]
    if not lines:
        raise ValueError(f"path={str(path)!r}: the file holds no vectors")
    header = lines[0].split()
    expected_count = None
    if len(header) == 2 and all(part.isdigit() for part in header):  # word2vec: "count dim"
        expected_count, dim = int(header[0]), int(header[1])
        body, first_number = lines[1:], 2
    else:  # GloVe: the first line is already a vector; its length sets the dimension
        body, first_number, dim = lines, 1, len(header) - 1
    if dim < 1:
        raise ValueError(f"path={str(path)!r}: line 1 has a word but no numbers")
    words: list[str] = []
    rows: list[list[float]] = []
    seen: set[str] = set()
    for number, line in enumerate(body, start=first_number):
        parts = line.split(" ")
        if len(parts) <= dim or all(_is_number(part) for part in parts[1:len(parts) - dim]) and len(parts) > dim + 1:
            raise ValueError(f"path={str(path)!r}, line {number}: expected a word and {dim} numbers, got "
                             f"{len(parts) - 1} numbers")
        word, values = " ".join(parts[:-dim]), parts[-dim:]  # the last dim fields: a word may hold a space (GloVe)
        try:
            rows.append([float(v) for v in values])
        except ValueError:
            raise ValueError(f"path={str(path)!r}, line {number}: not a number among {values[:3]}...") from None
        if word in seen:
            raise ValueError(f"path={str(path)!r}, line {number}: the word {word!r} appears twice")
        seen.add(word)
        words.append(word)
    if expected_count is not None and expected_count != len(words):
        raise ValueError(f"path={str(path)!r}: the header announces {expected_count} words, the file has "
                         f"{len(words)}")
    return words, torch.tensor(rows, dtype=torch.float32)


def align_vectors(words: list[str], vectors: torch.Tensor, vocab: Vocabulary) -> tuple[torch.Tensor, list[str]]:
    """A table for `vocab` from pre-trained vectors: returns (table [len(vocab), d], the vocabulary's missing words).

    words, vectors: as read_word_vectors returns them (row i is the vector of words[i])
    vocab:          the task's vocabulary; row i of the table is for its word id i
    A word of `vocab` that `words` lacks (and <unk>) gets a zero row, not a random one: averaged into a sentence,
    a zero vector adds nothing, while an untrained random vector adds noise. Missing words keep vocab's order.
    """
    require_vocab(vocab)
    require_tensor(vectors, "vectors", floating=True, ndim=2)
    if not isinstance(words, (list, tuple)) or not all(isinstance(w, str) for w in words):
        raise TypeError(f"words must be a list of str, got {type_name(words)}")
    if len(words) != vectors.shape[0]:
        raise ValueError(f"vectors must have one row per word ({len(words)}), got {vectors.shape[0]}")
    row_of = {w: i for i, w in enumerate(words)}
    table = torch.zeros(len(vocab), vectors.shape[1], dtype=vectors.dtype)
    missing = []
    for i, word in enumerate(vocab):
        if i == vocab.unk_id:
            continue
        if word in row_of:
            table[i] = vectors[row_of[word]]
        else:
            missing.append(word)
    return table, missing
