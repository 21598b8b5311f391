"""Data: vocabularies, bag-of-words vectors and the course's shipped corpus."""
from course_utils.data.batching import ids_and_offsets, label_ids
from course_utils.data.bow import bow_matrix, bow_vector
from course_utils.data.corpus import LANGID_LABELS, LANGID_SPLITS, load_langid, read_tsv, tokenize
from course_utils.data.vectors import align_vectors, read_word_vectors
from course_utils.data.vocab import UNK, Vocabulary

__all__ = [
    "LANGID_LABELS",
    "LANGID_SPLITS",
    "UNK",
    "Vocabulary",
    "align_vectors",
    "bow_matrix",
    "bow_vector",
    "ids_and_offsets",
    "label_ids",
    "load_langid",
    "read_tsv",
    "read_word_vectors",
    "tokenize",
]
