import pytest
import torch

from course_utils.analysis.embeddings import cosine_similarities, nearest_neighbours, project_2d
from course_utils.data import Vocabulary
from course_utils.training.cbow import CBOW, cbow_pairs, train_cbow

SENTENCES = [["a", "b", "c", "d"], ["b", "c"], ["x"]]


def test_cbow_pairs_pad_with_unk_and_skip_lonely_words():
    vocab = Vocabulary.build(SENTENCES)  # <unk>=0, a=1, b=2, c=3, d=4, x=5
    contexts, targets = cbow_pairs(SENTENCES, vocab, window=2)
    assert contexts.dtype == targets.dtype == torch.long
    assert targets.tolist() == [1, 2, 3, 4, 2, 3]  # "x" has no context
    assert contexts[0].tolist() == [0, 0, 2, 3] and contexts[2].tolist() == [1, 2, 4, 0]
    assert contexts[4].tolist() == [0, 0, 3, 0]


def test_cbow_averages_only_real_context_words():
    model = CBOW(6, 3)
    contexts = torch.tensor([[0, 0, 2, 3]])
    mean = model.embedding.weight[[2, 3]].mean(dim=0)
    assert torch.allclose(model(contexts), model.output(mean).unsqueeze(0), atol=1e-6)
    assert torch.equal(model.embedding.weight[0], torch.zeros(3))


def test_train_cbow_loss_decreases_and_is_seeded():
    sentences = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"]] * 20
    vocab = Vocabulary.build(sentences)
    torch.manual_seed(0)
    expected = torch.randn(2)
    torch.manual_seed(0)
    vectors, losses = train_cbow(sentences, vocab, dim=8, epochs=4, lr=0.05, batch_size=16, seed=1)
    assert torch.equal(torch.randn(2), expected)  # global RNG untouched
    assert vectors.shape == (len(vocab), 8) and not vectors.requires_grad
    assert len(losses) == 4 and losses[-1] < losses[0]
    again, _ = train_cbow(sentences, vocab, dim=8, epochs=4, lr=0.05, batch_size=16, seed=1)
    assert torch.equal(vectors, again)


def test_nearest_neighbours_against_brute_force_cosine():
    torch.manual_seed(0)
    vocab = Vocabulary([f"w{i}" for i in range(9)])
    vectors = torch.randn(len(vocab), 4)
    got = nearest_neighbours(vectors, vocab, "w3", k=4)
    sims = torch.nn.functional.cosine_similarity(vectors, vectors[vocab["w3"]].unsqueeze(0), dim=1)
    ranked = [i for i in sims.argsort(descending=True).tolist() if i not in (0, vocab["w3"])][:4]
    assert [w for w, _ in got] == vocab.decode(ranked)
    assert [s for _, s in got] == pytest.approx(sims[ranked].tolist(), abs=1e-6)
    expected = torch.nn.functional.cosine_similarity(vectors, vectors[1:2])
    assert torch.allclose(cosine_similarities(vectors, vectors[1]), expected, atol=1e-6)


def test_nearest_neighbours_bad_arguments():
    vocab = Vocabulary(["a", "b", "c"])
    vectors = torch.randn(4, 2)
    with pytest.raises(ValueError, match="'zebra' is not in the vocabulary"):
        nearest_neighbours(vectors, vocab, "zebra")
    with pytest.raises(ValueError, match="k=3"):
        nearest_neighbours(vectors, vocab, "a", k=3)
    with pytest.raises(ValueError, match="one row per word"):
        nearest_neighbours(torch.randn(3, 2), vocab, "a")
    with pytest.raises(TypeError, match="vocab"):
        nearest_neighbours(vectors, {"a": 1}, "a")


def test_project_2d_is_pca_with_deterministic_signs():
    torch.manual_seed(0)
    vectors = torch.randn(30, 5) * torch.tensor([5.0, 3.0, 1.0, 0.5, 0.1])
    points = project_2d(vectors)
    assert points.shape == (30, 2)
    centred = vectors - vectors.mean(dim=0)
    s = torch.linalg.svdvals(centred)
    assert torch.allclose(points.norm(dim=0), s[:2], rtol=1e-4)  # the two largest variance directions
    assert abs(float(points[:, 0] @ points[:, 1])) < 1e-3  # uncorrelated axes
    for j in range(2):
        assert points[points[:, j].abs().argmax(), j] > 0  # the sign rule
    assert torch.allclose(project_2d(-vectors), points, atol=1e-4)  # a mirrored cloud gives the same picture
    assert torch.allclose(project_2d(vectors + 3.0), points, atol=1e-4)  # so does a shifted one
    order = torch.randperm(30, generator=torch.Generator().manual_seed(1))
    assert torch.allclose(project_2d(vectors[order]), points[order], atol=1e-4)  # each row keeps its point


def test_bad_inputs_name_the_argument():
    vocab = Vocabulary(["a"])
    with pytest.raises(ValueError, match="no \\(context, target\\) pair"):
        cbow_pairs([["a"]], vocab)
    with pytest.raises(ValueError, match="window"):
        cbow_pairs([["a", "a"]], vocab, window=0)
    with pytest.raises(TypeError, match="contexts"):
        CBOW(3, 2)(torch.zeros(1, 2))
    with pytest.raises(ValueError, match="vectors"):
        project_2d(torch.zeros(1, 3))
    with pytest.raises(ValueError, match="lr"):
        train_cbow([["a", "a"]], vocab, lr=-1.0)


def test_majority_labels_counts_occurrences_and_breaks_ties_by_first_seen():
    from course_utils.analysis.embeddings import majority_labels

    sentences = [["a", "b"], ["a", "c"], ["a", "b", "b"], ["c"]]
    labels = ["en", "es", "es", "en"]
    vocab = Vocabulary(["a", "b", "c", "z"])  # <unk>=0; "z" never occurs
    # a: en 1, es 2 -> es; b: en 1, es 2 -> es; c: es 1, en 1 -> es (seen first with es)
    assert majority_labels(sentences, labels, vocab) == ["", "es", "es", "es", ""]
    with pytest.raises(ValueError, match="labels must have one entry per sentence"):
        majority_labels(sentences, labels[:2], vocab)


def test_neighbour_agreement_against_a_brute_force_count():
    from course_utils.analysis.embeddings import neighbour_agreement

    vectors = torch.tensor([[0.0, 0.0], [1.0, 0.1], [1.0, 0.0], [0.0, 1.0], [0.1, 1.0], [1.0, 1.05]])
    groups = ["", "x", "x", "y", "y", "y"]  # row 0 (e.g. <unk>) is left out
    agreement, chance = neighbour_agreement(vectors, groups, k=1)
    # nearest (cosine) of 1 is 2 (x, same), 2->1 (same), 3->4 (same), 4->3 (same), 5->? (1,1.05) is closest to 4
    assert agreement == pytest.approx(1.0)
    assert chance == pytest.approx((2 * 1 + 3 * 2) / (5 * 4))
    a2, _ = neighbour_agreement(vectors, groups, k=2)
    sims = torch.nn.functional.normalize(vectors[1:], dim=1) @ torch.nn.functional.normalize(vectors[1:], dim=1).T
    sims.fill_diagonal_(-2)
    top = sims.topk(2, dim=1).indices
    same = sum(groups[1 + i] == groups[1 + j] for i in range(5) for j in top[i].tolist())
    assert a2 == pytest.approx(same / 10)
    with pytest.raises(ValueError, match="groups must have one entry per row"):
        neighbour_agreement(vectors, groups[:3])
    with pytest.raises(ValueError, match="k=5 is too large"):
        neighbour_agreement(vectors, groups, k=5)
