import math

import pytest
import torch
from torch import nn

from course_utils.training import History, NonFiniteLossError, fit


def make_problem(seed=0, n=32):
    torch.manual_seed(seed)
    x = torch.randn(n, 4)
    y = (x[:, 0] > 0).long()
    batches = [(x[i : i + 8], y[i : i + 8]) for i in range(0, n, 8)]
    model = nn.Linear(4, 2)
    return model, batches


def test_fit_matches_a_hand_written_loop_exactly():
    model, batches = make_problem()
    twin = nn.Linear(4, 2)
    twin.load_state_dict(model.state_dict())
    history = fit(model, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.5), batches, epochs=3)

    optimizer = torch.optim.SGD(twin.parameters(), lr=0.5)
    losses, grad_w = [], []
    for _ in range(3):
        for x, y in batches:
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(twin(x), y)
            loss.backward()
            grad_w.append(twin.weight.grad.norm().item())
            optimizer.step()
            losses.append(loss.item())
    assert history.losses == pytest.approx(losses, abs=1e-7)
    assert history.grad_norms["weight"] == pytest.approx(grad_w, abs=1e-7)
    assert torch.equal(model.weight, twin.weight)


def test_history_shapes_and_epoch_means():
    model, batches = make_problem()
    history = fit(model, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.5), batches, epochs=5)
    assert isinstance(history, History) and history.steps == 20
    assert len(history.epoch_losses) == 5
    assert history.epoch_losses[1] == pytest.approx(sum(history.losses[4:8]) / 4)
    assert set(history.grad_norms) == {"weight", "bias"}
    assert all(len(v) == 20 for v in history.grad_norms.values())
    assert history.epoch_losses[-1] < history.epoch_losses[0]


def test_record_grads_false_records_none():
    model, batches = make_problem()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    history = fit(model, nn.CrossEntropyLoss(), optimizer, batches, 1, record_grads=False)
    assert history.grad_norms == {}


def test_unused_parameter_gets_nan_norm():
    class TwoHeads(nn.Module):
        def __init__(self):
            super().__init__()
            self.used, self.unused = nn.Linear(4, 2), nn.Linear(4, 2)

        def forward(self, x):
            return self.used(x)

    model, batches = TwoHeads(), make_problem()[1]
    history = fit(model, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1), batches, 1)
    assert all(math.isnan(v) for v in history.grad_norms["unused.weight"])
    assert all(v > 0 for v in history.grad_norms["used.weight"])


def test_non_finite_loss_names_step_and_suggests_smaller_lr():
    model, batches = make_problem()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e6)
    loss_fn = nn.MSELoss()
    regression = [(x, torch.full((x.shape[0], 2), 1e3)) for x, _ in batches]
    with pytest.raises(NonFiniteLossError, match=r"at step \d+ \(epoch \d+\).*lr=1000000.0.*smaller"):
        fit(model, loss_fn, optimizer, regression, epochs=50)
    assert issubclass(NonFiniteLossError, ValueError)


def test_lbfgs_gets_a_closure_and_converges():
    model, batches = make_problem()
    optimizer = torch.optim.LBFGS(model.parameters(), lr=0.5, max_iter=5)
    history = fit(model, nn.CrossEntropyLoss(), optimizer, batches[:1], epochs=5)
    assert history.losses[-1] < history.losses[0]
    assert len(history.grad_norms["weight"]) == 5


def test_works_with_a_dataloader():
    model, batches = make_problem()
    x = torch.cat([b[0] for b in batches])
    y = torch.cat([b[1] for b in batches])
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=8, num_workers=0)
    history = fit(model, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.5), loader, epochs=2)
    assert history.steps == 8


def test_tuple_inputs_are_passed_as_separate_arguments():
    from course_utils.models import EmbeddingBagClassifier

    torch.manual_seed(0)
    model = EmbeddingBagClassifier(6, 4, 2)
    batch = ((torch.tensor([1, 2, 3, 4, 5]), torch.tensor([0, 2])), torch.tensor([0, 1]))
    history = fit(model, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.5), [batch], epochs=3)
    assert history.steps == 3 and history.losses[-1] < history.losses[0]
    assert set(history.grad_norms) == {"embedding.weight", "linear.weight", "linear.bias"}


def test_progress_bar(capsys):
    model, batches = make_problem()
    fit(model, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.5), batches, 2, progress=True)
    assert "8/8" in capsys.readouterr().err


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"model": lambda x: x}, TypeError, "model must be a torch.nn.Module"),
        ({"loss_fn": 3}, TypeError, "loss_fn must be callable"),
        ({"loss_fn": nn.CrossEntropyLoss}, TypeError, r"CrossEntropyLoss\(\), not the class"),
        ({"optimizer": "sgd"}, TypeError, "optimizer must be"),
        ({"epochs": 0}, ValueError, "epochs must be >= 1"),
        ({"epochs": 1.5}, TypeError, "epochs must be an int"),
        ({"batches": []}, ValueError, "no \\(inputs, targets\\) pair"),
        ({"batches": torch.zeros(3)}, TypeError, "batches must be an iterable"),
        ({"batches": [torch.zeros(3)]}, TypeError, "each batch must be an \\(inputs, targets\\) pair"),
        ({"loss_fn": lambda out, y: out}, TypeError, "single-number tensor"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    model, batches = make_problem()
    args = {"model": model, "loss_fn": nn.CrossEntropyLoss(), "optimizer": torch.optim.SGD(model.parameters(), lr=0.1),
            "batches": batches, "epochs": 1}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        fit(args.pop("model"), args.pop("loss_fn"), args.pop("optimizer"), args.pop("batches"), args.pop("epochs"))


def test_fit_trains_a_model_left_in_eval_mode():
    """A model last used for evaluation (model.eval()) must be switched back: dropout and batch norm
    behave differently in training. Deleting `model.train()` from fit makes this test fail."""

    class RecordsMode(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.linear = nn.Linear(2, 2)
            self.modes: list[bool] = []

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            self.modes.append(self.training)
            return self.linear(x)

    model = RecordsMode()
    model.eval()
    batches = [(torch.randn(4, 2, generator=torch.Generator().manual_seed(0)), torch.tensor([0, 1, 0, 1]))]
    fit(model, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1), batches, 2, record_grads=False)
    assert model.modes == [True, True] and model.training


def test_fit_trains_on_the_course_device_and_moves_model_and_batches(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    moved = []
    original = torch.nn.Module.to

    def spy(self, *args, **kwargs):
        moved.append(torch._C._nn._parse_to(*args, **kwargs)[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(torch.nn.Module, "to", spy)
    model = torch.nn.Linear(2, 1)
    batches = [(torch.randn(4, 2), torch.randn(4, 1))]
    fit(model, torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), batches, 1)
    assert moved == [torch.device("cpu")]  # get_device() here: COURSE_DEVICE is unset
    moved.clear()
    fit(model, torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), batches, 1, device="cpu")
    assert moved == [torch.device("cpu")]
    with pytest.raises(TypeError, match="the targets of a batch must be a torch.Tensor"):
        fit(model, torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), [(torch.randn(4, 2), [1.0])], 1)
