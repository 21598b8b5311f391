import pytest
import torch

from course_utils.widgets.affine import AffineWidget, affine_rows, grid_points, letter_f


def test_grid_points_rows_cover_the_square():
    pts = grid_points(3, 2.0)
    assert pts.shape == (9, 2)
    assert pts.min().item() == -2.0 and pts.max().item() == 2.0
    assert len({tuple(p) for p in pts.tolist()}) == 9


def test_affine_rows_matches_nn_linear():
    torch.manual_seed(0)
    lin = torch.nn.Linear(4, 3)
    x = torch.randn(5, 4)
    assert torch.allclose(affine_rows(x, lin.weight.detach(), lin.bias.detach()), lin(x).detach(), atol=1e-6)


@pytest.mark.parametrize(
    "args, error, match",
    [
        ((torch.zeros(4, 2), torch.zeros(2, 3), torch.zeros(2)), ValueError, "A must have 2 columns"),
        ((torch.zeros(4, 2), torch.zeros(3, 2), torch.zeros(2)), ValueError, "b must have 3 entries"),
        ((torch.zeros(4), torch.zeros(2, 2), torch.zeros(2)), ValueError, "points must have 2 dimension"),
        (([[0.0, 0.0]], torch.zeros(2, 2), torch.zeros(2)), TypeError, "points must be a torch.Tensor"),
    ],
)
def test_affine_rows_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        affine_rows(*args)


@pytest.mark.parametrize(("args", "error", "message"), [
    ((1,), ValueError, "n must be >= 2"),
    ((3, 0.0), ValueError, "extent must be a finite number > 0"),
    ((3.0,), TypeError, "n must be an int, got float"),
])
def test_grid_points_bad_arguments(args, error, message):
    with pytest.raises(error, match=message):
        grid_points(*args)


def test_identity_at_start_and_controls_move_the_points():
    w = AffineWidget()
    assert torch.equal(w.data["transformed"], w.data["points"])  # A = I, b = 0
    assert w.data["det"] == 1.0
    before = (w.data["transformed"].clone(), w.image.value, w.readout.value)
    w.controls["b1"].value = 1.0
    assert torch.allclose(w.data["transformed"], w.data["points"] + torch.tensor([1.0, 0.0]))
    assert w.image.value != before[1] and bytes(w.image.value).startswith(b"\x89PNG")
    assert w.readout.value != before[2] and "b = [1.0, 0.0]" in w.readout.value
    w.controls["a11"].value = -1.0  # mirror x: the plane flips
    assert w.data["det"] == pytest.approx(-1.0)
    assert "flips the plane" in w.readout.value
    A, b = w.data["A"], w.data["b"]
    assert torch.allclose(w.data["transformed"], w.data["points"] @ A.T + b)


def test_singular_matrix_collapses_and_is_not_called_a_flip_and_repr_is_stable():
    w = AffineWidget(a22=0.0)
    assert w.data["rank"] == 1 and "collapses the plane onto a line" in w.readout.value
    assert "flip" not in w.readout.value and "-0.00" not in w.readout.value
    assert torch.equal(w.data["transformed"][:, 1], torch.zeros(81))  # every point lands on the x axis
    assert repr(w) == "AffineWidget(a11=1.0, a12=0.0, b1=0.0, a21=0.0, a22=0.0, b2=0.0)"
    w.controls["a11"].value = -1.0  # det = 0 with a negative entry: still a collapse, not a flip
    assert "collapses" in w.readout.value and "flip" not in w.readout.value
    w.controls["a11"].value = 0.0
    assert w.data["rank"] == 0 and "onto one point" in w.readout.value
    w = AffineWidget(a11=0.2, a12=0.1, a21=0.6, a22=0.3)  # rows proportional: det 0 up to rounding
    assert w.data["rank"] == 1 and "collapses" in w.readout.value


def test_letter_f_has_no_mirror_symmetry_and_moves_with_the_map():
    f = letter_f()
    assert f.shape == (6, 2) and f.abs().max() <= 1.0
    for mirror in (torch.tensor([-1.0, 1.0]), torch.tensor([1.0, -1.0])):
        assert {tuple(p) for p in (f * mirror).tolist()} != {tuple(p) for p in f.tolist()}
    w = AffineWidget(a11=-1.0)
    assert torch.equal(w.data["letter_moved"], f * torch.tensor([-1.0, 1.0]))
    assert "flips the plane" in w.readout.value


@pytest.mark.parametrize("values", [{}, {"a11": 2.0, "a12": 2.0, "b1": 2.0}, {"a21": -2.0, "a22": -2.0, "b2": -2.0},
                                    {"a11": 0.5, "a22": 0.5}])
def test_the_axes_contain_the_whole_image(values):
    w = AffineWidget(**values)
    ax = w.figure.axes[0]
    low, high = ax.get_xlim()
    assert (low, high) == ax.get_ylim() == (-w.data["limit"], w.data["limit"])
    A, b = w.data["A"], w.data["b"]
    tips = torch.stack([b, b + A[:, 0], b + A[:, 1]])
    reach = torch.cat([w.data["transformed"], w.data["letter_moved"], tips]).abs().max().item()
    assert reach < high and high >= 2.0
