import pytest
import torch

from course_utils.data import Vocabulary
from course_utils.data.features import BOS, combine, sentence_features, token_features

TOKENS = ["the", "dog", "barks"]
TAGS = ["DET", "NOUN", "VERB"]


def test_token_features_match_the_lecture():
    assert token_features(TOKENS, TAGS, 1) == ["w=dog", "pw=the", "pt=DET", "w=dog&pt=DET", "w=dog&pw=the"]
    assert token_features(TOKENS, TAGS, 1, conjunctions=False) == ["w=dog", "pw=the", "pt=DET"]


def test_first_token_uses_the_sentence_start():
    assert token_features(TOKENS, TAGS, 0)[:3] == ["w=the", f"pw={BOS}", f"pt={BOS}"]


def test_sentence_features_and_a_feature_vocabulary():
    feats = sentence_features(TOKENS, TAGS)
    assert len(feats) == 3 and all(len(f) == 5 for f in feats)
    vocab = Vocabulary.build(feats)
    assert len(vocab) == 1 + 15  # <unk> + 15 distinct features
    assert vocab["w=dog&pt=DET"] != vocab.unk_id and vocab["w=cat"] == vocab.unk_id


def test_combine_sum_and_concat_against_torch():
    vectors = torch.randn(4, 5, 3)
    assert torch.equal(combine(vectors, "sum"), vectors.sum(dim=1))
    assert torch.equal(combine(vectors, "concat"), torch.cat([vectors[:, j] for j in range(5)], dim=1))
    assert combine(vectors[0], "concat").shape == (15,)


@pytest.mark.parametrize(
    "args, error, match",
    [
        (("the dog", TAGS, 0), TypeError, "tokens"),
        ((TOKENS, TAGS[:2], 0), ValueError, "tags"),
        ((TOKENS, TAGS, 3), ValueError, "i=3"),
        ((TOKENS, TAGS, -1), ValueError, "i must be"),
        ((TOKENS, TAGS, 0, "yes"), TypeError, "conjunctions"),
    ],
)
def test_token_features_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        token_features(*args)


def test_bad_combine_and_empty_sentence():
    with pytest.raises(ValueError, match="how"):
        combine(torch.zeros(2, 3), "max")
    with pytest.raises(ValueError, match="vectors"):
        combine(torch.zeros(3))
    with pytest.raises(TypeError, match="vectors"):
        combine(torch.zeros(2, 3, dtype=torch.long))
    with pytest.raises(ValueError, match="tokens is empty"):
        sentence_features([], [])
