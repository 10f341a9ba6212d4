"""What keys the persisted index: versions of the code and data behind each kind of entry.

A passages entry is keyed by the pipeline version (everything that decides how a file becomes
passages), a term entry by the tokenizer's fingerprint (everything that decides how a text
becomes terms), the index by both and by what is indexed for each document (`IndexContents`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from retrieval.models import Passage
from retrieval.segmenter import Segmenter, dictionary_version

FORMAT = 4  # 2: terms kept as arrays of ids; 3: each passage pickled on its own;
# 4: passage entries with a header, so one passage is read and checked alone
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
                "snippets.py", "questions.py", "summary.py", "terms.py"}
# Modules that decide how a text becomes index terms.
_TERMS = ("tokenize.py", "segmenter.py", "vocabulary.py", "terms.py")


def _code(names: Sequence[str]) -> str:
    return _sha(*(part for name in names for part in (name, (_CODE / name).read_bytes())))


def pipeline_version() -> str:
    """A hash of everything that decides how a file becomes passages.

    Every retrieval module counts except those that only answer questions, so a new module
    that chunking comes to use is counted without being named here.
    """
    from importlib.metadata import PackageNotFoundError, version

    parts: list[str] = [str(FORMAT), dictionary_version()]
    for package in ("jieba", "opencc", "charset-normalizer"):
        try:
            parts.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}=none")
    sources = sorted(p.name for p in _CODE.glob("*.py") if p.name not in _ANSWER_TIME)
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


class IndexContents:
    """Per document, a hash of what is indexed for its passages (ids, texts, indexed texts).

    Fed one passage at a time, so that a summary built in one pass over lazily read passages
    needs neither a second pass nor a list of every indexed text.
    """

    def __init__(self) -> None:
        self._digests: dict[str, hashlib._Hash] = {}

    def add(self, document: str, passage: str, text: str, indexed: str) -> None:
        """Add a passage: its document's and its own id, its text and what is indexed."""
        digest = self._digests.get(document)
        if digest is None:
            digest = self._digests[document] = hashlib.sha256()
        digest.update(f"{passage}\t{text}\t{indexed}".encode())
        digest.update(b"\x00")  # as `_sha` joins its parts

    def result(self) -> dict[str, str]:
        return {document: digest.hexdigest() for document, digest in self._digests.items()}


def index_contents(passages: Sequence[Passage], texts: Sequence[str]) -> dict[str, str]:
    """`IndexContents` of `passages` whose indexed texts are `texts`."""
    contents = IndexContents()
    for passage, text in zip(passages, texts):
        contents.add(passage.document_id, passage.id, passage.text, text)
    return contents.result()
