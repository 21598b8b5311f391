import pytest
import torch

from course_utils.widgets import SeedWidget, seeded_normals
from course_utils.widgets.seeds import draw_in_calls


def test_seeded_normals_is_reproducible_and_leaves_global_rng_alone():
    torch.manual_seed(0)
    expected_next = torch.randn(2)
    torch.manual_seed(0)
    a, b = seeded_normals(3, 5), seeded_normals(3, 5)
    assert torch.equal(a, b) and not torch.equal(a, seeded_normals(4, 5))
    assert torch.equal(torch.randn(2), expected_next)


def test_changing_a_control_changes_data_picture_and_readout():
    w = SeedWidget()
    before = (w.data["one_call"].clone(), w.image.value, w.readout.value, w.updates)
    w.controls["seed"].value = 5
    assert not torch.equal(w.data["one_call"], before[0])
    assert w.image.value != before[1] and bytes(w.image.value).startswith(b"\x89PNG")
    assert w.readout.value != before[2]
    assert w.updates == before[3] + 1
    w.controls["n"].value = 7
    assert w.data["one_call"].shape == w.data["other"].shape == (7,)
    w.controls["seed"].value = 1
    w.controls["n"].value = 10
    assert torch.equal(w.data["one_call"], before[0])  # back to the start: same numbers


def test_the_first_values_match_the_notebook_and_the_global_generator():
    w = SeedWidget(seed=1, n=3)
    torch.manual_seed(1)
    assert torch.equal(w.data["one_call"], torch.randn(3))  # notebook 00 prints these for seed 1
    assert "0.6614, 0.2669, 0.0617" in w.readout.value


@pytest.mark.parametrize(("n", "identical"), [(1, True), (10, True), (15, True), (16, False), (20, False), (32, False)])
def test_one_call_equals_n_single_draws_only_below_16(n, identical):
    """CPU randn draws fewer than 16 numbers one by one and 16 or more with another method: the readout can differ."""
    w = SeedWidget(seed=1, n=n, compare="n calls of randn(1)")
    torch.manual_seed(1)
    singles = torch.cat([torch.randn(1) for _ in range(n)])
    assert torch.equal(w.data["other"], singles)
    assert w.data["identical"] is identical
    assert w.readout.value.endswith("| identical</code>" if identical else "| NOT identical</code>")


def test_the_same_calls_are_identical_and_an_earlier_call_shifts_the_numbers():
    for n in (4, 20):
        w = SeedWidget(seed=3, n=n, compare="randn(n) again after the same seed")
        assert w.data["identical"] and "| identical" in w.readout.value
        w.controls["compare"].value = "randn(3) first, then randn(n)"
        torch.manual_seed(3)
        torch.randn(3)
        assert torch.equal(w.data["other"], torch.randn(n))
        assert not w.data["identical"] and "NOT identical" in w.readout.value


def test_draw_in_calls_is_the_global_sequence_and_leaves_the_global_rng_alone():
    torch.manual_seed(0)
    expected_next = torch.randn(2)
    torch.manual_seed(7)
    want = [torch.randn(3), torch.randn(20), torch.randn(1)]
    torch.manual_seed(0)
    got = draw_in_calls(7, [3, 20, 1])
    assert all(torch.equal(a, b) for a, b in zip(got, want, strict=True))
    assert torch.equal(torch.randn(2), expected_next)
    assert [t.shape for t in draw_in_calls(1)] == [(3,), (3,)]


@pytest.mark.parametrize(("args", "error", "message"), [
    ((-1, [3]), ValueError, "seed must be >= 0"),
    ((1, []), TypeError, "sizes must be a non-empty sequence of ints"),
    ((1, 3), TypeError, "sizes must be a non-empty sequence of ints"),
    ((1, [3, 0]), ValueError, r"sizes\[1\] must be >= 1"),
    ((1, [2.0]), TypeError, r"sizes\[0\] must be an int, got float"),
])
def test_draw_in_calls_bad_arguments(args, error, message):
    with pytest.raises(error, match=message):
        draw_in_calls(*args)


def test_plain_text_repr_is_stable_and_shows_only_control_values():
    w = SeedWidget(seed=3)
    assert repr(w) == "SeedWidget(seed=3, n=10, compare='n calls of randn(1)')"
    assert w._repr_mimebundle_()["text/plain"] == "SeedWidget(seed=3, n=10, compare='n calls of randn(1)')"


def test_unknown_initial_control_is_an_error():
    with pytest.raises(ValueError, match="'colour' is not a control of SeedWidget"):
        SeedWidget(colour=3)


@pytest.mark.parametrize(("args", "error", "message"), [
    ((-1, 5), ValueError, "seed must be >= 0"),
    ((1, 0), ValueError, "n must be >= 1"),
    ((1.0, 5), TypeError, "seed must be an int, got float"),
])
def test_seeded_normals_bad_arguments(args, error, message):
    with pytest.raises(error, match=message):
        seeded_normals(*args)
