"""Look at word vectors: cosine similarity, nearest neighbours, a 2-D picture (PCA)."""
from __future__ import annotations

import torch

from course_utils._validate import require_int, require_tensor, require_vocab, type_name
from course_utils.data.vocab import Vocabulary

__all__ = ["cosine_similarities", "nearest_neighbours", "project_2d"]


def cosine_similarities(vectors: torch.Tensor, query: torch.Tensor) -> torch.Tensor:
    """Cosine similarity of `query` [d] with every row of `vectors` [V, d] -> [V] (0 for zero rows)."""
    require_tensor(vectors, "vectors", floating=True, ndim=2)
    require_tensor(query, "query", floating=True, ndim=1)
    if query.shape[0] != vectors.shape[1]:
        raise ValueError(f"query must have {vectors.shape[1]} entries, got {query.shape[0]}")
    norms = vectors.norm(dim=1) * query.norm()
    return (vectors @ query) / norms.clamp(min=1e-12)


def nearest_neighbours(vectors: torch.Tensor, vocab: Vocabulary, word: str, k: int = 5) -> list[tuple[str, float]]:
    """The k words whose vectors have the largest cosine similarity with `word`'s vector.

    vectors: [len(vocab), d], row i is the vector of word id i
    Returns [(word, cosine), ...], most similar first; the word itself and <unk> are left out.
    """
    require_vocab(vocab)
    require_tensor(vectors, "vectors", floating=True, ndim=2)
    if vectors.shape[0] != len(vocab):
        raise ValueError(f"vectors must have one row per word ({len(vocab)}), got {vectors.shape[0]}")
    if not isinstance(word, str):
        raise TypeError(f"word must be a str, got {type_name(word)}")
    if word not in vocab or word == list(vocab)[vocab.unk_id]:
        raise ValueError(f"word={word!r} is not in the vocabulary")
    require_int(k, "k", minimum=1)
    if k > len(vocab) - 2:
        raise ValueError(f"k={k} is too large: there are only {len(vocab) - 2} other words")
    vectors = vectors.detach().cpu()  # the model may live on another device (COURSE_DEVICE)
    similarities = cosine_similarities(vectors, vectors[vocab[word]]).clone()
    similarities[vocab[word]] = -float("inf")
    similarities[vocab.unk_id] = -float("inf")
    top = similarities.topk(k)
    words = vocab.decode(top.indices.tolist())
    return [(w, float(s)) for w, s in zip(words, top.values, strict=True)]


def project_2d(vectors: torch.Tensor) -> torch.Tensor:
    """PCA to two dimensions: [V, d] -> [V, 2], along the two directions of largest variance.

    Computed with an exact SVD (no randomness). An SVD's signs are arbitrary, so
    each axis is flipped to make its largest-magnitude coordinate positive: the
    same vectors always give the same picture.
    """
    require_tensor(vectors, "vectors", floating=True, ndim=2)
    if vectors.shape[0] < 2 or vectors.shape[1] < 2:
        raise ValueError(f"vectors must have at least 2 rows and 2 columns, got shape {tuple(vectors.shape)}")
    centred = vectors.detach().cpu().double() - vectors.detach().cpu().double().mean(dim=0)
    _, _, vh = torch.linalg.svd(centred, full_matrices=False)
    points = centred @ vh[:2].T  # [V, 2]
    biggest = points.abs().argmax(dim=0)
    signs = torch.sign(points[biggest, torch.arange(2)])
    signs[signs == 0] = 1.0
    return (points * signs).to(vectors.dtype)
