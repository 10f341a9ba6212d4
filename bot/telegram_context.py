"""What the Telegram handlers share: settings, the answerer in use, the store, access, limits,
and a state slot per chat; and how they reply.

Each group of handlers (`telegram_questions`, `telegram_info`, `telegram_admin`) receives one
`BotContext` and only reads or calls what it holds, so none of them reaches into another.
`ChatState` (`bot.chat_state`) is the per-chat slot for conversation context (a follow-up
question such as 他还说了什么 needs the last answer's subject); it is kept in memory per chat.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from telegram import InlineKeyboardMarkup, ReplyParameters, Update
from telegram.ext import ContextTypes

from bot.chat_state import ChatState
from bot.fairness import Limits
from bot.grants import Grants
from bot.service import Service
from bot.telegram_network import TokenGuard, Tuning
from bot.telegram_state import AnswererHolder
from config.settings import Settings
from retrieval.overview import Overview, overview


@dataclass
class BotContext:
    settings: Settings
    holder: AnswererHolder
    tuning: Tuning
    service: Service
    grants: Grants
    limits: Limits
    guard: TokenGuard
    chats: dict[int, ChatState] = field(default_factory=dict)
    _overview: tuple[object, Overview] | None = None

    def chat(self, chat_id: int) -> ChatState:
        state = self.chats.get(chat_id)
        if state is None:
            if len(self.chats) >= 10_000:  # forget the chats quiet the longest
                for old in sorted(self.chats, key=lambda c: self.chats[c].touched)[:1000]:
                    del self.chats[old]
            state = self.chats[chat_id] = ChatState()
        state.touched = time.monotonic()
        return state

    def overview(self) -> Overview:
        """The overview of the documents in use (computed once per index)."""
        answerer = self.holder.current
        if self._overview is None or self._overview[0] is not answerer:
            self._overview = (answerer, overview(answerer))
        return self._overview[1]

    async def reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE, texts: list[str],
                    markup: InlineKeyboardMarkup | None = None) -> None:
        """Send `texts` as consecutive messages replying to the update's message; markup last."""
        message = update.effective_message
        assert message is not None
        for i, text in enumerate(texts):
            await context.bot.send_message(
                message.chat_id,
                text,
                reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
                reply_markup=markup if i == len(texts) - 1 else None,
            )
