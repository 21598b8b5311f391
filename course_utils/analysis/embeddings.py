"""Look at word vectors: cosine similarity, nearest neighbours, a 2-D picture (PCA), neighbours' labels."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import torch

from course_utils._validate import require_int, require_tensor, require_vocab, type_name
from course_utils.data.vocab import Vocabulary

__all__ = ["cosine_similarities", "majority_labels", "nearest_neighbours", "neighbour_agreement", "project_2d"]


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


def majority_labels(sentences: Sequence[Sequence[str]], labels: Sequence[str], vocab: Vocabulary) -> list[str]:
    """The label (e.g. the language) each word of `vocab` occurs with most often: one label per vocabulary row.

    sentences: tokenised sentences; labels: one label per sentence
    A tie goes to the label seen first with the word; a word never seen (such as <unk>) gets "".
    """
    require_vocab(vocab)
    if len(sentences) != len(labels):
        raise ValueError(f"labels must have one entry per sentence ({len(sentences)}), got {len(labels)}")
    counts: list[Counter[str]] = [Counter() for _ in range(len(vocab))]
    for sentence, label in zip(sentences, labels, strict=True):
        for word in sentence:
            if word in vocab:
                counts[vocab[word]][label] += 1
    return [c.most_common(1)[0][0] if c else "" for c in counts]  # most_common keeps first-seen order on ties


def neighbour_agreement(vectors: torch.Tensor, groups: Sequence[str], k: int = 5) -> tuple[float, float]:
    """How often a word's k nearest neighbours (cosine) share its group, and how often two random words do.

    vectors: [V, d] word vectors; groups: one group label per row ("" = no group: row left out, e.g. <unk>)
    Returns (agreement, chance): the fraction of (word, neighbour) pairs in the same group, and the same
    fraction for two different words drawn at random (what neighbours without any meaning would give).
    """
    require_tensor(vectors, "vectors", floating=True, ndim=2)
    if len(groups) != vectors.shape[0]:
        raise ValueError(f"groups must have one entry per row of vectors ({vectors.shape[0]}), got {len(groups)}")
    keep = [i for i, g in enumerate(groups) if g != ""]
    require_int(k, "k", minimum=1)
    if k > len(keep) - 1:
        raise ValueError(f"k={k} is too large: there are only {len(keep)} words with a group")
    kept = vectors.detach().cpu().double()[keep]
    unit = kept / kept.norm(dim=1, keepdim=True).clamp(min=1e-12)
    similarities = unit @ unit.T
    similarities.fill_diagonal_(-float("inf"))
    top = similarities.topk(k, dim=1).indices  # [n, k]
    names = sorted(set(groups[i] for i in keep))
    code = torch.tensor([names.index(groups[i]) for i in keep])
    agreement = (code[top] == code[:, None]).double().mean().item()
    sizes = torch.bincount(code).double()
    n = float(len(keep))
    chance = ((sizes * (sizes - 1)).sum() / (n * (n - 1))).item()
    return agreement, chance
