"""How sure a result is: the spread of a trained model's score over seeds, and an interval for an accuracy.

The course never compares one trained number with another: `over_seeds` reruns a whole experiment under several
seeds and reports mean, standard deviation and range; `wilson_interval` says how wide a 95 % interval a single
accuracy on n examples has (180/182 correct is anywhere from about 0.96 to 0.997).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import torch

from course_utils._validate import require_int, type_name

__all__ = ["Spread", "over_seeds", "wilson_interval"]


@dataclass(frozen=True)
class Spread:
    """Scores of one experiment run under several seeds."""

    values: tuple[float, ...]  # one score per seed, in the order of the seeds

    def __post_init__(self) -> None:
        if not self.values:
            raise ValueError("values: expected at least one score, got none")

    @property
    def mean(self) -> float:
        return sum(self.values) / len(self.values)

    @property
    def std(self) -> float:
        """Sample standard deviation (n - 1 in the denominator; 0.0 for a single value)."""
        n = len(self.values)
        if n == 1:
            return 0.0
        return math.sqrt(sum((v - self.mean) ** 2 for v in self.values) / (n - 1))

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    def format(self, digits: int = 3) -> str:
        """'0.962 ± 0.010 (0.951–0.984 over 10 seeds)'."""
        f = f".{digits}f"
        return (f"{self.mean:{f}} ± {self.std:{f}} ({self.low:{f}}–{self.high:{f}} over {len(self.values)} "
                f"seed{'s' if len(self.values) != 1 else ''})")

    def __str__(self) -> str:
        return self.format()


def over_seeds(run: Callable[[int], float], seeds: Iterable[int]) -> Spread:
    """Call `run(seed)` once per seed, each after `torch.manual_seed(seed)`, and collect the scores.

    run:   trains and evaluates one model from scratch; returns a score (a float or a 0-d tensor)
    seeds: the seeds, e.g. range(5)
    The caller's random state is left as it was (torch.random.fork_rng).
    """
    if not callable(run):
        raise TypeError(f"run: expected a function seed -> score, got {type_name(run)}")
    seeds = list(seeds)
    if not seeds or not all(isinstance(s, int) and not isinstance(s, bool) for s in seeds):
        raise ValueError(f"seeds: expected a non-empty sequence of ints, got {seeds!r}")
    values = []
    with torch.random.fork_rng(devices=[]):
        for seed in seeds:
            torch.manual_seed(seed)
            score = run(seed)
            if isinstance(score, torch.Tensor):
                if score.numel() != 1:
                    raise ValueError(f"run: expected a single score, got a tensor of shape {tuple(score.shape)}")
                score = score.item()
            if not isinstance(score, (int, float)) or isinstance(score, bool):
                raise TypeError(f"run: expected a float score, got {type_name(score)} for seed {seed}")
            values.append(float(score))
    return Spread(tuple(values))


def wilson_interval(correct: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for an accuracy of `correct` out of `total` (z = 1.96: 95 %).

    Unlike p ± z·sqrt(p(1-p)/n) it stays inside [0, 1] and is not zero-width at 0 % or 100 %.
    """
    require_int(correct, "correct")
    require_int(total, "total")
    if total <= 0 or not 0 <= correct <= total:
        raise ValueError(f"correct, total: expected 0 <= correct <= total and total > 0, got {correct}, {total}")
    if not z > 0:
        raise ValueError(f"z: expected a positive number, got {z}")
    p = correct / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)
