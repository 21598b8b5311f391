"""PyTorch's pieces written from scratch, to compare with torch (the tests use torch as the oracle).

functions.py   softmax, log_softmax, nll_loss, cross_entropy, sgd_step
optimizers.py  ScratchSGD (with momentum), ScratchAdagrad, ScratchAdadelta, ScratchAdam
"""
from course_utils.scratch.functions import cross_entropy, log_softmax, nll_loss, sgd_step, softmax

__all__ = ["cross_entropy", "log_softmax", "nll_loss", "sgd_step", "softmax"]
