"""Training: the numbered-step loop (`fit`), and the course's ready-made training runs.

loop.py         fit(), History: the training loop of the lecture and the tutorial
classifiers.py  bag-of-words and EmbeddingBag language classifiers on the shipped corpus
cbow.py         small CBOW word vectors
faults.py       tiny runs with one classic bug each, to learn their gradient pictures
surfaces.py     2-D loss surfaces and the paths torch's optimizers take on them
tagger.py       a window part-of-speech tagger over feature embeddings (sum or concatenation)
"""
from course_utils.training.loop import History, NonFiniteLossError, fit

__all__ = ["History", "NonFiniteLossError", "fit"]
