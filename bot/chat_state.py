"""Per-conversation state an adapter keeps between questions (a Telegram chat, a console session).

`followup` is the slot for the core's follow-up context (他还说了什么 after an answer about
someone): the adapter keeps whatever the core hands back and passes it with the next question.
The core decides what it holds; adapters only carry it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ChatState:
    followup: Any = None
    touched: float = field(default_factory=time.monotonic)
