"""Who may use the bot, and which group messages are meant for it.

Access: with no allowed users and no allowed chats configured, everyone may ask. Otherwise a
person may ask when their user id is allowed, or when they write in an allowed chat (group ids
are negative); admins are always allowed, and a denied user or chat never is (`bot.grants`
keeps what admins allow and deny from Telegram). Groups: the bot answers commands, messages that
@-mention it (a file by its caption) and replies to its own messages, and keeps quiet on
everything else, whether or not Telegram's privacy mode already filters that chatter out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import Message, MessageEntity


@dataclass(frozen=True)
class AccessPolicy:
    """Allowed user ids, allowed chat ids, admin ids and denied ids (users or chats)."""

    users: frozenset[int] = frozenset()
    chats: frozenset[int] = frozenset()
    admins: frozenset[int] = frozenset()
    denied: frozenset[int] = frozenset()

    @property
    def restricted(self) -> bool:
        return bool(self.users or self.chats)

    def allows(self, user_id: int | None, chat_id: int | None) -> bool:
        """True when this person, in this chat, may see anything from the corpus."""
        if self.is_admin(user_id):
            return True
        if (user_id is not None and user_id in self.denied) or (chat_id is not None and chat_id in self.denied):
            return False
        if not self.restricted:
            return True
        if user_id is not None and user_id in self.users:
            return True
        return chat_id is not None and chat_id in self.chats

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admins


def is_private(message: Message) -> bool:
    return message.chat.type == "private"


def addressed_question(message: Message, bot_id: int, username: str | None) -> str | None:
    """The question in a text message meant for the bot, without the @-mention; else None.

    In a private chat every text is a question. In a group only a message that mentions the bot
    or replies to one of its messages is; an empty string means "addressed, but no question".
    """
    text = message.text or ""
    if is_private(message):
        return text.strip()
    if not _mentioned_or_replied(message, bot_id, username):
        return None
    if username:
        text = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def _mentioned_or_replied(message: Message, bot_id: int, username: str | None) -> bool:
    """The message @-mentions the bot (in its text, or a file's caption) or replies to it."""
    kinds = [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    found = message.parse_entities(kinds) if message.text else message.parse_caption_entities(kinds)
    for entity, value in found.items():
        if entity.type == MessageEntity.MENTION and username and value.lower() == f"@{username.lower()}":
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            return True
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot_id)


def command_for_us(message: Message, username: str | None) -> bool:
    """A command that is not addressed to another bot (`/help@otherbot` is not ours)."""
    text = message.text or ""
    if not text.startswith("/"):
        return False
    head = text.split(maxsplit=1)[0]
    if "@" not in head:
        return True
    return bool(username) and head.split("@", 1)[1].lower() == username.lower()  # type: ignore[union-attr]


def addressed(message: Message, bot_id: int, username: str | None) -> bool:
    """True when the bot should react at all to this message (answer or refuse)."""
    if is_private(message):
        return True
    if message.text and message.text.startswith("/"):
        return command_for_us(message, username)
    if message.text:
        return addressed_question(message, bot_id, username) is not None
    # A file or a photo in a group: meant for the bot when its caption mentions it, or when it
    # replies to the bot's message.
    return _mentioned_or_replied(message, bot_id, username)
