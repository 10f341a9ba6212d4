"""Telegram handlers that add and remove documents (admins only): a file sent to the bot,
`/add URL` and `/remove ID`.

What a file or a page must pass is decided by the transport-free `retrieval.ingest`; here a
file is fetched from the Bot API first. Its type and its size (the Bot API lets a bot download
20 MB at most) are checked before anything is downloaded, and the Bot API's own refusal of a
larger file is answered the same way. The download URL holds the token, so it is never
logged. Once stored, the document is indexed by the same reload as `/reload`, off the event
loop, while other chats are answered from the index in use; the cache keeps every other
document, so only the new file is read and chunked. The admin is told what the index holds of
it (`retrieval.document_report`). Anyone else who sends a file, `/add` or `/remove` is told
politely that it is for admins, and nothing is downloaded, fetched, stored or removed.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from pathlib import Path

from telegram import Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot import telegram_admin_render as admin_render
from bot.telegram_access import addressed
from bot.telegram_admin import admin_only, reindex
from bot.telegram_context import BotContext
from config.settings import BUNDLED_SEEDS
from retrieval.document_report import document_report, find_document
from retrieval.errors import ChuchuError, DocumentError
from retrieval.ingest import MAX_UPLOAD_BYTES, Stored, fetch_url, remove_document, store_upload
from retrieval.readers import unsupported_reason

logger = logging.getLogger(__name__)

FILES_FOR_ADMINS = "抱歉，只有管理员可以向机器人添加文档。如需收录，请把文件交给管理员。"
TOO_LARGE = ("抱歉，这个文件有 {size:.1f} MB，超过了 Telegram 允许机器人下载的 20 MB，没有下载。"
             "请压缩或拆分后再发送，或请管理员直接放入文档目录。")
TOO_LARGE_UNKNOWN = ("抱歉，这个文件超过了 Telegram 允许机器人下载的 20 MB，没有下载。"
                     "请压缩或拆分后再发送，或请管理员直接放入文档目录。")
DOWNLOAD_FAILED = "抱歉，从 Telegram 下载文件失败，没有保存。请稍后再发送一次。"
BUNDLED = ("当前使用的是自带的示例文档，不能在其中添加或删除。请先用 CHUCHU_DOCUMENTS_DIR "
           "指定自己的文档目录并重启机器人。")
REINDEX_HINT = "。可稍后发送 /reload 重试。"
LAST_DOCUMENT = "这是目前唯一的文档，删除后将无法回答问题；请先添加其他文档再删除它。"


class DocumentHandlers:
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    def install(self, application: Application) -> None:
        application.add_handler(MessageHandler(filters.Document.ALL, self.on_file))
        application.add_handler(CommandHandler("add", admin_only(self.ctx, self.on_add)))
        application.add_handler(CommandHandler("remove", admin_only(self.ctx, self.on_remove)))

    @property
    def folder(self) -> Path:
        return self.ctx.settings.documents_dir

    def _bundled(self) -> bool:
        """True when the documents are the bundled samples, which are part of the program."""
        try:
            return self.folder.resolve() == BUNDLED_SEEDS.resolve()
        except OSError:
            return False

    # -- a file --------------------------------------------------------------------------
    async def on_file(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.document is not None
        if not addressed(message, context.bot.id, context.bot.username):
            return  # a file shared in a group, not meant for the bot
        user = update.effective_user
        if not self.ctx.grants.policy().is_admin(user.id if user else None):
            logger.info("file from non-admin %s in chat %s refused", user.id if user else None,
                        message.chat_id)
            await self.ctx.reply(update, context, [FILES_FOR_ADMINS])
            return
        document = message.document
        name = document.file_name or f"文档{mimetypes.guess_extension(document.mime_type or '') or ''}"
        reason = unsupported_reason(Path(name).suffix)
        if reason is not None:
            await self.ctx.reply(update, context, [admin_render.refused(name, reason)])
            return
        if document.file_size and document.file_size > MAX_UPLOAD_BYTES:
            await self.ctx.reply(update, context, [TOO_LARGE.format(size=document.file_size / 2**20)])
            return
        if self._bundled():
            await self.ctx.reply(update, context, [BUNDLED])
            return
        data = await self._download(update, context, document.file_id)
        if data is None:
            return
        try:
            stored = await asyncio.to_thread(store_upload, self.folder, name, data)
        except ChuchuError as error:  # unreadable, or the folder cannot be written
            await self.ctx.reply(update, context, [admin_render.refused(name, _reason(error))])
            return
        logger.info("stored upload from admin %s as %s", user.id if user else None, stored.path.name)
        await self._index(update, context, stored)

    async def _download(self, update: Update, context: ContextTypes.DEFAULT_TYPE,
                        file_id: str) -> bytes | None:
        """The file's bytes from the Bot API; None when it could not be had (the admin is told).

        Errors are logged by their kind only: their text may hold the download URL, token and all.
        """
        try:
            file = await context.bot.get_file(file_id)
            if file.file_size and file.file_size > MAX_UPLOAD_BYTES:
                await self.ctx.reply(update, context, [TOO_LARGE.format(size=file.file_size / 2**20)])
                return None
            return bytes(await file.download_as_bytearray())
        except BadRequest as error:
            if "too big" in str(error).lower():  # the Bot API's answer beyond 20 MB
                await self.ctx.reply(update, context, [TOO_LARGE_UNKNOWN])
                return None
            logger.warning("download of an upload refused by the Bot API (%s)", type(error).__name__)
        except TelegramError as error:
            logger.warning("download of an upload failed (%s)", type(error).__name__)
        await self.ctx.reply(update, context, [DOWNLOAD_FAILED])
        return None

    # -- a link --------------------------------------------------------------------------
    async def on_add(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        words = _argument(update).split()  # a note after the link is not part of it
        url = words[0] if words else ""
        if not url:
            await self.ctx.reply(update, context, [admin_render.esc(admin_render.ADD_USAGE)])
            return
        if self._bundled():
            await self.ctx.reply(update, context, [BUNDLED])
            return
        settings = self.ctx.settings
        try:
            stored = await asyncio.to_thread(
                fetch_url, self.folder, url, timeout=settings.fetch_timeout,
                max_bytes=settings.fetch_max_bytes, allowed_networks=settings.fetch_allowed_networks)
        except ChuchuError as error:
            await self.ctx.reply(update, context, [admin_render.refused(url, _reason(error))])
            return
        await self._index(update, context, stored)

    # -- indexing what was added ---------------------------------------------------------
    async def _index(self, update: Update, context: ContextTypes.DEFAULT_TYPE, stored: Stored) -> None:
        """Index the folder with the new document and tell the admin what it holds of it."""
        ident = stored.document.id
        await self.ctx.reply(update, context, [
            f"已保存为 <code>{admin_render.esc(ident)}</code>，正在编入索引……"])
        fresh = await reindex(self.ctx, update, context,
                              f"文件已保存为 <code>{admin_render.esc(ident)}</code>，但编入索引失败",
                              REINDEX_HINT)
        if fresh is None:
            return
        report = await asyncio.to_thread(document_report, fresh, ident)
        if report is None:
            reason = next((e.reason for e in fresh.skipped if e.path == ident), "没有读出任何段落")
            await self.ctx.reply(update, context, [admin_render.not_indexed(ident, reason)])
            return
        await self.ctx.reply(update, context, [
            admin_render.added(report, len(fresh.documents), len(fresh.passages))])

    # -- removing ------------------------------------------------------------------------
    async def on_remove(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        wanted = _argument(update)
        if not wanted:
            await self.ctx.reply(update, context, [admin_render.esc(admin_render.REMOVE_USAGE)])
            return
        if self._bundled():
            await self.ctx.reply(update, context, [BUNDLED])
            return
        answerer = self.ctx.holder.current
        document = await asyncio.to_thread(find_document, answerer.documents, wanted)
        if document is not None and len(answerer.documents) == 1:
            await self.ctx.reply(update, context, [LAST_DOCUMENT])
            return
        try:
            await asyncio.to_thread(remove_document, self.folder, wanted)
        except ChuchuError as error:
            await self.ctx.reply(update, context, [admin_render.esc(f"{_reason(error)}。编号见 /sources。")])
            return
        user = update.effective_user
        logger.info("admin %s removed document %s", user.id if user else None, wanted)
        fresh = await reindex(self.ctx, update, context,
                              f"已删除 <code>{admin_render.esc(wanted)}</code>，但重新建立索引失败",
                              REINDEX_HINT)
        if fresh is None:
            return
        await self.ctx.reply(update, context, [admin_render.removed(
            wanted, document.title if document else None, len(fresh.documents), len(fresh.passages))])


def _argument(update: Update) -> str:
    """Everything after the command (an id may hold spaces, which `context.args` splits)."""
    message = update.effective_message
    text = (message.text or "") if message else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""


def _reason(error: ChuchuError) -> str:
    """The Chinese reason of an expected failure (a `DocumentError` names its file apart)."""
    return error.reason if isinstance(error, DocumentError) else str(error)
