"""What keys the persisted index: versions of the code and data behind each kind of entry.

A passages entry is keyed by the pipeline version (everything that decides how a file becomes
passages), a term entry by its passages entry and the tokenizer's fingerprint (everything that
decides how a passage becomes terms), the index by all the entries and the fingerprint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from retrieval.segmenter import Segmenter, dictionary_version

FORMAT = 5  # 2: terms kept as arrays of ids; 3: each passage pickled on its own;
# 4: passage entries with a header, so one passage is read and checked alone;
# 5: passage entries record their corpus terms, term entries cover every passage
_CODE = Path(__file__).resolve().parent


def _sha(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


# Modules that run only when a question is answered: editing them keeps the cache.
# The cache's own code (its format has FORMAT) is here too: editing it must not re-chunk.
_ANSWER_TIME = {"answer.py", "index.py", "store.py", "cache_files.py", "keys.py",
                "snippets.py", "questions.py", "summary.py", "terms.py", "reading.py",
                "records.py", "dates.py", "ingest.py", "fetching.py"}
# Modules that decide how a passage becomes index terms.
_TERMS = ("tokenize.py", "segmenter.py", "vocabulary.py", "terms.py", "records.py", "reading.py")


def _code(names: Sequence[str]) -> str:
    return _sha(*(part for name in names for part in (name, (_CODE / name).read_bytes())))


def pipeline_version() -> str:
    """A hash of everything that decides how a file becomes passages.

    Every retrieval module counts except those that only answer questions, so a new module
    that chunking comes to use is counted without being named here.
    """
    from importlib.metadata import PackageNotFoundError, version

    parts: list[str] = [str(FORMAT), dictionary_version()]
    for package in ("jieba", "opencc", "charset-normalizer", "python-docx", "pypdfium2",
                    "trafilatura", "lxml", "PyYAML"):
        try:
            parts.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}=none")
    sources = sorted(p.relative_to(_CODE).as_posix() for p in _CODE.rglob("*.py")
                     if p.name not in _ANSWER_TIME)  # the readers' package included
    return _sha(*parts, _code(sources))[:16]


def _engine_version(engine: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(engine)
    except PackageNotFoundError:
        return "none"


def _segmenter(tokenizer: object) -> Segmenter | None:
    for value in vars(tokenizer).values():
        if isinstance(value, Segmenter):
            return value
    return None


def tokenizer_fingerprint(tokenizer: object) -> str:
    """Everything about a `Tokenizer` that changes the terms it gives.

    Its code and jieba's dictionary (in the pipeline version), its simple options, its stop
    words, and every word added to its segmenter with its frequency, in order. The engine
    (rjieba or jieba) is left out: the two are proven to cut alike.
    """
    options = sorted(
        (name, repr(value)) for name, value in vars(tokenizer).items()
        if isinstance(value, (bool, int, float, str))
    )
    segmenter = _segmenter(tokenizer)
    added = segmenter.added if segmenter is not None else []
    return _sha(
        str(FORMAT), dictionary_version(), _code(_TERMS), repr(options),
        "\n".join(getattr(tokenizer, "user_words", ())),
        "\n".join(sorted(getattr(tokenizer, "stop_words", ()))),
        "\n".join(f"{word} {freq}" for word, freq in added),
    )[:16]
