"""Progress bars for work that takes seconds: on stderr, and only when it is a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator


def progress(items: Iterable, show: bool, what: str, total: int | None = None) -> Iterator:
    """`items`, with a tqdm bar on stderr when `show` (and tqdm is installed)."""
    if show:
        try:
            from tqdm import tqdm
        except ImportError:
            return iter(items)
        return iter(tqdm(items, desc=what, total=total, leave=False, file=sys.stderr))
    return iter(items)
