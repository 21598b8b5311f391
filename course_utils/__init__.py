"""course_utils: small, tested helpers for the course "Deep learning for NLP with PyTorch".

Modules, by purpose:
    runtime     setup_notebook, get_device
    data        Vocabulary, bow_vector, bow_matrix, the shipped corpus
    scratch     softmax, log_softmax, nll_loss, cross_entropy, sgd_step from scratch
    training    fit (the numbered-step training loop) and History
    plotting    plot_losses, plot_grad_norms
    checks      assert_shape, Exercise feedback
    widgets     the interactive widgets
    exercises   each notebook's exercises
"""
from course_utils.runtime import get_device, setup_notebook

__all__ = ["get_device", "setup_notebook"]
__version__ = "0.1.0"
