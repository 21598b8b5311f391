"""Loading the course's small language-identification corpus (and any TSV like it).

The shipped corpus lives in `course_utils/data/langid/` as three fixed files,
`train.tsv`, `dev.tsv` and `test.tsv`. Each line is `text<TAB>label` with no
header; see `langid/README.md` for details and the licence (CC0 1.0).
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from course_utils._validate import type_name

__all__ = ["LANGID_LABELS", "LANGID_SPLITS", "load_langid", "read_tsv", "tokenize"]


# The four labels of the shipped corpus, in the order to use for class indices.
LANGID_LABELS: tuple[str, ...] = ("english", "spanish", "portuguese", "italian")

# The splits shipped with the course.
LANGID_SPLITS: tuple[str, ...] = ("train", "dev", "test")

_LANGID_DIR = Path(__file__).resolve().parent / "langid"

# A token is a run of letters or digits (any script, accents included), possibly
# joined by apostrophes *inside* the word: "don't", "uncle's", "l'acqua", "dov'è"
# each stay one token. Everything else (punctuation, hyphens, spaces, "¿", "¡",
# and apostrophes at the start or end of a word) separates tokens and is dropped.
# "[^\W_]" means "a word character that is not the underscore".
_TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def tokenize(text: str) -> list[str]:
    """Split `text` into lowercase word tokens, dropping punctuation.

    - Unicode is normalised (NFC) and lowercased, so "Árbol" and "árbol"
      (even if written with a combining accent) give the same token.
    - A token is a run of letters/digits; accented letters (á, ã, ç, è, ñ, ...)
      are letters.
    - Apostrophes inside a word keep it together: Italian "l'acqua" -> ["l'acqua"],
      English "don't" -> ["don't"]. The typographic apostrophe (’) counts as "'".
    - Hyphens split words: "segunda-feira" -> ["segunda", "feira"].

    >>> tokenize("¿Dónde está la estación?")
    ['dónde', 'está', 'la', 'estación']
    >>> tokenize("Dov'è l'acqua?")
    ["dov'è", "l'acqua"]
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type_name(text)}")
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").lower()
    return _TOKEN_RE.findall(text)


def _parse_row(line: str) -> tuple[list[str], str]:
    """Parse one non-blank `text<TAB>label` row; ValueError names the problem."""
    tabs = line.count("\t")
    if tabs == 0:
        raise ValueError("no tab (expected 'text<TAB>label')")
    if tabs > 1:
        raise ValueError(f"more than one tab ({tabs} found, expected 1)")
    text, label = (part.strip() for part in line.split("\t"))
    if not text:
        raise ValueError("empty text")
    if not label:
        raise ValueError("empty label")
    tokens = tokenize(text)
    if not tokens:
        raise ValueError("text has no word tokens")
    return tokens, label


def read_tsv(path: str | os.PathLike) -> tuple[list[list[str]], list[str]]:
    """Read a `text<TAB>label` file and return (tokenised_sentences, labels).

    path: the file (UTF-8, a leading BOM is ignored; one example per line, no header);
          blank (or whitespace-only) lines are skipped

    Returns two lists of equal length: the tokens of each sentence (see `tokenize`) and
    its label (surrounding whitespace stripped). Raises TypeError when `path` is not a
    str or os.PathLike, FileNotFoundError when the file does not exist, and ValueError
    for a malformed row (the message names the file, the 1-based line number and the
    problem) or a file with no examples at all.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type_name(path)}")
    path = Path(path)
    sentences: list[list[str]] = []
    labels: list[str] = []
    with path.open(encoding="utf-8-sig") as handle:  # "-sig": tolerate a BOM
        for lineno, line in enumerate(handle, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue  # blank lines are allowed and skipped
            try:
                tokens, label = _parse_row(line)
            except ValueError as err:
                raise ValueError(f"{path}, line {lineno}: {err}: {line!r}") from None
            sentences.append(tokens)
            labels.append(label)
    if not sentences:
        raise ValueError(f"{path}: no examples found (file is empty or only blank lines)")
    return sentences, labels


def load_langid(split: str = "train") -> tuple[list[list[str]], list[str]]:
    """Load one split of the shipped language-identification corpus.

    split: which file to load: "train", "dev" or "test"

    Returns (tokenised_sentences, labels) as `read_tsv` does; the labels are
    always members of LANGID_LABELS.

    >>> sentences, labels = load_langid("dev")
    >>> sorted(set(labels)) == sorted(LANGID_LABELS)
    True
    """
    if split not in LANGID_SPLITS:
        raise ValueError(f"split must be one of {LANGID_SPLITS}, got {split!r}")
    return read_tsv(_LANGID_DIR / f"{split}.tsv")
