import math

import pytest
import torch

from course_utils.analysis.spread import Spread, over_seeds, wilson_interval


def test_spread_statistics_match_torch():
    values = (0.9, 0.95, 0.97, 0.88)
    s = Spread(values)
    t = torch.tensor(values, dtype=torch.float64)
    assert math.isclose(s.mean, t.mean().item()) and math.isclose(s.std, t.std().item())
    assert (s.low, s.high) == (0.88, 0.97)
    assert s.format(2) == "0.93 ± 0.04 (0.88–0.97 over 4 seeds)"
    assert Spread((0.5,)).std == 0.0 and "over 1 seed)" in str(Spread((0.5,)))


def test_over_seeds_seeds_each_run_and_leaves_the_callers_rng_alone():
    torch.manual_seed(123)
    state = torch.random.get_rng_state()
    s = over_seeds(lambda seed: torch.rand(()), [0, 1, 0])
    assert torch.equal(torch.random.get_rng_state(), state)
    torch.manual_seed(0)
    first = torch.rand(()).item()
    assert s.values[0] == s.values[2] == first and s.values[1] != first


@pytest.mark.parametrize("run, seeds, error, fragment", [
    (lambda s: 1.0, [], ValueError, "seeds"),
    (lambda s: 1.0, [0.5], ValueError, "seeds"),
    ("not a function", [0], TypeError, "run"),
    (lambda s: "high", [0], TypeError, "run"),
    (lambda s: torch.zeros(2), [0], ValueError, "run"),
])
def test_over_seeds_names_bad_arguments(run, seeds, error, fragment):
    with pytest.raises(error, match=fragment):
        over_seeds(run, seeds)


def test_wilson_interval_known_values():
    lo, hi = wilson_interval(180, 182)
    assert (round(lo, 3), round(hi, 3)) == (0.961, 0.997)
    lo, hi = wilson_interval(0, 10)
    assert lo == 0.0 and 0.27 < hi < 0.28  # not zero-width at 0 %
    lo, hi = wilson_interval(50, 100)
    assert math.isclose((lo + hi) / 2, 0.5) and 0.40 < lo < 0.41


@pytest.mark.parametrize("args, error, fragment", [
    ((5, 0), ValueError, "total"), ((11, 10), ValueError, "correct"), ((1.0, 10), TypeError, "correct"),
    ((1, 10, -1.0), ValueError, "z"),
])
def test_wilson_interval_names_bad_arguments(args, error, fragment):
    with pytest.raises(error, match=fragment):
        wilson_interval(*args)
