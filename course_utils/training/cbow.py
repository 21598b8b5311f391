"""Word vectors: train small CBOW embeddings (course_utils.analysis looks at them).

CBOW (continuous bag of words, Mikolov et al. 2013) predicts a word from the
average of the embeddings of the words around it. Words that appear in similar
contexts get similar vectors: the "pre-training" of the lecture's slide, done
here in seconds on the course's small corpus.
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from course_utils._validate import (
    require_int,
    require_positive_float,
    require_sentences,
    require_tensor,
    require_vocab,
)
from course_utils.data.vocab import Vocabulary
from course_utils.training.loop import fit

__all__ = ["CBOW", "cbow_pairs", "train_cbow"]


def cbow_pairs(
    sentences: Sequence[Sequence[str]], vocab: Vocabulary, window: int = 2
) -> tuple[torch.Tensor, torch.Tensor]:
    """(context, target) training pairs for CBOW: every word with up to `window` words on each side.

    Returns (contexts [N, 2*window], targets [N]), both torch.long. Missing
    neighbours (near the sentence ends) are padded with the <unk> id 0, which
    CBOW ignores. Sentences of one word have no context and give no pair.
    """
    require_vocab(vocab)
    require_int(window, "window", minimum=1)
    require_sentences(sentences)
    pad = vocab.unk_id
    contexts: list[list[int]] = []
    targets: list[int] = []
    for sentence in sentences:
        ids = vocab.encode(sentence)
        for i, target in enumerate(ids):
            left = ids[max(0, i - window) : i]
            right = ids[i + 1 : i + 1 + window]
            if not left and not right:
                continue
            contexts.append([pad] * (window - len(left)) + left + right + [pad] * (window - len(right)))
            targets.append(target)
    if not targets:
        raise ValueError("sentences gave no (context, target) pair: need a sentence of at least two words")
    return torch.tensor(contexts, dtype=torch.long), torch.tensor(targets, dtype=torch.long)


class CBOW(nn.Module):
    """Average the context words' embeddings, then score every word of the vocabulary.

    vocab_size, dim: size of the embedding table [vocab_size, dim]
    pad_id:          the id used for padding (its vector stays zero and is left out of the average)
    forward(contexts [N, C]) -> logits [N, vocab_size] (use nn.CrossEntropyLoss with the targets)
    """

    def __init__(self, vocab_size: int, dim: int, pad_id: int = 0) -> None:
        super().__init__()
        require_int(vocab_size, "vocab_size", minimum=2)
        require_int(dim, "dim", minimum=1)
        require_int(pad_id, "pad_id", minimum=0)
        self.pad_id = pad_id
        self.embedding = nn.Embedding(vocab_size, dim, padding_idx=pad_id)
        self.output = nn.Linear(dim, vocab_size)

    def forward(self, contexts: torch.Tensor) -> torch.Tensor:
        require_tensor(contexts, "contexts", ndim=2)
        if contexts.is_floating_point():
            raise TypeError(f"contexts must hold word ids (torch.long), got dtype {contexts.dtype}")
        vectors = self.embedding(contexts)  # [N, C, dim]; pad rows are zero
        counts = (contexts != self.pad_id).sum(dim=1, keepdim=True).clamp(min=1)  # [N, 1]
        return self.output(vectors.sum(dim=1) / counts)  # mean of the real context words


def train_cbow(
    sentences: Sequence[Sequence[str]],
    vocab: Vocabulary,
    dim: int = 24,
    window: int = 2,
    epochs: int = 3,
    lr: float = 0.01,
    batch_size: int = 64,
    seed: int = 0,
) -> tuple[torch.Tensor, list[float]]:
    """Train CBOW and return (vectors [len(vocab), dim], mean loss of each epoch).

    sentences: tokenised training sentences
    vocab:     gives the word ids (and the rows of the result)
    dim:       size of each word vector
    window:    context words on each side
    lr:        Adam's learning rate
    seed:      seeds the initial vectors and the shuffling

    The global random state is left as it was.
    """
    require_int(dim, "dim", minimum=1)
    require_int(epochs, "epochs", minimum=1)
    require_int(batch_size, "batch_size", minimum=1)
    require_int(seed, "seed", minimum=0)
    lr = require_positive_float(lr, "lr")
    contexts, targets = cbow_pairs(sentences, vocab, window)
    with torch.random.fork_rng(devices=[]):  # seeded here; the caller's global random state is left as it was
        torch.default_generator.manual_seed(seed)  # the CPU generator only: models are built on the CPU
        model = CBOW(len(vocab), dim, pad_id=vocab.unk_id)
        loader = DataLoader(TensorDataset(contexts, targets), batch_size=batch_size, shuffle=True,
                            num_workers=0, generator=torch.Generator().manual_seed(seed))
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        history = fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs, record_grads=False)
    return model.embedding.weight.detach().cpu().clone(), history.epoch_losses  # on the CPU, wherever trained
