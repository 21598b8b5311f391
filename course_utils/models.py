"""Small models shared by several notebooks."""
from __future__ import annotations

import torch
from torch import nn

from course_utils._validate import require_int, require_tensor

__all__ = ["EmbeddingBagClassifier"]


class EmbeddingBagClassifier(nn.Module):
    """Average (or sum) the embeddings of a sentence's words, then an affine map to label scores.

    vocab_size, embed_dim, num_labels: sizes of the embedding table and the output
    mode:       "mean" or "sum" of the word vectors
    pretrained: optional [vocab_size, embed_dim] tensor to start the embeddings from
    freeze:     keep the embeddings fixed (only the output layer trains)
    padding_idx: optional word id (e.g. vocab.unk_id) whose vector is held at zero, never trained,
                and left out of the mean: a sentence's unknown words are then simply skipped
    forward(ids, offsets) -> logits [N, num_labels] (use nn.CrossEntropyLoss)
    """

    def __init__(
        self,
        vocab_size: int,
        embed_dim: int,
        num_labels: int,
        *,
        mode: str = "mean",
        pretrained: torch.Tensor | None = None,
        freeze: bool = False,
        padding_idx: int | None = None,
    ) -> None:
        super().__init__()
        require_int(vocab_size, "vocab_size", minimum=1)
        require_int(embed_dim, "embed_dim", minimum=1)
        require_int(num_labels, "num_labels", minimum=2)
        if mode not in ("mean", "sum"):
            raise ValueError(f"mode must be 'mean' or 'sum', got {mode!r}")
        if padding_idx is not None:
            require_int(padding_idx, "padding_idx", minimum=0)
            if padding_idx >= vocab_size:
                raise ValueError(f"padding_idx must be a word id in [0, {vocab_size - 1}], got {padding_idx}")
        if pretrained is not None:
            require_tensor(pretrained, "pretrained", floating=True, ndim=2)
            if tuple(pretrained.shape) != (vocab_size, embed_dim):
                raise ValueError(
                    f"pretrained must have shape ({vocab_size}, {embed_dim}), got {tuple(pretrained.shape)}")
            weight = pretrained.clone()
            if padding_idx is not None:
                weight[padding_idx] = 0.0  # the same zero row as a newly built nn.EmbeddingBag(padding_idx=...)
            self.embedding = nn.EmbeddingBag.from_pretrained(weight, freeze=freeze, mode=mode, padding_idx=padding_idx)
        else:
            # With padding_idx, torch draws the same N(0, 1) table and then zeroes that row.
            self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, mode=mode, padding_idx=padding_idx)
            self.embedding.weight.requires_grad_(not freeze)
        self.linear = nn.Linear(embed_dim, num_labels)

    def forward(self, ids: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        return self.linear(self.embedding(ids, offsets))
