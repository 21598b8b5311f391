"""Run a student's code under the rules of an exercise, and put everything back afterwards.

Three guards, all undone when the call ends (also when it raises):

- forbidden functions: a TorchFunctionMode sees every torch function and Tensor method the code
  calls, whatever name it was imported under; other (non-torch) functions are replaced by a stand-in
  in their module and in the answer's globals. Either way the call fails with the task's rule.
- uninitialised memory: `torch.use_deterministic_algorithms(True)` makes torch fill new, uninitialised
  tensors (`torch.empty`, `torch.Tensor(r, c)`) with nan (integers: their largest value), so an answer
  that relies on whatever was in memory gives a result that cannot pass by chance.
- unchanged inputs: every argument is compared, after the call, with a copy taken before it.
"""

from __future__ import annotations

import copy
import dis
import importlib
import importlib.util
import inspect
import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

from course_utils._validate import type_name


class StudentError(Exception):
    """The student's code did something the exercise reports as a problem (the message says what)."""


class NotAttempted(Exception):
    """The answer is still the untouched stub."""


class ForbiddenCall(Exception):
    """Raised inside the student's code when it calls a function the task forbids."""


def resolve(name: str) -> Any:
    """The object a dotted name like 'torch.nn.functional.log_softmax' or 'torch.Tensor.backward' names."""
    if isinstance(name, str) and "." in name and importlib.util.find_spec(name.split(".")[0]) is None:
        raise ValueError(f"forbidden name {name!r} does not name a function")
    if not isinstance(name, str) or "." not in name:
        raise ValueError(f"forbidden names must be dotted paths like 'torch.nn.functional.log_softmax', got {name!r}")
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):  # the longest importable module, then attributes
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            break
        return obj
    raise ValueError(f"forbidden name {name!r} does not name a function")


class _ForbidTorch(TorchFunctionMode):
    """Raise ForbiddenCall when the code calls one of the given torch functions or Tensor methods."""

    def __init__(self, forbidden: dict[int, str], rule: str, record: list[str]) -> None:
        super().__init__()
        self.forbidden, self.rule, self.record = forbidden, rule, record

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = self.forbidden.get(id(func))
        if name is not None:
            self.record.append(name)
            raise ForbiddenCall(f"`{name}` is not allowed in this exercise: {self.rule}")
        return func(*args, **(kwargs or {}))


BACKWARD_PASS = "the autograd engine's backward pass"  # how a backward pass is named when `forbid` stops one


_GRADIENT_KERNELS = ("_make_dual", "_unpack_dual")  # forward mode's operators; backward ones end in _backward(_data)


class _ForbidBackwardPass(TorchDispatchMode):
    """Raise ForbiddenCall for any operation that the autograd engine runs in a backward pass, however the pass
    was started (Tensor.backward, torch.autograd.grad, the engine's own run_backward, torch.func's reverse mode),
    and for autograd's own gradient operators called directly (a graph node's grad_fn(...), aten's *_backward
    kernels, aten's dual-number operators). It guards the calling thread only: code that starts a thread or
    removes the dispatch modes is beyond a guard in the same process."""

    def __init__(self, rule: str, record: list[str]) -> None:
        super().__init__()
        self.rule, self.record = rule, record

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        name = func.overloadpacket.__name__
        if (torch._C._current_graph_task_id() != -1  # -1 outside a backward pass
                or name.endswith(("_backward", "_backward_data")) or name in _GRADIENT_KERNELS):
            self.record.append(BACKWARD_PASS)
            raise ForbiddenCall(f"{BACKWARD_PASS} is not allowed in this exercise: {self.rule}")
        return func(*args, **(kwargs or {}))


@contextmanager
def forbid(names: Sequence[str], rule: str, answer: Any = None) -> Iterator[list[str]]:
    """While active, calling any of `names` raises ForbiddenCall; yields the list of names called.

    names:  dotted names of the functions the task forbids
    rule:   the task's rule in words, e.g. "the task is to write log_softmax yourself"
    answer: the student's function: globals of its module that hold a forbidden function are covered too
    When `names` holds "torch.autograd.backward", every backward pass is stopped, whatever started it.
    """
    called: list[str] = []
    if not names:
        yield called
        return
    objects = {name: resolve(name) for name in names}
    # torch functions and Tensor methods: the TorchFunctionMode sees them whatever name they are called by.
    torch_funcs = {id(obj): name for name, obj in objects.items() if name.startswith("torch.")}
    # Everything that lives in a module (not on a class) is also replaced there and in the answer's globals:
    # this covers non-torch functions and torch names the mode cannot see (classes such as torch.optim.SGD).
    in_modules = {name: obj for name, obj in objects.items() if inspect.ismodule(resolve_parent(name))}

    def stand_in(name: str) -> Callable[..., Any]:
        def forbidden(*args: Any, **kwargs: Any) -> Any:
            called.append(name)
            raise ForbiddenCall(f"`{name}` is not allowed in this exercise: {rule}")

        return forbidden

    first_name: dict[int, str] = {}  # one object under several names is reported by the first one listed
    for name, obj in objects.items():
        first_name.setdefault(id(obj), name)
    torch_funcs = {key: first_name[key] for key in torch_funcs}
    patches: list[tuple[Any, str, Any, str]] = []  # (namespace, attribute, original, forbidden name)
    for name, obj in in_modules.items():
        patches.append((resolve_parent(name), name.rsplit(".", 1)[1], obj, first_name[id(obj)]))
    wanted = {id(obj) for obj in in_modules.values()}
    for scope in _answer_globals(answer):
        for key, value in list(scope.items()):
            if id(value) in wanted and any(value is obj for obj in in_modules.values()):
                patches.append((scope, key, value, first_name[id(value)]))
    # A plain Python function gets a stand-in body: every alias of it (another module's import, an import inside
    # the answer) then fails too.
    swaps = [
        (obj, obj.__code__, _stand_in_code(first_name[id(obj)]))
        for obj in {id(o): o for o in objects.values()}.values()
        if isinstance(obj, types.FunctionType) and obj.__closure__ is None
    ]
    _ACTIVE.append((rule, called))
    try:
        for obj, _, code in swaps:
            obj.__code__ = code
        for ns, attr, _, name in patches:
            if isinstance(ns, dict):
                ns[attr] = stand_in(name)
            else:
                setattr(ns, attr, stand_in(name))
        backward = _ForbidBackwardPass(rule, called) if "torch.autograd.backward" in objects else nullcontext()
        with _ForbidTorch(torch_funcs, rule, called), backward:
            yield called
    finally:
        for ns, attr, orig, _ in reversed(patches):
            if isinstance(ns, dict):
                ns[attr] = orig
            else:
                setattr(ns, attr, orig)
        for obj, original, _ in swaps:
            obj.__code__ = original
        _ACTIVE.pop()


_ACTIVE: list[tuple[str, list[str]]] = []  # (rule, names called) of the `forbid` blocks now running


def forbidden_called(name: str) -> None:
    """What a forbidden function's stand-in body runs: record the call and raise ForbiddenCall with the rule."""
    rule, called = _ACTIVE[-1] if _ACTIVE else ("", [])
    called.append(name)
    raise ForbiddenCall(f"`{name}` is not allowed in this exercise: {rule}")


def _stand_in_code(name: str) -> types.CodeType:
    """The code of `def f(*args, **kwargs): forbidden_called(name)`, runnable in any module's globals."""
    source = (
        "def forbidden(*args, **kwargs):\n"
        f"    __import__('course_utils.checks.guards', fromlist=['_']).forbidden_called({name!r})\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<forbidden {name}>", "exec"), namespace)  # noqa: S102 (our own fixed source)
    return namespace["forbidden"].__code__


def resolve_parent(name: str) -> Any:
    """The module or class that holds the function a dotted name names ('torch.nn.functional' for its functions)."""
    parent = name.rsplit(".", 1)[0]
    return importlib.import_module(parent) if "." not in parent else resolve(parent)


def _answer_globals(answer: Any) -> list[dict]:
    """The global namespaces the student's code looks names up in (its function's, or its class's methods')."""
    functions = []
    if inspect.isfunction(answer):
        functions.append(answer)
    elif inspect.isclass(answer):
        functions.extend(v for v in vars(answer).values() if inspect.isfunction(v))
        functions.extend(v.__func__ for v in vars(answer).values() if isinstance(v, (staticmethod, classmethod)))
    scopes: list[dict] = []
    for fn in functions:
        if not any(fn.__globals__ is s for s in scopes):
            scopes.append(fn.__globals__)
    return scopes


@contextmanager
def fill_uninitialised_memory() -> Iterator[None]:
    """New uninitialised tensors are filled with nan (integers: their largest value); settings restored after."""
    enabled = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    fill = torch.utils.deterministic.fill_uninitialized_memory
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.utils.deterministic.fill_uninitialized_memory = True
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(enabled, warn_only=warn_only)
        torch.utils.deterministic.fill_uninitialized_memory = fill


_EMPTY_OPS = ("empty", "empty_strided", "empty_like", "new_empty", "new_empty_strided")
UNINITIALISED_MARKER = 1234.5  # what _FillWithMarker writes into new float memory (integers: 77, bools: True)


def _marker_for(dtype: torch.dtype) -> float | int | bool:
    """A finite marker every dtype can hold (77 fits int8 and uint8)."""
    if dtype == torch.bool:
        return True
    return UNINITIALISED_MARKER if dtype.is_floating_point or dtype.is_complex else 77


class _FillWithMarker(TorchDispatchMode):
    """Every new uninitialised tensor (aten.empty and friends) is filled with a finite marker value."""

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        if func.overloadpacket.__name__ in _EMPTY_OPS and isinstance(out, torch.Tensor):
            with torch.no_grad():
                out.fill_(_marker_for(out.dtype))
        return out


class _RecordOps(TorchDispatchMode):
    """Record the name of every aten operation that runs (e.g. 'mm', 'index_select', 'embedding')."""

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.names.append(func.overloadpacket.__name__)
        return func(*args, **(kwargs or {}))


@contextmanager
def record_aten_ops() -> Iterator[list[str]]:
    """While active, collect the names of the aten operations torch runs, whatever Python API called them.

    For checks a forbidden-function list cannot make: "the result must come from a matrix product"
    (look for 'mm'), or "no lookup by index" under any spelling ('index', 'index_select', 'embedding', ...).
    """
    names: list[str] = []
    with _RecordOps(names):
        yield names


def _has_nan(value: Any) -> bool:
    if isinstance(value, torch.Tensor):
        return bool(value.is_floating_point() and value.isnan().any())
    if isinstance(value, (list, tuple)):
        return any(_has_nan(v) for v in value)
    return False


UNINITIALISED_WHY = (
    "your result depends on uninitialised memory: with other garbage in memory it comes out different. "
    "`torch.empty` and `torch.Tensor(rows, cols)` reserve memory without setting its values, and cleaning up "
    "afterwards (`nan_to_num`, `* 0`) cannot know what was there. Create the values you want from the start."
)


def same_value(before: Any, after: Any, _depth: int = 0) -> bool:
    """Is `after` still equal to the copy `before` taken of it (tensors bit for bit, modules by state)?"""
    if _depth > 6:
        return True
    if isinstance(before, torch.Tensor):
        return (
            isinstance(after, torch.Tensor)
            and before.shape == after.shape
            and before.dtype == after.dtype
            and before.requires_grad == after.requires_grad
            and bool(torch.equal(before.detach().nan_to_num(), after.detach().nan_to_num()))
            and bool((before.detach().isnan() == after.detach().isnan()).all())
        )
    if isinstance(before, torch.nn.Module):
        a, b = before.state_dict(), after.state_dict()
        return a.keys() == b.keys() and all(same_value(a[k], b[k], _depth + 1) for k in a)
    if isinstance(before, torch.optim.Optimizer):
        return True  # its state is the optimizer's business
    if isinstance(before, (list, tuple)):
        return (
            type(before) is type(after)
            and len(before) == len(after)
            and all(same_value(x, y, _depth + 1) for x, y in zip(before, after, strict=False))
        )
    if isinstance(before, dict):
        return before.keys() == after.keys() and all(same_value(before[k], after[k], _depth + 1) for k in before)
    if isinstance(before, (str, bytes, int, float, complex, bool, type(None))):
        return before == after or (before != before and after != after)  # nan stays nan
    if callable(before):
        return True
    if hasattr(before, "__dict__"):
        return same_value(vars(before), vars(after), _depth + 1)
    return True


def _argument_names(fn: Callable[..., Any], args: tuple, kwargs: dict) -> list[tuple[str, Any]]:
    """(how to call it, value) for each argument: `x` by the student's own parameter name where possible."""
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
        return [(f"`{name}`", value) for name, value in bound.arguments.items()]
    except (TypeError, ValueError):
        return [(f"the {_nth(i)} argument", a) for i, a in enumerate(args)] + [(f"`{k}`", v) for k, v in kwargs.items()]


def _nth(i: int) -> str:
    from course_utils.checks.compare import ordinal

    return ordinal(i)


INPLACE_WHY = (
    "Change a copy, or build a new tensor (`x = x + 1`, not `x += 1` or `x.add_(1)`): in PyTorch an in-place change "
    "is seen through every other name for the same tensor (aliases, views), and autograd fails when it needs the "
    "old values for the backward pass."
)


def _why_inplace(value: Any, after: Any = None, label: str = "") -> str:
    """Why changing this kind of input in place matters.

    value: the input as it was before the call (a copy)
    after: the input after the call: for a dict, list or tuple of tensors the message names the entry that changed
    label: how the message names the input, e.g. "`fwd`"
    """
    if isinstance(value, (torch.Tensor, torch.nn.Module)):
        return INPLACE_WHY
    entry = _changed_tensor_entry(value, after, label) if after is not None else None
    if entry is not None:
        return (
            f"Its tensor {entry} changed: a {type_name(value)} holds the caller's tensors themselves, not copies, so "
            f"an in-place change of one of them (`t -= 1`, `t[i] -= 1`, `t.mul_(2)`, also under another name such "
            f"as `t = {entry.strip('`')}`) changes the caller's tensor. Start from a copy of it: "
            f"`{entry.strip('`')}.clone()`."
        )
    return (
        f"The caller's {type_name(value)} changes with it, behind their back: work on a copy "
        f"(e.g. `list(x)`) or build a new {type_name(value)}."
    )


def _changed_tensor_entry(before: Any, after: Any, label: str) -> str | None:
    """`fwd["probs"]`: the first tensor entry of a dict, list or tuple that is no longer equal to its copy."""
    name = label.strip("`") if label.startswith("`") else ""
    if isinstance(before, dict) and isinstance(after, dict):
        pairs = [(f'["{k}"]' if isinstance(k, str) else f"[{k!r}]", v, after.get(k)) for k, v in before.items()]
    elif isinstance(before, (list, tuple)) and isinstance(after, (list, tuple)):
        pairs = [(f"[{i}]", v, w) for i, (v, w) in enumerate(zip(before, after, strict=False))]
    else:
        return None
    for key, old, new in pairs:
        if isinstance(old, torch.Tensor) and isinstance(new, torch.Tensor) and not same_value(old, new):
            return f"`{name}{key}`"
    return None


def call_student(
    fn: Callable[..., Any],
    *args: Any,
    forbidden: Sequence[str] = (),
    rule: str = "",
    modifies_inputs: bool = False,
    who: str = "your function",
    answer: Any = None,
    probe_uninitialised: bool = False,
    **kwargs: Any,
) -> Any:
    """Call the student's `fn(*args, **kwargs)` under the guards; return its result or raise StudentError.

    forbidden:       dotted names of functions the task forbids (see `forbid`)
    rule:            the task's rule in words, shown when a forbidden function is called
    modifies_inputs: True when the task *is* an in-place update (the inputs are then not compared)
    who:             how the message names the code, e.g. "your closure"
    answer:          the student's answer whose globals `forbid` covers (default: fn)
    probe_uninitialised: call fn a second time with new memory filled with a finite marker instead of nan:
                     a result that changes depends on uninitialised memory (nan_to_num cannot hide that)
    """
    before = copy.deepcopy((args, kwargs)) if probe_uninitialised or not modifies_inputs else None
    probe_args = copy.deepcopy((args, kwargs)) if probe_uninitialised else None
    scope = answer if answer is not None else fn
    try:
        with fill_uninitialised_memory(), forbid(forbidden, rule, scope) as called:
            result = fn(*args, **kwargs)
        if probe_args is not None and not called and not _has_nan(result):
            with forbid(forbidden, rule, scope), _FillWithMarker():
                again = fn(*probe_args[0], **probe_args[1])
            if not same_value(result, again):
                raise StudentError(UNINITIALISED_WHY)
    except ForbiddenCall as exc:
        raise StudentError(str(exc)) from None
    except NotImplementedError:
        raise NotAttempted from None
    except StudentError:
        raise
    except Exception as exc:  # a student's error is feedback, not a crash
        raise StudentError(f"{who} raised {type(exc).__name__}: {exc}") from None
    if called:
        shown = called[0] if called[0] == BACKWARD_PASS else f"`{called[0]}`"
        raise StudentError(f"{shown} is not allowed in this exercise: {rule}")
    if before is not None and not modifies_inputs:
        for (label, old), (_, new) in zip(
            _argument_names(fn, *before), _argument_names(fn, args, kwargs), strict=False
        ):
            if not same_value(old, new):
                raise StudentError(f"{who} changed its input {label} in place. {_why_inplace(old, new, label)}")
    return result


def is_empty_function(fn: Any) -> bool:
    """Is `fn` a function whose body does nothing (only `...`, `pass` or a docstring): an untouched stub?"""
    code = getattr(getattr(fn, "__func__", fn), "__code__", None)
    if code is None:
        return False
    ops = [(i.opname, i.argval) for i in dis.get_instructions(code) if i.opname not in ("RESUME", "NOP", "CACHE")]
    return ops in ([("LOAD_CONST", None), ("RETURN_VALUE", None)], [("RETURN_CONST", None)])


def same_code(fn: Any, other: Any) -> bool:
    """Do two functions (or classes' methods) have the same compiled code: is `fn` the untouched `other`?"""

    def fingerprint(obj: Any, depth: int = 0) -> Any:
        if inspect.isclass(obj):  # its own methods only (an autograd.Function also holds classes: skip them)
            methods = {k: getattr(v, "__func__", v) for k, v in vars(obj).items()}
            return tuple(sorted((k, fingerprint(v, depth + 1)) for k, v in methods.items() if inspect.isfunction(v)))
        obj = getattr(obj, "__func__", obj)
        code = getattr(obj, "__code__", obj)
        if not hasattr(code, "co_code") or depth > 4:
            return type_name(obj)
        consts = tuple(fingerprint(c, depth + 1) if hasattr(c, "co_code") else c for c in code.co_consts)
        return code.co_code, code.co_names, consts

    try:
        return fingerprint(fn) == fingerprint(other)
    except TypeError:
        return False


# Autograd in every form, for exercises whose task is to compute a gradient by hand: reverse mode, forward mode
# (torch.func's jvp/jacfwd/linearize, dual numbers), both (hessian) and the functional API. Pass it as
# `forbidden=[*AUTOGRAD, ...]`.
AUTOGRAD = (
    "torch.Tensor.backward", "torch.autograd.backward", "torch.autograd.grad",
    # torch.func: reverse mode, forward mode (jvp, jacfwd, linearize) and both (hessian)
    "torch.func.grad", "torch.func.grad_and_value", "torch.func.vjp", "torch.func.jacrev",
    "torch.func.jvp", "torch.func.jacfwd", "torch.func.linearize", "torch.func.hessian",
    # forward-mode AD with dual numbers
    "torch.autograd.forward_ad.dual_level", "torch.autograd.forward_ad.enter_dual_level",
    "torch.autograd.forward_ad.make_dual", "torch.autograd.forward_ad.unpack_dual",
    "torch._make_dual", "torch._unpack_dual",
    "torch._C._enter_dual_level",  # the level every dual number needs (also reached by torch.ops.aten._make_dual)
    # the functional API
    "torch.autograd.functional.jacobian", "torch.autograd.functional.hessian",
    "torch.autograd.functional.vjp", "torch.autograd.functional.jvp",
    "torch.autograd.functional.vhp", "torch.autograd.functional.hvp",
)
