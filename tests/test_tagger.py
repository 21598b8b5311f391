"""The window tagger of notebook 07 (course_utils.training.tagger): features, encoding, the two models
against a plain-torch oracle, and the linear model's limit on a (word, context) interaction."""
import pytest
import torch
import torch.nn.functional as F

from course_utils.data import Vocabulary
from course_utils.data.features import token_features
from course_utils.data.tagging import AMBIGUOUS_WORDS, load_tagging
from course_utils.training.tagger import (
    EOS,
    ConcatTagger,
    SumTagger,
    WindowTagger,
    encode_windows,
    tagging_accuracy,
    train_tagger,
    window_features,
)

TOKENS, TAGS = ["the", "dog", "barks"], ["DET", "NOUN", "VERB"]
# The XOR of the notebook in four sentences: the tag depends on the pair (word, previous tag) only.
XOR = [(["the", "fish"], ["DET", "NOUN"]), (["they", "fish"], ["PRON", "VERB"]),
       (["the", "wug"], ["DET", "VERB"]), (["they", "wug"], ["PRON", "NOUN"])]


def test_window_features_are_token_features_plus_the_next_word():
    assert window_features(TOKENS, TAGS, 1) == ["w=dog", "pw=the", "pt=DET", "nw=barks"]
    assert window_features(TOKENS, TAGS, 2)[-1] == f"nw={EOS}"
    with_pairs = window_features(TOKENS, TAGS, 1, conjunctions=True)
    assert with_pairs == [*token_features(TOKENS, TAGS, 1, False), "nw=barks", "w=dog&pt=DET", "w=dog&pw=the"]
    with pytest.raises(ValueError, match="i=3"):
        window_features(TOKENS, TAGS, 3)


@pytest.mark.parametrize("conjunctions, slots", [(False, 4), (True, 6)])
def test_encode_windows(conjunctions, slots):
    sentences = [(TOKENS, TAGS), (["a", "cat"], ["DET", "NOUN"])]
    vocab = Vocabulary.build([window_features(w, t, i, conjunctions) for w, t in sentences[:1] for i in range(3)])
    ids, targets = encode_windows(sentences, vocab, ["NOUN", "VERB", "DET"], conjunctions)
    assert ids.dtype == targets.dtype == torch.long and ids.shape == (5, slots)
    assert targets.tolist() == [2, 0, 1, 2, 0]
    assert ids[1].tolist() == vocab.encode(window_features(TOKENS, TAGS, 1, conjunctions))
    assert ids[3, 0] == vocab["w=a"] == vocab.unk_id  # a feature never seen gets the <unk> id
    with pytest.raises(ValueError, match="tag_list has no tag 'VERB'"):
        encode_windows(sentences, vocab, ["NOUN", "DET"])
    with pytest.raises(TypeError, match="feature_vocab"):
        encode_windows(sentences, {"w=dog": 1}, ["NOUN", "VERB", "DET"])


def test_sum_tagger_against_torch():
    torch.manual_seed(0)
    model = SumTagger(10, 3, 4)
    ids = torch.tensor([[1, 2, 3, 4], [5, 6, 7, 0]])
    expected = F.linear(F.embedding(ids, model.embedding.weight).sum(dim=1), model.output.weight, model.output.bias)
    torch.testing.assert_close(model(ids), expected)
    # the <unk> row is zero and stays out of training: an unseen feature adds nothing
    assert torch.equal(model.embedding.weight[0], torch.zeros(3))
    torch.testing.assert_close(model(ids[:, :3]), F.linear(F.embedding(ids[:, :3], model.embedding.weight).sum(1),
                                                           model.output.weight, model.output.bias))
    torch.testing.assert_close(model(torch.tensor([[5, 6, 7, 0]])), model(torch.tensor([[5, 6, 7]])))


def test_concat_tagger_against_torch():
    torch.manual_seed(0)
    model = ConcatTagger(10, 3, 4, 5, 2)
    ids = torch.tensor([[1, 2, 3, 4], [5, 6, 7, 0]])
    x = torch.cat([model.embedding.weight[ids[:, j]] for j in range(4)], dim=1)  # slot by slot
    h = torch.tanh(x @ model.hidden.weight.T + model.hidden.bias)
    torch.testing.assert_close(model(ids), h @ model.output.weight.T + model.output.bias)
    # concatenation keeps the slots apart: swapping two features changes the scores (a sum would not)
    assert not torch.allclose(model(ids[:, [1, 0, 2, 3]]), model(ids))
    summed = SumTagger(10, 3, 2)
    torch.testing.assert_close(summed(ids[:, [1, 0, 2, 3]]), summed(ids))


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: SumTagger(1, 3, 4), ValueError, "num_features"),
        (lambda: SumTagger(10, 0, 4), ValueError, "dim"),
        (lambda: SumTagger(10, 3, 1), ValueError, "num_tags"),
        (lambda: ConcatTagger(10, 3, 0, 5, 2), ValueError, "slots"),
        (lambda: ConcatTagger(10, 3, 4, 0, 2), ValueError, "hidden"),
        (lambda: ConcatTagger(10, 3, 4, 5, 2)(torch.zeros(2, 6, dtype=torch.long)), ValueError, "4 slots"),
        (lambda: SumTagger(10, 3, 4)(torch.zeros(2, 4)), TypeError, "feature ids"),
        (lambda: SumTagger(10, 3, 4)(torch.zeros(4, dtype=torch.long)), ValueError, "feature_ids"),
    ],
)
def test_models_reject_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_train_tagger_is_seeded_and_learns():
    a = train_tagger(load_tagging("train")[:60], "concat", epochs=20, seed=1)
    b = train_tagger(load_tagging("train")[:60], "concat", epochs=20, seed=1)
    c = train_tagger(load_tagging("train")[:60], "concat", epochs=20, seed=2)
    assert a.losses == b.losses and a.losses != c.losses
    assert len(a.losses) == 20 and a.losses[-1] < 0.5 * a.losses[0]
    assert isinstance(a, WindowTagger) and isinstance(a.model, ConcatTagger)
    assert a.tags[:3] == tuple(dict.fromkeys(load_tagging("train")[0][1]))[:3]  # tags in first-seen order
    assert all(torch.equal(p, q) for p, q in zip(a.model.parameters(), b.model.parameters(), strict=True))


@pytest.mark.parametrize("seed", range(3))
def test_a_sum_of_separate_features_cannot_learn_the_xor_but_conjunctions_or_a_hidden_layer_can(seed):
    plain = train_tagger(XOR, "sum", epochs=300, seed=seed)
    assert tagging_accuracy(plain, XOR)[0] <= 3 + 4  # the 4 first words are always right
    assert tagging_accuracy(plain, XOR, {"fish", "wug"})[0] <= 3  # at most 3 of the 4 cases, whatever the seed
    paired = train_tagger(XOR, "sum", conjunctions=True, epochs=300, seed=seed)
    assert tagging_accuracy(paired, XOR, {"fish", "wug"}) == (4, 4)
    hidden = train_tagger(XOR, "concat", epochs=300, seed=seed)  # 16 hidden units (with 8, some seeds get stuck)
    assert tagging_accuracy(hidden, XOR, {"fish", "wug"}) == (4, 4)


def test_on_the_corpus_the_sum_model_cannot_fit_its_training_ambiguous_words():
    train = load_tagging("train")
    plain = train_tagger(train, "sum", seed=0)
    correct, total = tagging_accuracy(plain, train, AMBIGUOUS_WORDS)
    assert correct / total < 0.75
    paired = train_tagger(train, "sum", conjunctions=True, seed=0)
    assert tagging_accuracy(paired, train, AMBIGUOUS_WORDS) == (total, total)


def test_predict_uses_gold_tags_only_as_previous_tags():
    tagger = train_tagger(XOR, "sum", conjunctions=True, epochs=200, seed=0)
    predicted = tagger.predict(XOR)
    assert predicted == [tags for _, tags in XOR]
    ids, _ = encode_windows(XOR, tagger.feature_vocab, tagger.tags, conjunctions=True)  # pt= from the gold tags
    best = tagger.model(ids).argmax(dim=1).tolist()
    assert [tag for tags in predicted for tag in tags] == [tagger.tags[k] for k in best]
    wrong_current = [(words, [tags[0], "X"]) for words, tags in XOR]  # the token's own gold tag is not an input
    assert tagger.predict(wrong_current) == predicted


def test_tagging_accuracy_counts_like_predict():
    train, test = load_tagging("train")[:40], load_tagging("test")[:30]
    tagger = train_tagger(train, "sum", epochs=10, seed=0)
    predicted = tagger.predict(test)
    pairs = [(g, p, w) for (ws, gs), ps in zip(test, predicted, strict=True)
             for w, g, p in zip(ws, gs, ps, strict=True)]
    assert tagging_accuracy(tagger, test) == (sum(g == p for g, p, _ in pairs), len(pairs))
    only = {"the", "dog"}
    assert tagging_accuracy(tagger, test, only) == (sum(g == p for g, p, w in pairs if w in only),
                                                   sum(w in only for _, _, w in pairs))


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: train_tagger([], "sum"), ValueError, "sentences is empty"),
        (lambda: train_tagger("the dog", "sum"), TypeError, "sentences must be a list of"),
        (lambda: train_tagger([(["the"], ["DET", "NOUN"])]), ValueError, "one tag per token"),
        (lambda: train_tagger([(["the"],)]), TypeError, r"sentences\[0\] must be a \(tokens, tags\) pair"),
        (lambda: train_tagger([("the", ["DET"])]), TypeError, r"sentences\[0\]\[0\]"),
        (lambda: train_tagger(XOR, "max"), ValueError, "kind must be 'sum' or 'concat'"),
        (lambda: train_tagger(XOR, conjunctions="yes"), TypeError, "conjunctions"),
        (lambda: train_tagger(XOR, lr=0), ValueError, "lr"),
        (lambda: train_tagger(XOR, epochs=0), ValueError, "epochs"),
        (lambda: train_tagger(XOR, dim=0), ValueError, "dim"),
        (lambda: train_tagger(XOR, seed=-1), ValueError, "seed"),
        (lambda: tagging_accuracy("tagger", XOR), TypeError, "tagger must be a WindowTagger"),
        (lambda: tagging_accuracy(train_tagger(XOR, epochs=1), XOR, "fish"), TypeError, "words"),
        (lambda: tagging_accuracy(train_tagger(XOR, epochs=1), XOR, {"cat"}), ValueError, "words: none of them"),
    ],
)
def test_bad_arguments_name_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()
