"""Analysis: measure trained models and look inside them.

metrics.py      accuracy, confusion_matrix, top_words, predict_proba, evaluate
embeddings.py   cosine similarity, nearest neighbours, a 2-D picture of word vectors
activations.py  activation functions, their derivatives, gradient norms through depth
graph.py        the autograd graph as text, and the numerical gradient (autograd's referee)
health.py       a training run's health: per-layer activation statistics, update:data ratios (HealthRecorder)
spread.py       how sure a result is: a score over seeds (mean ± std, range), a Wilson interval for an accuracy
"""

__all__: list[str] = []  # import from the modules: course_utils.analysis.metrics, ...
