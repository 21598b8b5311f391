"""Compare a student's result with the reference's, in words that never reveal the reference."""

from __future__ import annotations

import math
from typing import Any

import torch

from course_utils._validate import type_name

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def article(word: str) -> str:
    """'a int' -> 'an int', 'an floating-point' -> 'a floating-point': the article for `word`."""
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def ordinal(i: int) -> str:
    """0 -> 'first', 1 -> 'second', ...; beyond the tenth, 'number 11'."""
    return _ORDINALS[i] if 0 <= i < len(_ORDINALS) else f"number {i + 1}"


def _kind_of(value: Any) -> str:
    return "Python float" if type(value) is float else "Python int" if type(value) is int else type_name(value)


def _non_finite(got: torch.Tensor, want: torch.Tensor) -> str | None:
    """'nan' or 'inf' when `got` has a non-finite entry where `want` has a finite one."""
    finite_wanted = torch.isfinite(want)
    if torch.isnan(got)[finite_wanted].any():
        return "nan"
    if torch.isinf(got)[finite_wanted].any():
        return "inf"
    return None


def compare(got: Any, want: Any, *, atol: float = 1e-5, rtol: float = 1e-4, strict: bool = True) -> str | None:
    """Describe how `got` differs from `want` without revealing `want`'s values; None if they match.

    atol, rtol: tolerances for numbers and tensors (as in torch.allclose)
    strict:     numbers must have the expected Python type (a float, not a one-element tensor or an int);
                with strict=False a one-element tensor or an int stands for a float.
    """
    if got is None and want is not None:
        return "it returned None: did you forget to `return` the result?"
    if isinstance(want, torch.Tensor):
        return _compare_tensors(got, want, atol=atol, rtol=rtol)
    if isinstance(want, bool) or want is None:
        return None if got is want or got == want else "the answer is not right yet"
    if isinstance(want, (int, float)):
        return _compare_numbers(got, want, atol=atol, rtol=rtol, strict=strict)
    if isinstance(want, (list, tuple)):
        if not isinstance(got, (list, tuple)):
            return f"it returned {article(type_name(got))}, but {article(type_name(want))} was expected"
        if len(got) != len(want):
            noun = "value" if len(got) == 1 else "values"
            return f"it returned {len(got)} {noun}, but {len(want)} were expected"
        for i, (g, w) in enumerate(zip(got, want, strict=False)):
            problem = compare(g, w, atol=atol, rtol=rtol, strict=strict)
            if problem:
                what = "returned value" if isinstance(want, tuple) else "item of the list"
                return f"the {ordinal(i)} {what}: {problem}"
        return None
    if type(got) is not type(want):
        return f"it returned {article(type_name(got))}, but {article(type_name(want))} was expected"
    return None if got == want else "the answer is not right yet"


def _compare_tensors(got: Any, want: torch.Tensor, *, atol: float, rtol: float) -> str | None:
    if not isinstance(got, torch.Tensor):
        return f"it returned {article(type_name(got))}, but a torch.Tensor was expected"
    if got.shape != want.shape:
        return f"the result has shape {tuple(got.shape)}, but shape {tuple(want.shape)} was expected"
    if got.is_floating_point() != want.is_floating_point() or got.is_complex() != want.is_complex():
        kind = "floating-point" if want.is_floating_point() else "integer"
        return f"the result has dtype {got.dtype}, but {article(kind)} tensor was expected"
    if got.dtype != want.dtype:
        return f"the result has dtype {got.dtype}, but dtype {want.dtype} was expected"
    got_d, want_d = got.detach().to("cpu", torch.float64), want.detach().to("cpu", torch.float64)
    bad = _non_finite(got_d, want_d)
    if bad:
        where = int((~torch.isfinite(got_d) & torch.isfinite(want_d)).sum())
        return f"your result contains {bad} ({where} of {got_d.numel()} entries) where a finite number was expected"
    if not torch.allclose(got_d, want_d, atol=atol, rtol=rtol, equal_nan=True):
        if got_d.numel() == 1:  # the difference would give the expected value away
            return "the value is off"
        off = int((~torch.isclose(got_d, want_d, atol=atol, rtol=rtol, equal_nan=True)).sum())
        diff = (got_d - want_d).abs().nan_to_num(nan=math.inf).max().item()
        return f"the values are off ({off} of {got_d.numel()} entries differ; largest difference {diff:.3g})"
    return None


def _compare_numbers(got: Any, want: int | float, *, atol: float, rtol: float, strict: bool) -> str | None:
    wanted = "Python float" if isinstance(want, float) else "Python int"
    if isinstance(got, torch.Tensor):
        if strict or got.numel() != 1:
            return (f"it returned a Tensor, but {article(wanted)} was expected: "
                    "`.item()` turns a one-element tensor into one")
        got = got.item()
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        return f"it returned {article(_kind_of(got))}, but {article(wanted)} was expected"
    if strict and isinstance(want, float) and not isinstance(got, float):
        return (
            f"it returned {article(_kind_of(got))}, but {article(wanted)} was expected "
            "(a count instead of a fraction, or integer division `//`?)"
        )
    if strict and isinstance(want, int) and not isinstance(got, int):
        return f"it returned {article(_kind_of(got))}, but {article(wanted)} was expected"
    if isinstance(got, float) and not math.isfinite(got) and math.isfinite(want):
        return f"your result is {got} where a finite number was expected"
    if not math.isclose(got, want, rel_tol=rtol, abs_tol=atol):
        return "the number is not right yet"
    return None
