"""Bag-of-words vectors: one count per vocabulary word."""
from __future__ import annotations

from collections.abc import Sequence

import torch

from course_utils._validate import require_sentences, require_vocab, type_name
from course_utils.data.vocab import Vocabulary

__all__ = ["bow_matrix", "bow_vector"]


def bow_vector(tokens: Sequence[str], vocab: Vocabulary) -> torch.Tensor:
    """Counts of each vocabulary word in `tokens`: a float32 tensor of shape [len(vocab)].

    Unknown words are counted in the <unk> slot (index 0).
    """
    require_vocab(vocab)
    ids = torch.tensor(vocab.encode(tokens), dtype=torch.long)
    return torch.bincount(ids, minlength=len(vocab)).to(torch.float32)


def bow_matrix(sentences: Sequence[Sequence[str]], vocab: Vocabulary, *, sparse: bool = False) -> torch.Tensor:
    """Bag-of-words rows for many sentences at once: float32 tensor [N, len(vocab)].

    Vectorised: all (row, word id) pairs are collected first, then added into
    the matrix with one index_put_ call instead of a Python loop over words.
    Identical to stacking bow_vector(s, vocab) for each sentence s.

    sparse: return a sparse COO tensor instead (same values). A sentence uses a
            handful of a vocabulary's thousands of words, so nn.Linear on sparse
            rows skips almost all of the multiply-adds.
    """
    if not isinstance(sparse, bool):
        raise TypeError(f"sparse must be True or False, got {type_name(sparse)}")
    require_vocab(vocab)
    require_sentences(sentences)
    ids: list[int] = []
    lengths: list[int] = []
    for sentence in sentences:
        encoded = vocab.encode(sentence)
        ids.extend(encoded)
        lengths.append(len(encoded))
    rows = torch.repeat_interleave(torch.arange(len(sentences)), torch.tensor(lengths))
    cols = torch.tensor(ids, dtype=torch.long)
    ones = torch.ones(len(ids), dtype=torch.float32)
    if sparse:  # repeated (row, word) pairs are summed by coalesce()
        indices = torch.stack([rows, cols])  # in range by construction, so torch need not re-check them
        shape = (len(sentences), len(vocab))
        return torch.sparse_coo_tensor(indices, ones, shape, check_invariants=False).coalesce()
    matrix = torch.zeros(len(sentences), len(vocab), dtype=torch.float32)
    matrix.index_put_((rows, cols), ones, accumulate=True)
    return matrix
