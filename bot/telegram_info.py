"""Telegram handlers that tell: /start and /help (from the loaded documents), /speakers,
/sources (with the files left out, for admins), /source and its tappable links, /myid, and
unknown commands."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot import telegram_render as render
from bot.telegram_access import addressed, is_private
from bot.telegram_context import BotContext


def help_message(ctx: BotContext, update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    user = update.effective_user
    admin = ctx.grants.policy().is_admin(user.id if user else None)
    return render.help_text(ctx.overview(), context.bot.username, admin=admin)


class InfoHandlers:
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    def install(self, application: Application) -> None:
        application.add_handler(CommandHandler(["start", "help"], self.on_help))
        application.add_handler(CommandHandler("speakers", self.on_speakers))
        application.add_handler(CommandHandler("sources", self.on_sources))
        application.add_handler(CommandHandler("source", self.on_source))
        application.add_handler(CommandHandler("myid", self.on_myid))
        application.add_handler(
            MessageHandler(filters.Regex(r"^/source_[0-9A-Za-z_]+(@\w+)?(\s|$)"), self.on_source_link)
        )

    def install_fallback(self, application: Application) -> None:
        """The unknown-command answer: registered after every other command handler."""
        application.add_handler(MessageHandler(filters.COMMAND, self.on_unknown_command))

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        text = await asyncio.to_thread(help_message, self.ctx, update, context)
        await self.ctx.reply(update, context, render.pack([text]))

    async def on_speakers(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        stats = await asyncio.to_thread(self.ctx.holder.current.speakers)
        await self.ctx.reply(update, context, render.pack(render.speaker_blocks(stats)))

    async def on_sources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The documents; for admins also the files left out, with why (to fix or /remove)."""
        answerer = self.ctx.holder.current
        user = update.effective_user
        admin = self.ctx.grants.policy().is_admin(user.id if user else None)
        # Off the event loop: listing reads every document's entry from the cache.
        blocks = await asyncio.to_thread(render.source_list_blocks, answerer.documents, answerer.passages)
        if admin:
            blocks += render.skipped_blocks(answerer.skipped)
        await self.ctx.reply(update, context, render.pack(blocks))

    async def on_source(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not context.args:
            await self.ctx.reply(update, context, [render.esc(render.SOURCE_USAGE)])
            return
        await self._show_source(update, context, context.args[0])

    async def on_source_link(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None
        head = message.text.split(maxsplit=1)[0]
        name, _, target = head.partition("@")
        if target and target.lower() != (context.bot.username or "").lower():
            return  # a tap on another bot's command
        await self._show_source(update, context, render.passage_id_from_command(name[len("/source_"):]))

    async def _show_source(self, update: Update, context: ContextTypes.DEFAULT_TYPE, ident: str) -> None:
        answerer = self.ctx.holder.current
        target = answerer.passage(ident)
        if target is None:
            await self.ctx.reply(update, context, [render.unknown_source(ident)])
            return
        around = answerer.neighbours(target.id, before=1, after=1)
        await self.ctx.reply(update, context, render.pack(render.source_blocks(target, around)))

    async def on_myid(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Anyone, allowed or not, may learn their own id (to ask an admin for access)."""
        user = update.effective_user
        chat = update.effective_chat
        lines = [f"您的用户 ID：<code>{user.id}</code>" if user else "无法识别您的用户 ID。"]
        if chat is not None and chat.type != "private":
            lines.append(f"本群组 ID：<code>{chat.id}</code>")
        allowed = self.ctx.grants.policy().allows(user.id if user else None, chat.id if chat else None)
        lines.append("您可以使用本机器人。" if allowed else "如需使用，请把这个 ID 发给管理员。")
        await self.ctx.reply(update, context, ["\n".join(lines)])

    async def on_unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not addressed(message, context.bot.id, context.bot.username):
            return
        if is_private(message) or "@" in (message.text or "").split(maxsplit=1)[0]:
            await self.ctx.reply(update, context, ["没有这个命令。发送 /help 查看用法。"])
