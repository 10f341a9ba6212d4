"""Failures a user should see as a friendly message, as opposed to bugs.

Adapters catch `ChuchuError` and show its message; anything else is logged with a traceback.
"""


class ChuchuError(Exception):
    """Base of every expected failure; the message is fit to show to a person."""


class DocumentError(ChuchuError):
    """One document could not be read or decoded; it is skipped and the rest is indexed."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class NoDocumentsError(ChuchuError):
    """The documents folder holds nothing that could be indexed."""


class IndexError_(ChuchuError):
    """A persisted index is corrupt or does not match the corpus; it is rebuilt."""


class IngestError(ChuchuError):
    """A document could not be added or removed (a refused link, an unknown id); the message is
    in Chinese, fit to show to the person who asked."""
