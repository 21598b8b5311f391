import pytest
import torch

from course_utils.widgets import SeedWidget, seeded_normals


def test_seeded_normals_is_reproducible_and_leaves_global_rng_alone():
    torch.manual_seed(0)
    expected_next = torch.randn(2)
    torch.manual_seed(0)
    a, b = seeded_normals(3, 5), seeded_normals(3, 5)
    assert torch.equal(a, b) and not torch.equal(a, seeded_normals(4, 5))
    assert torch.equal(torch.randn(2), expected_next)


def test_changing_a_control_changes_data_picture_and_readout():
    w = SeedWidget()
    before = (w.data["samples"].clone(), w.image.value, w.readout.value, w.updates)
    w.controls["seed"].value = 5
    assert not torch.equal(w.data["samples"], before[0])
    assert w.image.value != before[1] and bytes(w.image.value).startswith(b"\x89PNG")
    assert w.readout.value != before[2] and "identical numbers: True" in w.readout.value
    assert w.updates == before[3] + 1
    w.controls["n"].value = 50
    assert w.data["samples"].shape == (50,)
    w.controls["seed"].value = 1
    w.controls["n"].value = 200
    assert torch.equal(w.data["samples"], before[0])  # back to the start: same numbers


def test_plain_text_repr_is_stable_and_shows_only_control_values():
    w = SeedWidget(seed=3)
    assert repr(w) == "SeedWidget(seed=3, n=200)"
    assert w._repr_mimebundle_()["text/plain"] == "SeedWidget(seed=3, n=200)"


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
