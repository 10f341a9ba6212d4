"""Telegram handlers for admins: /reload, /feedback, /stats, /fix, /allow and /deny (adding
and removing documents is `bot.telegram_documents`, which reindexes with `reindex` here).

Admins are the user ids of `CHUCHU_TELEGRAM_ADMINS`. Everyone else who sends one of these
commands is told it is for admins only. Whatever an admin changes (a speaker correction, an
access grant) is kept in the store and applies at once, to every adapter, across restarts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot import telegram_admin_render as admin_render
from bot import telegram_render as render
from bot.fixes import parse_speaker
from bot.telegram_context import BotContext
from retrieval.answer import Answerer
from retrieval.errors import ChuchuError
from retrieval.presentation import speaker_labels

logger = logging.getLogger(__name__)

ADMINS_ONLY = "抱歉，这个命令只有管理员可以使用。"
STORE_FAILED = "抱歉，数据库暂时无法写入，没有保存。详情见日志。"


Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def admin_only(ctx: BotContext, handler: Handler, refusal: str = ADMINS_ONLY) -> Handler:
    """`handler` for admins; anyone else is told `refusal` and nothing else happens."""
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if not ctx.grants.policy().is_admin(user.id if user else None):
            await ctx.reply(update, context, [refusal])
            return
        await handler(update, context)
    return guarded


async def reindex(ctx: BotContext, update: Update, context: ContextTypes.DEFAULT_TYPE,
                  failed: str, hint: str = "") -> Answerer | None:
    """The documents folder indexed again and put in use (`AnswererHolder.reload`); on failure
    the index in use stays, the admin is told `failed` and why, and None is returned."""
    try:
        return await ctx.holder.reload()
    except ChuchuError as error:
        logger.warning("reload failed: %s", error)
        why = render.esc(str(error))
    except Exception as error:  # a bug while indexing: keep serving, tell the admin what
        logger.exception("reload failed")
        why = f"{render.esc(type(error).__name__)}（详情见日志）"
    await ctx.reply(update, context, [f"{failed}，继续使用原来的索引：{why}{hint}"])
    return None


class AdminHandlers:
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    def install(self, application: Application) -> None:
        for name, handler in (("reload", self.on_reload), ("feedback", self.on_feedback),
                              ("stats", self.on_stats), ("fix", self.on_fix),
                              ("allow", self.on_allow), ("deny", self.on_deny)):
            application.add_handler(CommandHandler(name, admin_only(self.ctx, handler)))

    async def on_reload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.ctx.reply(update, context, ["正在重新读取文档目录……"])
        old = self.ctx.holder.current
        fresh = await reindex(self.ctx, update, context, "重新加载失败")
        if fresh is None:
            return
        skipped = f"，跳过 {len(fresh.skipped)} 个无法读取的文件" if fresh.skipped else ""
        await self.ctx.reply(update, context, [
            f"已重新加载：{len(fresh.documents)} 篇文档、{len(fresh.passages)} 段"
            f"（此前 {len(old.documents)} 篇、{len(old.passages)} 段）{skipped}。"
        ])

    async def on_feedback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        count = int(context.args[0]) if context.args and context.args[0].isdigit() else 10
        reports = await asyncio.to_thread(self.ctx.service.feedback.reports, min(count, 50))
        await self.ctx.reply(update, context, render.pack(admin_render.feedback_blocks(reports)))

    async def on_stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        stats = await asyncio.to_thread(self.ctx.service.feedback.stats)
        await self.ctx.reply(update, context, render.pack(admin_render.stats_blocks(stats)))

    async def on_fix(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = context.args or []
        if len(args) < 2:
            await self.ctx.reply(update, context, [render.esc(admin_render.FIX_USAGE)])
            return
        answerer = self.ctx.holder.current
        passage = answerer.passage(render.passage_id_from_command(args[0].removeprefix("/source_"))
                                   if args[0].startswith("/source_") else args[0])
        if passage is None:
            await self.ctx.reply(update, context, [render.unknown_source(args[0])])
            return
        speaker = parse_speaker(args[1:])
        if isinstance(speaker, str):
            await self.ctx.reply(update, context, [render.esc(speaker)])
            return
        before = "；".join(speaker_labels(passage.speakers))
        user = update.effective_user
        done = await asyncio.to_thread(self.ctx.service.fixes.fix, passage, speaker,
                                       f"telegram:{user.id if user else ''}")
        if done is None:
            await self.ctx.reply(update, context, [STORE_FAILED])
            return
        after = "；".join(speaker_labels((speaker,) if speaker else ()))
        await self.ctx.reply(update, context, [admin_render.fixed(passage.id, before, after)])

    async def on_allow(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._grant(update, context, allowed=True)

    async def on_deny(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._grant(update, context, allowed=False)

    async def _grant(self, update: Update, context: ContextTypes.DEFAULT_TYPE, allowed: bool) -> None:
        subject = _subject(update, context.args or [])
        if subject is None:
            await self.ctx.reply(update, context, [render.esc(admin_render.GRANT_USAGE)])
            return
        policy = self.ctx.grants.policy()
        if not allowed and policy.is_admin(subject):
            await self.ctx.reply(update, context, ["管理员总是可以使用本机器人；请在 CHUCHU_TELEGRAM_ADMINS 中移除。"])
            return
        user = update.effective_user
        if not await asyncio.to_thread(self.ctx.grants.set, subject, allowed, user.id if user else None):
            await self.ctx.reply(update, context, [STORE_FAILED])
            return
        await self.ctx.reply(update, context, [
            admin_render.granted(subject, allowed, newly_restricted=allowed and not policy.restricted)])


def _subject(update: Update, args: list[str]) -> int | None:
    """The id to allow or deny: the argument, the author of the replied-to message, or the group."""
    if args:
        try:
            return int(args[0])
        except ValueError:
            return None
    message = update.effective_message
    if message is not None and message.reply_to_message and message.reply_to_message.from_user:
        return message.reply_to_message.from_user.id
    chat = update.effective_chat
    if chat is not None and chat.type != "private":
        return chat.id
    return None
