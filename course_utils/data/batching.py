"""Turning tokenised sentences into the (ids, offsets) input of nn.EmbeddingBag."""
from __future__ import annotations

from collections.abc import Sequence

import torch

from course_utils._validate import require_sentences, require_vocab, type_name
from course_utils.data.vocab import Vocabulary

__all__ = ["ids_and_offsets", "label_ids"]


def ids_and_offsets(sentences: Sequence[Sequence[str]], vocab: Vocabulary) -> tuple[torch.Tensor, torch.Tensor]:
    """All sentences' word ids in one flat tensor, plus where each sentence starts.

    Returns (ids [total words], offsets [N]), both torch.long: sentence i is
    ids[offsets[i]:offsets[i+1]]. This is what nn.EmbeddingBag(ids, offsets) takes.
    """
    require_vocab(vocab)
    require_sentences(sentences)
    ids: list[int] = []
    offsets: list[int] = []
    for sentence in sentences:
        offsets.append(len(ids))
        ids.extend(vocab.encode(sentence))
    return torch.tensor(ids, dtype=torch.long), torch.tensor(offsets, dtype=torch.long)


def label_ids(labels: Sequence[str], label_names: Sequence[str]) -> torch.Tensor:
    """Class index of each label (its position in `label_names`), as a torch.long tensor [N]."""
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise TypeError(f"labels must be a list of str, got {type_name(labels)}")
    index = {name: i for i, name in enumerate(label_names)}
    out = []
    for i, label in enumerate(labels):
        if label not in index:
            raise ValueError(f"labels[{i}]={label!r} is not one of label_names {list(label_names)}")
        out.append(index[label])
    return torch.tensor(out, dtype=torch.long)
