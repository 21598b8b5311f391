"""Notebook 05's exercises: wrong answers are rejected with the right message, correct alternatives pass.

test_exercises_all.py runs the tables WRONG and ALTERNATIVES ({exercise: table}) and STUBS below, with the rules
every exercise keeps (graded hints, the exercise cells after a restart).
"""
import importlib
import math
from pathlib import Path

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from course_utils.checks import Runner
from course_utils.exercises import nb05, nb05_adam
from course_utils.scratch.optimizers import ScratchSGD
from tools.notebooks import defined_in_cell


def _stub(param, grad, buf, lr, momentum):
    ...


# --- Exercise 1: the momentum update --------------------------------------------------------
def _solution(param, grad, buf, lr, momentum):  # the notebook's solution
    new_buf = grad.clone() if buf is None else momentum * buf + grad
    return param - lr * new_buf, new_buf


def _zero_initial_buffer(param, grad, buf, lr, momentum):
    if buf is None:
        buf = torch.zeros_like(param)
    buf = momentum * buf + grad  # mu * 0 + g = g: the same first step as torch
    return param - lr * buf, buf


def _method_form(param, grad, buf, lr, momentum):
    new_buf = grad.detach().clone() if buf is None else buf.mul(momentum).add(grad)
    return param.add(new_buf, alpha=-lr), new_buf


def _with(buffer, update):
    """An answer from a buffer rule buffer(grad, buf, momentum, lr) and a parameter rule update(param, new_buf, ...)."""
    def momentum_step(param, grad, buf, lr, momentum):
        new_buf = buffer(grad, buf, momentum, lr)
        return update(param, new_buf, grad, buf, lr, momentum), new_buf
    return momentum_step


def _right_buffer(grad, buf, momentum, lr):
    return grad.clone() if buf is None else momentum * buf + grad


def _inplace_param(param, grad, buf, lr, momentum):
    new_buf = grad.clone() if buf is None else momentum * buf + grad
    return param.sub_(lr * new_buf), new_buf


def _inplace_buffer(param, grad, buf, lr, momentum):
    new_buf = grad.clone() if buf is None else buf.mul_(momentum).add_(grad)
    return param - lr * new_buf, new_buf


def _aliased_buffer(param, grad, buf, lr, momentum):
    new_buf = grad if buf is None else momentum * buf + grad
    return param - lr * new_buf, new_buf


def _functional_sgd(param, grad, buf, lr, momentum):
    p, bufs = param.clone(), [None if buf is None else buf.clone()]
    torch.optim._functional.sgd([p], [grad.clone()], bufs, weight_decay=0.0, momentum=momentum, lr=lr,
                                dampening=0.0, nesterov=False, maximize=False)
    return p, bufs[0]


def _functional_sgd_imported(param, grad, buf, lr, momentum):
    from torch.optim.sgd import sgd

    p, bufs = param.clone(), [None if buf is None else buf.clone()]
    sgd([p], [grad.clone()], bufs, weight_decay=0.0, momentum=momentum, lr=lr, dampening=0.0, nesterov=False,
        maximize=False)
    return p, bufs[0]


def _no_buffer_without_momentum(param, grad, buf, lr, momentum):  # special-cases momentum == 0, keeps buf
    if momentum == 0:
        return param - lr * grad, buf.clone()
    return _solution(param, grad, buf, lr, momentum)


def _torch_sgd(param, grad, buf, lr, momentum):
    p = param.clone().requires_grad_(True)
    optimizer = torch.optim.SGD([p], lr=lr, momentum=momentum)
    if buf is not None:
        optimizer.state[p]["momentum_buffer"] = buf.clone()
    p.grad = grad.clone()
    optimizer.step()
    return p.detach(), optimizer.state[p]["momentum_buffer"]


def _scratch_sgd(param, grad, buf, lr, momentum):
    p = param.clone()
    p.grad = grad.clone()
    optimizer = ScratchSGD([p], lr=lr, momentum=momentum)
    optimizer.step()
    return p, p.grad


MOMENTUM_RIGHT = [_solution, nb05._momentum_step, _zero_initial_buffer, _method_form]

MOMENTUM_WRONG = [
    (lambda p, g, b, lr, m: (p - lr * g, g.clone()), "your buffer is just the gradient"),  # plain SGD
    (_with(lambda g, b, m, lr: lr * g if b is None else m * b + lr * g, lambda p, nb, g, b, lr, m: p - nb),
     "your buffer includes the learning rate"),
    (_with(lambda g, b, m, lr: g.clone() if b is None else m * b + (1 - m) * g, lambda p, nb, g, b, lr, m: p - lr * nb),
     "on a later step (buf = [1, -1], lr = 0.2, momentum = 0.9): your buffer adds (1 - momentum) times the gradient "
     "(that is dampening"),
    # Review item 5: dampening from the first step was told "your buffer includes the learning rate" (lr was 1 - mu).
    (_with(lambda g, b, m, lr: (1 - m) * g if b is None else m * b + (1 - m) * g,
           lambda p, nb, g, b, lr, m: p - lr * nb),
     "on the first step (buf is None, lr = 0.2, momentum = 0.9): your buffer adds (1 - momentum) times the "
     "gradient (that is dampening"),
    # Review item 6: keeping buf when momentum == 0 was told "the momentum factor multiplies the old buffer"; with
    # momentum 0 that mistake and "the old buffer, unchanged" give the same buffer: the generic message.
    (_no_buffer_without_momentum, "on momentum = 0 (plain SGD): the second returned value: the values are off"),
    (_with(lambda g, b, m, lr: g.clone() if b is None else b.clone(), lambda p, nb, g, b, lr, m: p - lr * nb),
     "your buffer is the old buffer, unchanged"),
    (_with(lambda g, b, m, lr: g.clone() if b is None else b + m * g, lambda p, nb, g, b, lr, m: p - lr * nb),
     "on a later step (buf = [1, -1], lr = 0.2, momentum = 0.9): the momentum factor multiplies the old buffer"),
    (_with(lambda g, b, m, lr: m * g + g if b is None else m * b + g, lambda p, nb, g, b, lr, m: p - lr * nb),
     "on the first step the buffer is the gradient itself"),
    (_with(_right_buffer, lambda p, nb, g, b, lr, m: p - lr * (nb if b is None else b)),
     "the parameter moved with the old buffer"),
    (_with(_right_buffer, lambda p, nb, g, b, lr, m: p - lr * g), "the parameter moved by the gradient alone"),
    (_with(_right_buffer, lambda p, nb, g, b, lr, m: p + lr * nb), "the parameter moved uphill"),
    (_with(_right_buffer, lambda p, nb, g, b, lr, m: p - nb), "the learning rate is missing"),
    (_with(_right_buffer, lambda p, nb, g, b, lr, m: p - lr * (g + m * nb)), "that is Nesterov momentum"),
    (lambda p, g, b, lr, m: tuple(reversed(_solution(p, g, b, lr, m))), "the order is (new_param, new_buf)"),
    (lambda p, g, b, lr, m: _solution(p, g, b, lr, m)[0], "it returned one tensor, but the task asks for two"),
    (_aliased_buffer, "a returned tensor is the input `grad` itself (the same memory)"),
    (_inplace_param, "your function changed its input `param` in place"),
    (_inplace_buffer, "your function changed its input `buf` in place"),
    (_torch_sgd, "`torch.optim.SGD` is not allowed in this exercise"),
    (_functional_sgd, "`torch.optim._functional.sgd` is not allowed in this exercise: write the update yourself "
                      "from the rule in 'The update rules': no torch.optim.SGD (nor its functional form"),
    (_functional_sgd_imported, "`torch.optim._functional.sgd` is not allowed"),  # the same function as sgd.sgd
    (_scratch_sgd, "`course_utils.scratch.optimizers.ScratchSGD` is not allowed in this exercise"),
]


def test_momentum_reference_is_torch_sgd():
    p = torch.tensor([1.0, -2.0], requires_grad=True)
    optimizer = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    ours, buf = torch.tensor([1.0, -2.0]), None
    for grad in (torch.tensor([0.5, 0.5]), torch.tensor([-1.0, 2.0]), torch.tensor([0.25, 0.0])):
        p.grad = grad.clone()
        optimizer.step()
        ours, buf = nb05._momentum_step(ours, grad, buf, 0.1, 0.9)
    torch.testing.assert_close(ours, p.detach())
    torch.testing.assert_close(buf, optimizer.state[p]["momentum_buffer"])


def test_torch_sgd_is_restored_after_the_check():
    sgd = torch.optim.SGD
    nb05.momentum_step.check(_torch_sgd)
    assert torch.optim.SGD is sgd and importlib.import_module("torch.optim.sgd").SGD is sgd


def test_no_case_has_lr_equal_to_one_minus_momentum():
    for case in nb05.momentum_step.cases:
        lr, momentum = case.args[3:]
        assert abs(lr - (1 - momentum)) > 1e-3, case.label


def test_two_matching_mistakes_give_the_generic_message():
    """Every typical mistake that gives the value of another one here is silent: no untrue specific message."""
    case = nb05.momentum_step.cases[2]  # momentum = 0: "old buffer unchanged" == "momentum multiplies the gradient"
    param, grad, buf, lr, momentum = case.args
    got = (param - lr * grad, buf.clone())
    assert nb05._diagnose_momentum(got, nb05._momentum_step(*case.args), case) is None


def test_plain_sgd_passes_only_the_cases_where_it_agrees():
    feedback = nb05.momentum_step.check(lambda p, g, b, lr, m: (p - lr * g, g.clone()))
    assert 0 < feedback.passed < feedback.total


# --- Exercise 2: an LBFGS closure -------------------------------------------------------------
def _maker(body):
    """make_closure whose closure runs body(optimizer, model, loss_fn, inputs, targets)."""
    def make_closure(optimizer, model, loss_fn, inputs, targets):
        def closure():
            return body(optimizer, model, loss_fn, inputs, targets)
        return closure
    return make_closure


NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "05_optimizers.ipynb"
_notebook_solution = defined_in_cell(NOTEBOOK, "8f9632bd", "make_closure_solution", {"torch": torch, "nb05": nb05})


def _returns_item(o, m, f, i, t):
    o.zero_grad()
    loss = f(m(i), t)
    loss.backward()
    return loss.item()


def _model_zero_grad(o, m, f, i, t):
    m.zero_grad()
    loss = F.cross_entropy(m(i), t)
    loss.backward()
    return loss.detach()


def _grads_to_none(o, m, f, i, t):
    for p in m.parameters():
        p.grad = None
    loss = f(m(i), t)
    loss.backward()
    return loss


def _body(zero_grad=True, loss=None, backprop=None, returns=None, step=None, after=None):
    """A closure body with one thing changed."""
    def body(o, m, f, i, t):
        if zero_grad:
            o.zero_grad()
        value = f(m(i), t) if loss is None else loss(m, i, t)
        (value if backprop is None else backprop(value)).backward()
        if step is not None:
            step(o, value)
        if after is not None:
            after(o, m)
        return value if returns is None else returns(value)
    return body


def _update_by_hand(o, m):
    with torch.no_grad():
        for p in m.parameters():
            p -= 0.1 * p.grad


def _make_and_cache(optimizer, model, loss_fn, inputs, targets):
    outputs = model(inputs)  # computed once, when the closure is made

    def closure():
        optimizer.zero_grad()
        loss = loss_fn(outputs, targets)
        loss.backward()
        return loss
    return closure


def _zero_grad_outside(optimizer, model, loss_fn, inputs, targets):
    optimizer.zero_grad()  # once, not at every call

    def closure():
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        return loss
    return closure


def _calls_the_closure(optimizer, model, loss_fn, inputs, targets):
    return _notebook_solution(optimizer, model, loss_fn, inputs, targets)()


def _forgets_to_return(optimizer, model, loss_fn, inputs, targets):
    def closure():
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        return loss


def _empty_closure(optimizer, model, loss_fn, inputs, targets):
    def closure():
        ...
    return closure


def _make_stub(optimizer, model, loss_fn, inputs, targets):
    ...  # your code here: define closure() and return it


def _penalised_backward(o, m, f, i, t):
    o.zero_grad()
    loss = f(m(i), t)
    (loss + 0.1 * m.weight.pow(2).sum()).backward()  # a different loss than the one returned
    return loss


def _sum(m, i, t):
    return nn.CrossEntropyLoss(reduction="sum")(m(i), t)


def _clear_after(o, m):
    for p in m.parameters():
        p.grad = None


CLOSURE_RIGHT = [
    _notebook_solution,
    nb05._reference_closure,
    _maker(_returns_item),  # LBFGS accepts a float
    _maker(_model_zero_grad),
    _maker(_grads_to_none),
]

CLOSURE_WRONG = [
    (_maker(_body(step=lambda o, loss: o.step())), "your code calls optimizer.step()"),
    (_maker(_body(step=lambda o, loss: o.step(lambda: loss))), "your code calls optimizer.step()"),
    # Review item 8: the value decides when LBFGS stops (and, with strong_wolfe, how far it goes): said exactly.
    (_maker(_body(returns=lambda loss: 2 * loss)),
     "your closure returns 2 times the loss: return the loss itself, unscaled. The value matters: LBFGS converts it "
     "with float(), and one of its stopping tests compares it from one iteration to the next (it stops when the "
     'value changes by less than tolerance_change); with line_search_fn="strong_wolfe" the values also decide how '
     "far LBFGS goes"),
    (_maker(_body(loss=_sum)), "your closure returns the SUM of the examples' losses: use the loss_fn you are given "
                               "(it takes the mean). The value matters: LBFGS converts it with float()"),
    (_maker(_body(loss=_sum, returns=lambda loss: loss / 40)),  # the right value, the gradients of the sum
     "the gradients your closure leaves are those of the SUM"),
    (_maker(_body(backprop=lambda loss: 0.5 * loss)), "the gradients your closure leaves are 0.5 times those of the loss"),
    (_maker(_body(zero_grad=False)), "include the ones that were already in .grad"),  # missing zero_grad
    (_zero_grad_outside, "include the ones that were already in .grad"),
    (_maker(_body(returns=lambda loss: None)), "your closure returned None: return the loss (LBFGS converts it with "
                                               "float(), and one of its stopping tests compares it"),
    (_maker(_body(after=lambda o, m: o.zero_grad(set_to_none=False))),
     "the gradients your closure leaves are all zero: you cleared the gradients after backpropagating: clear them "
     "BEFORE the backward pass"),
    # Review item 7: zero_grad() after backward() (set_to_none=True) was told "backpropagate the loss inside it".
    (_maker(_body(after=lambda o, m: o.zero_grad())), "after your closure the parameters have no gradient (.grad is "
                                                      "None): you cleared the gradients after backpropagating: clear "
                                                      "them BEFORE the backward pass"),
    (_maker(_body(after=lambda o, m: m.zero_grad())), "you cleared the gradients after backpropagating"),
    (_maker(_body(after=_clear_after)), "you cleared the gradients after backpropagating"),  # p.grad = None
    (_maker(_body(backprop=lambda loss: loss.detach().requires_grad_())),
     "after your closure the parameters have no gradient: no backward pass reached them"),
    (_maker(_body(backprop=lambda loss: 0 * loss)), "the gradients your closure leaves are 0 times those of the loss"),
    (_maker(_penalised_backward), "the gradients your closure leaves are not the gradients of the loss"),
    (_maker(_body(after=_update_by_hand)), "your closure changed the parameters"),
    (_maker(_body(loss=lambda m, i, t: F.cross_entropy(m(i), t, reduction="none"), backprop=lambda losses: losses.mean())),
     "your closure returned a tensor of shape (40,)"),
    (_make_and_cache, "it reuses a result computed before it was called"),
    (_calls_the_closure, "make_closure returned a Tensor: return the function closure itself"),
    (_forgets_to_return, "make_closure returned None"),
    (_maker(lambda o, m, f, i, t: f(m(torch.randn(5, 822)), t)), "your closure raised RuntimeError"),  # notebook's X
]


def test_lbfgs_closure_a_second_call_catches_accumulation():
    """zero_grad once in make_closure: right on a first call from clean gradients, wrong on the second."""
    problems = dict(nb05._check_closure_maker(_zero_grad_outside, Runner(nb05.lbfgs_closure, _zero_grad_outside)))
    assert len(problems) == 4
    assert "already in .grad" in problems["a second call at the same parameters"]
    assert "already in .grad" in problems["a call after the parameters moved (as LBFGS moves them)"]


def test_lbfgs_a_scaled_value_ends_at_the_same_parameters():
    """Default LBFGS (no line search) takes its steps from the gradients: 2x the loss changes only when it stops."""
    answer = _maker(_body(returns=lambda loss: 2 * loss))
    problems = dict(nb05._check_closure_maker(answer, Runner(nb05.lbfgs_closure, answer)))
    assert problems[f"an LBFGS step ({nb05._LBFGS_ITER} iterations) with your closure"] is None
    assert "2 times the loss" in problems["a second call at the same parameters"]


def test_lbfgs_what_the_value_message_says_is_true():
    """The value feeds a stopping test only; with strong_wolfe it also changes the steps (a larger lr searches)."""
    def end(scale, line_search_fn):
        model, loss_fn, inputs, targets = nb05._lbfgs_problem()
        optimizer = torch.optim.LBFGS(model.parameters(), lr=10.0, max_iter=3, line_search_fn=line_search_fn)

        def closure():
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), targets)
            loss.backward()
            return scale * loss
        optimizer.step(closure)
        return torch.cat([p.detach().flatten() for p in model.parameters()])

    assert torch.equal(end(1.0, None), end(2.0, None))
    assert not torch.allclose(end(1.0, "strong_wolfe"), end(2.0, "strong_wolfe"), atol=1e-3)


def test_lbfgs_reference_reduces_the_loss_and_the_check_leaves_the_rng_alone():
    torch.manual_seed(0)
    expected = torch.randn(3)
    torch.manual_seed(0)
    assert nb05.lbfgs_closure.check(_notebook_solution).ok
    assert torch.equal(torch.randn(3), expected)
    model, loss_fn, inputs, targets = nb05._lbfgs_problem()
    with torch.no_grad():
        before = loss_fn(model(inputs), targets).item()
    after_params = nb05._run_lbfgs(nb05._reference_closure)
    with torch.no_grad():
        for p, q in zip(model.parameters(), after_params, strict=False):
            p.copy_(q)
        assert loss_fn(model(inputs), targets).item() < 0.8 * before


# --- Exercise 3: Adam from scratch ----------------------------------------------------------
_AdamStub = nb05_adam._MyAdamStub  # the notebook's stub, the one the checker knows as untouched


class _AdamSolution(_AdamStub):  # the notebook's solution
    def step(self):
        beta1, beta2 = self.betas
        with torch.no_grad():
            for p, s in zip(self.params, self.state, strict=True):
                if p.grad is None:
                    continue
                if not s:
                    s["step"], s["m"], s["v"] = 0, torch.zeros_like(p), torch.zeros_like(p)
                s["step"] += 1
                s["m"] = beta1 * s["m"] + (1 - beta1) * p.grad
                s["v"] = beta2 * s["v"] + (1 - beta2) * p.grad**2
                m_hat = s["m"] / (1 - beta1 ** s["step"])
                v_hat = s["v"] / (1 - beta2 ** s["step"])
                p -= self.lr * m_hat / (v_hat.sqrt() + self.eps)


def _adam(mistake=None):
    """A student's MyAdam with one mistake (None: correct, written another way than the solution)."""
    class MyAdam(_AdamStub):
        def step(self):
            b1, b2 = self.betas[::-1] if mistake == "swapped" else self.betas
            self.t = getattr(self, "t", 0) + 1  # used only by the shared-count mistake
            for p, s in zip(self.params, self.state, strict=True):
                if p.grad is None:
                    continue
                g = p.grad
                s.setdefault("m", torch.zeros_like(p))
                s.setdefault("v", torch.zeros_like(p))
                s["t"] = s.get("t", 0) + 1
                t = self.t if mistake == "shared" else s["t"] + (1 if mistake == "power" else 0)
                if mistake == "mutates":
                    g.mul_(1.0)  # harmless value, but an in-place change of .grad
                    g.add_(1e-3)
                s["m"].mul_(b1).add_(g, alpha=1 - b1)
                s["v"].mul_(b2).addcmul_(g, g, value=1 - b2)
                c1 = 1.0 if mistake in ("none", "m") else 1 - b1**t
                c2 = 1.0 if mistake in ("none", "v") else 1 - b2**t
                if mistake == "eps inside":
                    denom = (s["v"] / c2 + self.eps).sqrt()
                else:
                    denom = s["v"].sqrt() / math.sqrt(c2) + self.eps
                p.data.addcdiv_(s["m"], denom, value=-self.lr / c1)
    return MyAdam


class _AdamTorch(_AdamStub):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.inner = torch.optim.Adam(params, lr=lr, betas=betas, eps=eps)

    def step(self):
        self.inner.step()


class _AdamScratch(_AdamStub):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        from course_utils.scratch.optimizers import ScratchAdam
        self.inner = ScratchAdam(params, lr=lr, betas=betas, eps=eps)

    def step(self):
        self.inner.step()


class _AdamEfficient(_AdamStub):  # the Adam paper's "efficient" form: eps added before the correction of v
    def step(self):
        b1, b2 = self.betas
        with torch.no_grad():
            for p, s in zip(self.params, self.state, strict=True):
                if p.grad is None:
                    continue
                s["t"] = s.get("t", 0) + 1
                s["m"] = b1 * s.get("m", 0) + (1 - b1) * p.grad
                s["v"] = b2 * s.get("v", 0) + (1 - b2) * p.grad**2
                lr_t = self.lr * math.sqrt(1 - b2 ** s["t"]) / (1 - b1 ** s["t"])
                p -= lr_t * s["m"] / (s["v"].sqrt() + self.eps)


def _adam_written_out(power=0, rebind=False, data=False, float32_state=False):
    """Another student's MyAdam: m_hat / v_hat written out, with one mistake or a harmless variation."""
    class MyAdam(_AdamStub):
        def step(self):
            b1, b2 = self.betas
            with torch.no_grad():
                for i, (p, s) in enumerate(zip(self.params, self.state, strict=True)):
                    if p.grad is None:
                        continue
                    if not s:
                        zeros = torch.zeros(p.shape) if float32_state else torch.zeros_like(p)
                        s.update(t=0, m=zeros.clone(), v=zeros.clone())
                    s["t"] += 1
                    t = s["t"] + power
                    s["m"] = b1 * s["m"] + (1 - b1) * p.grad
                    s["v"] = b2 * s["v"] + (1 - b2) * p.grad * p.grad
                    update = self.lr * (s["m"] / (1 - b1**t)) / ((s["v"] / (1 - b2**t)).sqrt() + self.eps)
                    if rebind:
                        self.params[i] = p - update   # a new tensor: the caller's parameter never moves
                    elif data:
                        p.data = p.data - update
                    else:
                        p -= update
    return MyAdam


ADAM_WRONG = [
    (_adam_written_out(power=-1), ["after step 1", "divide by zero"]),
    (_adam_written_out(rebind=True), ["the parameters did not change"]),
    (_adam("none"), ["no bias correction"]),
    (_adam("m"), ["m is not"]),
    (_adam("v"), ["v is not"]),
    (_adam("power"), ["wrong power"]),
    (_adam("eps inside"), ["eps is inside the square root"]),
    (_adam("shared"), ["second gets its first gradient at step 4", "same step count"]),
    (_adam("swapped"), ["betas are swapped"]),
    (_adam("mutates"), ["changed the gradient (.grad)"]),
    (_AdamEfficient, ["small gradients", "efficient"]),
    (_AdamTorch, ["`torch.optim.Adam` is not allowed"]),
    (_AdamScratch, ["ScratchAdam` is not allowed"]),
    (lambda params, **kw: list(params), ["expected a class"]),
]
ADAM_RIGHT = [_AdamSolution, _adam(None), _adam_written_out(), _adam_written_out(data=True),
              _adam_written_out(float32_state=True)]


def test_adam_every_typical_mistake_is_named_on_some_case():
    import course_utils.exercises.nb05_adam as module
    assert nb05.adam_from_scratch.check(_AdamSolution).passed == 4
    for mistake, why in module._MISTAKES.items():
        named = []
        for case in module._ADAM_CASES:
            hyper, starts, _, _ = case.args
            grads = module._gradients(case)
            wrong = module._variant_adam([torch.tensor(v, dtype=torch.float64) for v in starts], grads, **hyper,
                                         mistake=mistake)
            named.append(module._diagnose(wrong, case, grads) == why)
        assert any(named), mistake


def test_adam_reference_variant_is_torch():
    import course_utils.exercises.nb05_adam as module
    for case in module._ADAM_CASES:
        hyper, starts, _, _ = case.args
        grads = module._gradients(case)
        ours = module._variant_adam([torch.tensor(v, dtype=torch.float64) for v in starts], grads, **hyper)
        torch.testing.assert_close(ours, module._torch_adam(case, grads), atol=1e-12, rtol=0)


# --- All: the tables test_exercises_all.py runs, no leak -------------------------------------
WRONG = {nb05.momentum_step: MOMENTUM_WRONG, nb05.lbfgs_closure: CLOSURE_WRONG, nb05.adam_from_scratch: ADAM_WRONG}
ALTERNATIVES = {
    nb05.momentum_step: MOMENTUM_RIGHT, nb05.lbfgs_closure: CLOSURE_RIGHT, nb05.adam_from_scratch: ADAM_RIGHT,
}
STUBS = [
    pytest.param(nb05.momentum_step, _stub, id="momentum-stub"),
    pytest.param(nb05.lbfgs_closure, _make_stub, id="closure-stub"),
    pytest.param(nb05.lbfgs_closure, _empty_closure, id="closure-empty-closure"),
    pytest.param(nb05.adam_from_scratch, _AdamStub, id="adam-stub"),
]


def test_a_wrong_answer_never_shows_the_reference_values():
    message = nb05.momentum_step.check(lambda p, g, b, lr, m: (p - lr * g, g.clone())).message()
    new_param, new_buf = nb05._momentum_step(*nb05.momentum_step.cases[1].args)
    for value in new_param.tolist() + new_buf.tolist():
        assert f"{value:.2f}" not in message
    model, loss_fn, inputs, targets = nb05._lbfgs_problem()
    loss = loss_fn(model(inputs), targets).item()
    message = nb05.lbfgs_closure.check(_maker(_body(returns=lambda loss: 2 * loss))).message()
    assert f"{loss:.3f}" not in message and f"{2 * loss:.3f}" not in message


# A typical wrong answer per exercise, for the hints to escalate on (test_exercises_all.py; each is also in WRONG).
ESCALATING = {
    nb05.momentum_step: lambda p, g, b, lr, m: (p - lr * g, g.clone()),
    nb05.lbfgs_closure: _maker(_body(zero_grad=False)),
    nb05.adam_from_scratch: _adam("none"),
}
