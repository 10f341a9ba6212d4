"""The buttons under an answer and the callback data they carry, parsed strictly.

Callback data comes back from Telegram as any string a client cares to send, so it is parsed
against exact shapes (`pg:<key>:<page>`, `fb:<key>:<page>:<vote>`); anything else is `None`
and is answered quietly as expired, never with a traceback. Keys are 8 characters, so the data
stays far below Telegram's 64 bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

PAGE = "pg"
VOTE = "fb"
_KEY = r"[A-Za-z0-9_-]{4,16}"
_PAGE_DATA = re.compile(rf"^{PAGE}:({_KEY}):(\d{{1,3}})$")
_VOTE_DATA = re.compile(rf"^{VOTE}:({_KEY}):(\d{{1,3}}):(u|d|s)$")
VOTE_CODES = {"u": "up", "d": "down", "s": "speaker"}
VOTE_BUTTONS = (("👍", "u"), ("👎", "d"), ("发言人有误", "s"))


@dataclass(frozen=True)
class PageTap:
    key: str
    page: int


@dataclass(frozen=True)
class VoteTap:
    key: str
    page: int
    vote: str  # up, down or speaker


def parse(data: str | None) -> PageTap | VoteTap | None:
    """The tap that `data` describes, or None for anything not made by this bot."""
    data = data or ""
    if match := _PAGE_DATA.match(data):
        return PageTap(match.group(1), int(match.group(2)))
    if match := _VOTE_DATA.match(data):
        return VoteTap(match.group(1), int(match.group(2)), VOTE_CODES[match.group(3)])
    return None


def answer_keyboard(key: str, page: int, count: int, quotes: bool = True) -> InlineKeyboardMarkup:
    """上一页 / 更多结果 (when there are pages) over 👍 👎 发言人有误 (发言人有误 only with quotes)."""
    rows = []
    paging = []
    if page > 0:
        paging.append(InlineKeyboardButton("« 上一页", callback_data=f"{PAGE}:{key}:{page - 1}"))
    if page + 1 < count:
        paging.append(InlineKeyboardButton("更多结果 »", callback_data=f"{PAGE}:{key}:{page + 1}"))
    if paging:
        rows.append(paging)
    rows.append([InlineKeyboardButton(text, callback_data=f"{VOTE}:{key}:{page}:{code}")
                 for text, code in VOTE_BUTTONS if quotes or code != "s"])
    return InlineKeyboardMarkup(rows)
