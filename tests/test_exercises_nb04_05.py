import torch

from course_utils.exercises import nb04, nb05


# --- nb04 -----------------------------------------------------------------
def test_grad_by_hand_accepts_the_formula_and_rejects_a_wrong_one():
    assert nb04.grad_by_hand.check(lambda w, x, y: (2 * (w * x - y) * x).mean()).ok
    wrong = nb04.grad_by_hand.check(lambda w, x, y: (2 * (w * x - y)).mean())  # forgot the inner derivative
    assert not wrong.ok and "values are off" in wrong.message()
    assert "not attempted" in nb04.grad_by_hand.check(...).message()


def _cube(backward):
    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

    Cube.backward = staticmethod(backward)
    return Cube


def test_cube_backward_passes_gradcheck_only_when_right():
    right = _cube(lambda ctx, g: g * 3 * ctx.saved_tensors[0] ** 2)
    assert nb04.cube_backward.check(right).ok
    forgot_grad_output = nb04.cube_backward.check(_cube(lambda ctx, g: 3 * ctx.saved_tensors[0] ** 2))
    assert not forgot_grad_output.ok
    assert "your backward's gradient differs from the numerical one" in forgot_grad_output.message()
    assert "3 * x" not in forgot_grad_output.message() and "3x" not in forgot_grad_output.message()
    stub = nb04.cube_backward.check(_cube(lambda ctx, g: None))
    assert not stub.ok and "returned None" in stub.message()
    two = nb04.cube_backward.check(_cube(lambda ctx, g: (g, g)))
    assert not two.ok and "incorrect number of gradients" in two.message()


def test_cube_backward_wants_a_function_class():
    feedback = nb04.cube_backward.check(lambda x: x**3)
    assert not feedback.ok and "torch.autograd.Function" in feedback.message()
    bad_forward = _cube(lambda ctx, g: g)
    bad_forward.forward = staticmethod(lambda ctx, x: x**2)
    assert "forward should return x ** 3" in nb04.cube_backward.check(bad_forward).message()


# --- nb05 -----------------------------------------------------------------
def _momentum(param, grad, buf, lr, momentum):
    buf = grad.clone() if buf is None else momentum * buf + grad
    return param - lr * buf, buf


def test_momentum_step_feedback():
    assert nb05.momentum_step.check(_momentum).ok
    assert not nb05.momentum_step.check(lambda p, g, b, lr, m: (p - lr * g, g)).ok  # plain SGD is not momentum
    assert "not attempted" in nb05.momentum_step.check(...).message()


def test_momentum_reference_is_torch_sgd():
    p = torch.tensor([1.0, -2.0], requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    ours, buf = torch.tensor([1.0, -2.0]), None
    for grad in (torch.tensor([0.5, 0.5]), torch.tensor([-1.0, 2.0])):
        p.grad = grad.clone()
        opt.step()
        ours, buf = nb05._momentum_step(ours, grad, buf, 0.1, 0.9)
    torch.testing.assert_close(ours, p.detach())


def _maker(zero_grad=True, backward=True, returns=True):
    def make_closure(optimizer, model, loss_fn, inputs, targets):
        def closure():
            if zero_grad:
                optimizer.zero_grad()
            loss = loss_fn(model(inputs), targets)
            if backward:
                loss.backward()
            return loss if returns else None
        return closure
    return make_closure


def test_lbfgs_closure_feedback():
    assert nb05.lbfgs_closure.check(_maker()).ok
    assert "clear the old gradients" in nb05.lbfgs_closure.check(_maker(zero_grad=False)).message()
    assert "loss.backward()" in nb05.lbfgs_closure.check(_maker(backward=False)).message()
    assert "must return the loss" in nb05.lbfgs_closure.check(_maker(returns=False)).message()
    assert "not attempted" in nb05.lbfgs_closure.check(lambda *args: None).message()


def test_lbfgs_check_leaves_the_global_rng_alone_and_reduces_the_loss():
    torch.manual_seed(0)
    expected = torch.randn(3)
    torch.manual_seed(0)
    before, after = nb05._run_lbfgs(nb05._reference_closure)
    assert torch.equal(torch.randn(3), expected)
    assert after < 0.5 * before
