"""Tests for course_utils.data.corpus and the shipped langid corpus."""

from __future__ import annotations

import collections
import os
from pathlib import Path

import pytest

from course_utils.data import corpus
from course_utils.data.corpus import LANGID_LABELS, load_langid, read_tsv, tokenize

SPLITS = ("train", "dev", "test")
LANGID_DIR = Path(corpus.__file__).resolve().parent / "langid"


@pytest.fixture(scope="module")
def splits() -> dict[str, tuple[list[list[str]], list[str]]]:
    return {name: load_langid(name) for name in SPLITS}


def _raw_rows(split: str) -> list[str]:
    return (LANGID_DIR / f"{split}.tsv").read_text(encoding="utf-8").splitlines()


# --- the shipped corpus ----------------------------------------------------


def test_labels_constant():
    assert LANGID_LABELS == ("english", "spanish", "portuguese", "italian")


def test_split_sizes_are_about_70_15_15(splits):
    sizes = {name: len(labels) for name, (_, labels) in splits.items()}
    total = sum(sizes.values())
    assert total >= 1200
    assert 0.65 <= sizes["train"] / total <= 0.75
    assert 0.12 <= sizes["dev"] / total <= 0.18
    assert 0.12 <= sizes["test"] / total <= 0.18
    for sentences, labels in splits.values():
        assert len(sentences) == len(labels)


def test_per_language_counts_and_stratification(splits):
    overall = collections.Counter()
    for name, (_, labels) in splits.items():
        counts = collections.Counter(labels)
        assert set(counts) == set(LANGID_LABELS), name  # all four labels, nothing else
        # stratified: each language has roughly a quarter of every split
        for label in LANGID_LABELS:
            assert 0.2 <= counts[label] / len(labels) <= 0.3, (name, label)
        overall += counts
    for label in LANGID_LABELS:
        assert overall[label] >= 250, label


def test_every_raw_row_is_well_formed():
    for split in SPLITS:
        rows = _raw_rows(split)
        assert rows, split
        for lineno, row in enumerate(rows, start=1):
            assert row.count("\t") == 1, (split, lineno)
            text, label = row.split("\t")
            assert text == text.strip() and text, (split, lineno)
            assert label in LANGID_LABELS, (split, lineno)
            assert 4 <= len(tokenize(text)) <= 14, (split, lineno, text)


def test_no_duplicate_sentences_anywhere():
    texts = [row.split("\t")[0] for split in SPLITS for row in _raw_rows(split)]
    assert len(texts) == len(set(texts))
    # also after tokenisation (case/punctuation differences do not count), across languages
    keys = [" ".join(tokenize(text)) for text in texts]
    duplicates = [key for key, n in collections.Counter(keys).items() if n > 1]
    assert duplicates == []


def test_corpus_has_accents_and_capitals():
    text = "".join(row.split("\t")[0] for split in SPLITS for row in _raw_rows(split))
    for char in "áãçèñéíóúâêõàòìù":
        assert char in text, char
    assert any(word[0].isupper() for word in text.split()[1:])


def test_load_langid_default_is_train(splits):
    assert load_langid() == splits["train"]


def test_load_langid_tokens_are_lowercase_words(splits):
    sentences, _ = splits["dev"]
    for tokens in sentences:
        assert tokens
        for token in tokens:
            assert token == token.lower()
            assert token.replace("'", "").isalnum(), token


@pytest.mark.parametrize("bad", ["training", "Train", "validation", ""])
def test_load_langid_bad_split(bad):
    with pytest.raises(ValueError, match="split must be one of") as info:
        load_langid(bad)
    message = str(info.value)
    assert "split" in message and repr(bad) in message
    for name in SPLITS:
        assert name in message


# --- tokenize --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, World!", ["hello", "world"]),
        ("¿Dónde está la estación?", ["dónde", "está", "la", "estación"]),
        ("¡Qué bonito!", ["qué", "bonito"]),
        ("Não há pão, só maçãs.", ["não", "há", "pão", "só", "maçãs"]),
        ("Perché è così?", ["perché", "è", "così"]),
        ("AÑO Niño", ["año", "niño"]),
        # apostrophes inside a word keep it together
        ("Dov'è l'acqua?", ["dov'è", "l'acqua"]),
        ("I don't know.", ["i", "don't", "know"]),
        ("L\u2019acqua", ["l'acqua"]),  # typographic apostrophe
        # apostrophes at the edges and hyphens separate
        ("'quoted' words'", ["quoted", "words"]),
        ("segunda-feira", ["segunda", "feira"]),
        ("a...b -- c", ["a", "b", "c"]),
        ("Gate 12 at 8:30", ["gate", "12", "at", "8", "30"]),
        ("snake_case", ["snake", "case"]),
        ("", []),
        ("?!. ,;", []),
    ],
)
def test_tokenize_examples(text, expected):
    assert tokenize(text) == expected


def test_tokenize_normalises_combining_accents():
    decomposed = "Nin\u0303o cafe\u0301"  # n + combining tilde, e + combining acute
    assert tokenize(decomposed) == ["niño", "café"]


@pytest.mark.parametrize("bad", [None, b"bytes", 3, ["a", "list"]])
def test_tokenize_type_error(bad):
    with pytest.raises(TypeError, match="text"):
        tokenize(bad)


# --- read_tsv --------------------------------------------------------------


def _write(tmp_path: Path, content: str, name: str = "data.tsv") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_read_tsv_round_trip(tmp_path):
    rows = ["Hello there!\tenglish", "¿Qué tal?\tspanish", "Olá, tudo bem?\tportuguese"]
    path = _write(tmp_path, "\n".join(rows) + "\n")
    assert read_tsv(path) == (
        [["hello", "there"], ["qué", "tal"], ["olá", "tudo", "bem"]],
        ["english", "spanish", "portuguese"],
    )
    assert read_tsv(str(path)) == read_tsv(path)  # str and PathLike both work


def test_read_tsv_accepts_any_labels_and_strips_whitespace(tmp_path):
    path = _write(tmp_path, "good film \t pos \r\nbad film\tneg")  # CRLF, no final newline
    assert read_tsv(path) == ([["good", "film"], ["bad", "film"]], ["pos", "neg"])


def test_read_tsv_ignores_bom(tmp_path):
    path = tmp_path / "bom.tsv"
    path.write_text("Ciao\titalian\n", encoding="utf-8-sig")
    assert read_tsv(path) == ([["ciao"]], ["italian"])
    # the BOM is not treated as part of the first row's text
    path.write_text("\tenglish\n", encoding="utf-8-sig")
    with pytest.raises(ValueError, match="line 1: empty text"):
        read_tsv(path)


def test_read_tsv_skips_blank_lines(tmp_path):
    path = _write(tmp_path, "\nfirst line\ta\n\n   \n\t\nsecond line\tb\n\n")
    assert read_tsv(path) == ([["first", "line"], ["second", "line"]], ["a", "b"])


@pytest.mark.parametrize(
    ("bad_row", "problem"),
    [
        ("no tab here english", "no tab"),
        ("one\ttwo\tthree", "more than one tab"),
        ("text\tlabel\t", "more than one tab"),
        ("\tenglish", "empty text"),
        ("   \tenglish", "empty text"),
        ("some text\t", "empty label"),
        ("some text\t   ", "empty label"),
        ("?!...\tenglish", "no word tokens"),
    ],
)
def test_read_tsv_malformed_row(tmp_path, bad_row, problem):
    # two good rows and a blank line first, so the bad row is on line 4
    path = _write(tmp_path, f"good one\ta\n\ngood two\tb\n{bad_row}\nlater row\tc\n")
    with pytest.raises(ValueError, match="line 4") as info:
        read_tsv(path)
    message = str(info.value)
    assert "line 4" in message
    assert problem in message
    assert str(path) in message


@pytest.mark.parametrize("content", ["", "\n\n", "  \n\t\n"])
def test_read_tsv_no_examples(tmp_path, content):
    path = _write(tmp_path, content)
    with pytest.raises(ValueError, match="no examples"):
        read_tsv(path)


def test_read_tsv_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.tsv"):
        read_tsv(tmp_path / "missing.tsv")


@pytest.mark.parametrize("bad", [None, 42, b"data.tsv", ["data.tsv"]])
def test_read_tsv_type_error(bad):
    with pytest.raises(TypeError, match="path"):
        read_tsv(bad)


def test_read_tsv_reads_shipped_file_like_load_langid():
    assert read_tsv(os.fspath(LANGID_DIR / "test.tsv")) == load_langid("test")
