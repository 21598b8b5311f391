"""A window tagger over feature embeddings: the lecture's w=dog, pw=the, pt=DET used for real.

Each token gets a fixed list of feature strings (one per slot): its word, the previous and next words, the
previous tag and, optionally, the conjunctions w&pt and w&pw. The previous tag is the **gold** tag (as if the
previous word had been tagged right; a tagger used on new text would feed in its own prediction instead).
A feature vocabulary gives each string an id and an embedding table a vector. Two models:

SumTagger     sum of the feature vectors -> linear -> tag scores. Linear in the features: the score of a
              tag is a sum of one term per active feature, so it cannot represent an interaction between
              two features unless a conjunction feature names the pair.
ConcatTagger  concatenation of the per-slot vectors -> hidden layer (tanh) -> tag scores: the hidden layer
              can combine the slots, so it learns the interaction without conjunction features.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from course_utils._validate import (
    require_int,
    require_positive_float,
    require_str_tokens,
    require_tensor,
    type_name,
)
from course_utils.data.features import token_features
from course_utils.data.vocab import Vocabulary
from course_utils.training.loop import fit

__all__ = [
    "EOS",
    "ConcatTagger",
    "SumTagger",
    "WindowTagger",
    "encode_windows",
    "tagging_accuracy",
    "train_tagger",
    "window_features",
]

EOS = "</s>"  # the "next word" of the last token

TaggedSentences = Sequence[tuple[Sequence[str], Sequence[str]]]


def window_features(tokens: Sequence[str], tags: Sequence[str], i: int, conjunctions: bool = False) -> list[str]:
    """The features of token i, one per slot, always in the same order.

    tokens, tags: the sentence's words and their gold tags (same length)
    i:            position of the token
    conjunctions: also add the pairs w&pt and w&pw
    Returns ["w=dog", "pw=the", "pt=DET", "nw=barks"] (+ ["w=dog&pt=DET", "w=dog&pw=the"]):
    token_features of course_utils.data.features plus the next word (after the last token: "</s>").
    """
    features = token_features(tokens, tags, i, conjunctions)  # checks every argument
    nw = tokens[i + 1] if i + 1 < len(tokens) else EOS
    return [*features[:3], f"nw={nw}", *features[3:]]


def _check_tagged(sentences: object, name: str) -> TaggedSentences:
    if isinstance(sentences, (str, bytes)) or not isinstance(sentences, Sequence):
        raise TypeError(f"{name} must be a list of (tokens, tags) pairs, got {type_name(sentences)}")
    if len(sentences) == 0:
        raise ValueError(f"{name} is empty: need at least one tagged sentence")
    for k, pair in enumerate(sentences):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"{name}[{k}] must be a (tokens, tags) pair, got {type_name(pair)}")
        tokens = require_str_tokens(pair[0], f"{name}[{k}][0]")
        tags = require_str_tokens(pair[1], f"{name}[{k}][1]")
        if not tokens or len(tags) != len(tokens):
            raise ValueError(f"{name}[{k}] must have one tag per token and at least one token, "
                             f"got {len(tokens)} tokens and {len(tags)} tags")
    return sentences


def encode_windows(
    sentences: TaggedSentences, feature_vocab: Vocabulary, tag_list: Sequence[str], conjunctions: bool = False
) -> tuple[torch.Tensor, torch.Tensor]:
    """Every token of every sentence as (feature ids [N, slots], tag ids [N]), both torch.long.

    sentences:     (tokens, tags) pairs
    feature_vocab: gives each feature string its id (unseen features get the <unk> id 0)
    tag_list:      the tags in id order
    conjunctions:  add the w&pt and w&pw features (6 slots instead of 4)
    """
    _check_tagged(sentences, "sentences")
    if not isinstance(feature_vocab, Vocabulary):
        raise TypeError(f"feature_vocab must be a course_utils.data.Vocabulary, got {type_name(feature_vocab)}")
    tag_list = require_str_tokens(tag_list, "tag_list")
    tag_ids = {t: k for k, t in enumerate(tag_list)}
    targets = []
    for tokens, tags in sentences:
        for token, tag in zip(tokens, tags, strict=True):
            if tag not in tag_ids:
                raise ValueError(f"tag_list has no tag {tag!r} (the tag of {token!r})")
            targets.append(tag_ids[tag])
    return _feature_ids(sentences, feature_vocab, conjunctions), torch.tensor(targets, dtype=torch.long)


def _feature_ids(sentences: TaggedSentences, feature_vocab: Vocabulary, conjunctions: bool) -> torch.Tensor:
    rows = [feature_vocab.encode(window_features(tokens, tags, i, conjunctions))
            for tokens, tags in sentences for i in range(len(tokens))]
    return torch.tensor(rows, dtype=torch.long)  # [N, slots]


def _check_ids(feature_ids: object) -> torch.Tensor:
    require_tensor(feature_ids, "feature_ids", ndim=2)
    if feature_ids.is_floating_point():
        raise TypeError(f"feature_ids must hold feature ids (torch.long), got dtype {feature_ids.dtype}")
    return feature_ids


class SumTagger(nn.Module):
    """Sum the token's feature embeddings, then a linear layer: tag scores [N, num_tags].

    num_features: rows of the feature embedding table (len(feature_vocab))
    dim:          size of each feature vector
    num_tags:     number of tags
    """

    def __init__(self, num_features: int, dim: int, num_tags: int) -> None:
        super().__init__()
        require_int(num_features, "num_features", minimum=2)
        require_int(dim, "dim", minimum=1)
        require_int(num_tags, "num_tags", minimum=2)
        self.embedding = nn.Embedding(num_features, dim, padding_idx=0)  # <unk>: unseen features add nothing
        self.output = nn.Linear(dim, num_tags)

    def forward(self, feature_ids: torch.Tensor) -> torch.Tensor:
        vectors = self.embedding(_check_ids(feature_ids))  # [N, slots, dim]
        return self.output(vectors.sum(dim=1))             # [N, dim] -> [N, num_tags]


class ConcatTagger(nn.Module):
    """Concatenate the per-slot feature embeddings, then a tanh hidden layer and a linear layer.

    num_features: rows of the feature embedding table (len(feature_vocab))
    dim:          size of each feature vector
    slots:        features per token (4, or 6 with conjunctions)
    hidden:       size of the hidden layer
    num_tags:     number of tags
    """

    def __init__(self, num_features: int, dim: int, slots: int, hidden: int, num_tags: int) -> None:
        super().__init__()
        require_int(num_features, "num_features", minimum=2)
        require_int(dim, "dim", minimum=1)
        require_int(slots, "slots", minimum=1)
        require_int(hidden, "hidden", minimum=1)
        require_int(num_tags, "num_tags", minimum=2)
        self.slots = slots
        self.embedding = nn.Embedding(num_features, dim, padding_idx=0)  # <unk>: unseen features add nothing
        self.hidden = nn.Linear(slots * dim, hidden)
        self.output = nn.Linear(hidden, num_tags)

    def forward(self, feature_ids: torch.Tensor) -> torch.Tensor:
        _check_ids(feature_ids)
        if feature_ids.shape[1] != self.slots:
            raise ValueError(f"feature_ids must have {self.slots} slots per token, "
                             f"got shape {tuple(feature_ids.shape)}")
        vectors = self.embedding(feature_ids)                    # [N, slots, dim]
        return self.output(torch.tanh(self.hidden(vectors.flatten(start_dim=1))))  # [N, slots*dim] -> [N, tags]


@dataclass
class WindowTagger:
    """A trained tagger and what it needs to read new sentences."""

    model: nn.Module            # SumTagger or ConcatTagger
    feature_vocab: Vocabulary   # feature string -> id
    tags: tuple[str, ...]       # the tags in id order
    conjunctions: bool          # whether the w&pt and w&pw features are used
    losses: list[float]         # the training loss of every step

    def predict(self, sentences: TaggedSentences) -> list[list[str]]:
        """The predicted tags of every sentence; the gold tags are used only as previous tags (pt=)."""
        _check_tagged(sentences, "sentences")
        ids = _feature_ids(sentences, self.feature_vocab, self.conjunctions)
        device = next(self.model.parameters()).device
        with torch.no_grad():
            best = self.model(ids.to(device)).argmax(dim=1).cpu().tolist()
        predicted, start = [], 0
        for tokens, _ in sentences:
            predicted.append([self.tags[k] for k in best[start : start + len(tokens)]])
            start += len(tokens)
        return predicted


def train_tagger(
    sentences: TaggedSentences,
    kind: str = "sum",
    conjunctions: bool = False,
    dim: int = 8,
    hidden: int = 16,
    epochs: int = 60,
    lr: float = 0.05,
    seed: int = 0,
) -> WindowTagger:
    """Train a window tagger on all tokens of `sentences` at once (one batch per step, Adam).

    sentences:    (tokens, tags) pairs
    kind:         "sum" (SumTagger) or "concat" (ConcatTagger)
    conjunctions: add the w&pt and w&pw features
    dim:          size of each feature vector
    hidden:       size of ConcatTagger's hidden layer (unused by "sum")
    epochs:       optimisation steps (each over every token)
    lr:           Adam's learning rate
    seed:         seeds the initial weights; the global random state is left as it was
    """
    _check_tagged(sentences, "sentences")
    if kind not in ("sum", "concat"):
        raise ValueError(f"kind must be 'sum' or 'concat', got {kind!r}")
    if not isinstance(conjunctions, bool):
        raise TypeError(f"conjunctions must be True or False, got {type_name(conjunctions)}")
    require_int(dim, "dim", minimum=1)
    require_int(hidden, "hidden", minimum=1)
    require_int(epochs, "epochs", minimum=1)
    require_int(seed, "seed", minimum=0)
    lr = require_positive_float(lr, "lr")
    tags = tuple(dict.fromkeys(t for _, ts in sentences for t in ts))  # in first-seen order
    feature_vocab = Vocabulary.build(  # one "sentence" of feature strings per training sentence
        [f for i in range(len(tokens)) for f in window_features(tokens, ts, i, conjunctions)]
        for tokens, ts in sentences
    )
    ids, targets = encode_windows(sentences, feature_vocab, tags, conjunctions)
    with torch.random.fork_rng(devices=[]):  # seeded here; the caller's global random state is left as it was
        torch.default_generator.manual_seed(seed)  # the CPU generator only: models are built on the CPU
        if kind == "sum":
            model: nn.Module = SumTagger(len(feature_vocab), dim, len(tags))
        else:
            model = ConcatTagger(len(feature_vocab), dim, ids.shape[1], hidden, len(tags))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = fit(model, nn.CrossEntropyLoss(), optimizer, [(ids, targets)], epochs, record_grads=False)
    return WindowTagger(model, feature_vocab, tags, conjunctions, history.losses)


def tagging_accuracy(
    tagger: WindowTagger, sentences: TaggedSentences, words: Collection[str] | None = None
) -> tuple[int, int]:
    """(correct, total) over the tokens of `sentences`, or only over the tokens whose word is in `words`.

    tagger:    a trained WindowTagger
    sentences: (tokens, tags) pairs with gold tags (used as previous tags and to score)
    words:     e.g. the ambiguous words; None: every token
    """
    if not isinstance(tagger, WindowTagger):
        raise TypeError(f"tagger must be a WindowTagger (from train_tagger), got {type_name(tagger)}")
    _check_tagged(sentences, "sentences")
    if words is not None and (isinstance(words, str) or not isinstance(words, Collection)):
        raise TypeError(f"words must be a collection of str words or None, got {type_name(words)}")
    correct = total = 0
    for (tokens, tags), predicted in zip(sentences, tagger.predict(sentences), strict=True):
        for word, gold, guess in zip(tokens, tags, predicted, strict=True):
            if words is None or word in words:
                total += 1
                correct += gold == guess
    if total == 0:
        raise ValueError("words: none of them occurs in sentences, so there is nothing to score")
    return correct, total
