"""A small part-of-speech tagged corpus, generated from a grammar (grammar.py), for the window tagger."""
from course_utils.data.tagging.grammar import (
    AMBIGUOUS_WORDS,
    TAGGING_SPLITS,
    UNIVERSAL_TAGS,
    generate_tagged_sentences,
    load_tagging,
)

__all__ = ["AMBIGUOUS_WORDS", "TAGGING_SPLITS", "UNIVERSAL_TAGS", "generate_tagged_sentences", "load_tagging"]
