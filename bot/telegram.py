"""The Telegram adapter: python-telegram-bot's `Application` around the transport-free `Answerer`.

`build_application(settings, answerer)` returns a ready `Application` (handlers, rate limiter,
retrying requests, error handler); `run(settings)` builds the answerer and runs the bot with
long polling, or with a webhook when `CHUCHU_TELEGRAM_WEBHOOK_URL` is set, until SIGINT/SIGTERM
(updates already received are answered before it exits). What the bot says is rendered by
`bot.telegram_render`; who may use it is decided by `bot.telegram_access`; how it survives the
network is in `bot.telegram_network`.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import telegram_render as render
from bot.logging_setup import protect_secret, quiet_noisy_loggers
from bot.telegram_access import AccessPolicy, addressed, addressed_question, is_private
from bot.telegram_network import Tuning, api_request, rate_limiter, updates_request
from bot.telegram_state import AnswererHolder, PageStore
from config.settings import Settings, SettingsError
from retrieval.answer import Answerer
from retrieval.errors import ChuchuError

logger = logging.getLogger(__name__)

__all__ = ["AnswererHolder", "Tuning", "build_application", "run"]

TOKEN_SHAPE = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
PAGE_PREFIX = "pg"
COMMANDS = [
    BotCommand("help", "使用说明和示例问题"),
    BotCommand("speakers", "文档中的发言人"),
    BotCommand("sources", "收录的文档"),
    BotCommand("source", "查看整段原文：/source 编号"),
    BotCommand("start", "开始使用"),
]
ADMIN_COMMANDS = [*COMMANDS, BotCommand("reload", "重新读取文档目录（管理员）")]
INLINE_RESULTS = 5
CONVERSATION = "conversation"  # chat_data key of the context the next question follows on from


def page_keyboard(key: str, page: int, count: int) -> InlineKeyboardMarkup | None:
    """上一页 / 更多结果 buttons for page `page` (0-based) of `count`."""
    buttons = []
    if page > 0:
        buttons.append(InlineKeyboardButton("« 上一页", callback_data=f"{PAGE_PREFIX}:{key}:{page - 1}"))
    if page + 1 < count:
        buttons.append(InlineKeyboardButton("更多结果 »", callback_data=f"{PAGE_PREFIX}:{key}:{page + 1}"))
    return InlineKeyboardMarkup([buttons]) if buttons else None


class TelegramBot:
    """The handlers, holding what they share: settings, answerer, access policy and pages."""

    def __init__(self, settings: Settings, holder: AnswererHolder, tuning: Tuning) -> None:
        self.settings = settings
        self.holder = holder
        self.tuning = tuning
        self.access = AccessPolicy(
            frozenset(settings.telegram_allowed_users),
            frozenset(settings.telegram_allowed_chats),
            frozenset(settings.telegram_admins),
        )
        self.pages = PageStore(tuning.page_cache)

    # -- plumbing ------------------------------------------------------------------------
    def install(self, application: Application) -> None:
        """Register every handler on `application`."""
        application.add_handler(TypeHandler(Update, self.gatekeeper), group=-1)
        application.add_handler(CommandHandler(["start", "help"], self.on_help))
        application.add_handler(CommandHandler("speakers", self.on_speakers))
        application.add_handler(CommandHandler("sources", self.on_sources))
        application.add_handler(CommandHandler("source", self.on_source))
        application.add_handler(CommandHandler("reload", self.on_reload))
        application.add_handler(
            MessageHandler(filters.Regex(r"^/source_[0-9A-Za-z_]+(@\w+)?(\s|$)"), self.on_source_link)
        )
        application.add_handler(MessageHandler(filters.COMMAND, self.on_unknown_command))
        application.add_handler(
            MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, self.on_text)
        )
        application.add_handler(CallbackQueryHandler(self.on_page, pattern=rf"^{PAGE_PREFIX}:"))
        application.add_handler(CallbackQueryHandler(self.on_stray_callback))
        application.add_handler(InlineQueryHandler(self.on_inline))
        application.add_error_handler(self.on_error)

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

    async def _typing(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
        try:
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as error:  # decoration only: never worth failing an answer for
            logger.debug("typing indicator for %s not sent: %s", chat_id, error)

    # -- access --------------------------------------------------------------------------
    async def gatekeeper(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs before every handler: refuse politely and stop, unless this person may ask."""
        user = update.effective_user
        chat = update.effective_chat
        if self.access.allows(user.id if user else None, chat.id if chat else None):
            return
        logger.info("refused update %s from user %s in chat %s", update.update_id,
                    user.id if user else None, chat.id if chat else None)
        if update.callback_query:
            await update.callback_query.answer(render.REFUSAL, show_alert=True)
        elif update.inline_query:
            await update.inline_query.answer(
                [], cache_time=0, is_personal=True,
                button=InlineQueryResultsButton("抱歉，您无权使用此机器人", start_parameter="denied"),
            )
        elif update.message and update.message.text:
            if addressed(update.message, context.bot.id, context.bot.username):
                await self.reply(update, context, [render.esc(render.REFUSAL)])
        raise ApplicationHandlerStop

    # -- commands ------------------------------------------------------------------------
    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        examples = self.holder.current.examples()
        await self.reply(update, context, [render.help_text(examples, context.bot.username)])

    async def on_speakers(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        stats = await asyncio.to_thread(self.holder.current.speakers)
        await self.reply(update, context, render.pack(render.speaker_blocks(stats)))

    async def on_sources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        answerer = self.holder.current
        blocks = render.source_list_blocks(answerer.documents, answerer.passages)
        await self.reply(update, context, render.pack(blocks))

    async def on_source(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not context.args:
            await self.reply(update, context, [render.esc(render.SOURCE_USAGE)])
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
        answerer = self.holder.current
        target = answerer.passage(ident)
        if target is None:
            await self.reply(update, context, [render.unknown_source(ident)])
            return
        around = answerer.neighbours(target.id, before=1, after=1)
        await self.reply(update, context, render.pack(render.source_blocks(target, around)))

    async def on_reload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if not self.access.is_admin(user.id if user else None):
            await self.reply(update, context, ["抱歉，只有管理员可以重新加载文档。"])
            return
        await self.reply(update, context, ["正在重新读取文档目录……"])
        old = self.holder.current
        try:
            fresh = await self.holder.reload()
        except ChuchuError as error:
            logger.warning("reload failed: %s", error)
            await self.reply(update, context, [f"重新加载失败，继续使用原来的索引：{render.esc(str(error))}"])
            return
        except Exception as error:  # a bug while indexing: keep serving, tell the admin what
            logger.exception("reload failed")
            await self.reply(update, context, [
                f"重新加载失败，继续使用原来的索引：{render.esc(type(error).__name__)}（详情见日志）"
            ])
            return
        skipped = f"，跳过 {len(fresh.skipped)} 个无法读取的文件" if fresh.skipped else ""
        await self.reply(update, context, [
            f"已重新加载：{len(fresh.documents)} 篇文档、{len(fresh.passages)} 段"
            f"（此前 {len(old.documents)} 篇、{len(old.passages)} 段）{skipped}。"
        ])

    async def on_unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not addressed(message, context.bot.id, context.bot.username):
            return
        if is_private(message) or "@" in (message.text or "").split(maxsplit=1)[0]:
            await self.reply(update, context, ["没有这个命令。发送 /help 查看用法。"])

    # -- questions -----------------------------------------------------------------------
    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        question = addressed_question(message, context.bot.id, context.bot.username)
        if question is None:
            return  # group chatter not meant for the bot
        if not question:
            await self.on_help(update, context)
            return
        # Concurrently with the search: the indicator must never delay the answer.
        context.application.create_task(self._typing(context, message.chat_id))
        # Each chat follows on from its own last answer (`他还说了什么？`): PTB's chat_data.
        chat = context.chat_data if context.chat_data is not None else {}
        answer = await asyncio.to_thread(
            self.holder.current.ask, question, self.settings.top_k * self.tuning.pages,
            chat.get(CONVERSATION),
        )
        chat[CONVERSATION] = answer.context
        pages = render.answer_pages(answer, self.settings.top_k)
        markup = None
        if len(pages) > 1:
            markup = page_keyboard(self.pages.put(pages), 0, len(pages))
        await self.reply(update, context, [pages[0]], markup)

    async def on_page(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        _, key, number = (query.data or "").split(":", 2)
        pages = self.pages.get(key)
        if pages is None or not number.isdigit() or int(number) >= len(pages):
            await query.answer(render.EXPIRED)
            try:
                await query.edit_message_reply_markup(None)
            except TelegramError as error:  # the keyboard may already be gone
                logger.debug("could not remove stale keyboard: %s", error)
            return
        page = int(number)
        await query.answer()
        try:
            await query.edit_message_text(pages[page], reply_markup=page_keyboard(key, page, len(pages)))
        except BadRequest as error:
            if "not modified" not in str(error).lower():  # a double tap lands on the same page
                raise

    async def on_stray_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer(render.EXPIRED)

    async def on_inline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.inline_query
        assert query is not None
        question = query.query.strip()
        personal = self.access.restricted  # never let Telegram's cache show results to others
        if not question:
            await query.answer([], cache_time=0, is_personal=personal, button=InlineQueryResultsButton(
                "输入问题，引用文档原文", start_parameter="help"))
            return
        answer = await asyncio.to_thread(self.holder.current.ask, question, INLINE_RESULTS)
        results = []
        for hit in answer.hits:
            lead = render.answer_lead(answer)
            speakers = hit.passage.speakers_in(hit.snippet or hit.passage.text)
            title = "；".join(s.label() for s in speakers) or hit.passage.document_title
            results.append(InlineQueryResultArticle(
                id=f"{hit.passage.id}.{hit.rank}"[:64],
                title=render.clip(title, 100),
                description=render.clip(hit.snippet or hit.passage.text, 120),
                input_message_content=InputTextMessageContent(
                    f"{lead}\n\n{render.hit_block(hit)}", parse_mode=ParseMode.HTML,
                ),
            ))
        await query.answer(results, cache_time=60, is_personal=personal)

    # -- errors --------------------------------------------------------------------------
    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log with the traceback and, where there is someone to tell, say something went wrong."""
        error = context.error
        if not isinstance(update, Update):
            if isinstance(error, NetworkError):  # polling hiccups; the updater retries by itself
                logger.warning("Bot API unreachable, retrying: %s", error)
            else:
                logger.error("error outside any update", exc_info=error)
            return
        if isinstance(error, ChuchuError):
            logger.warning("update %s: %s", update.update_id, error)
            text = str(error)
        else:
            logger.error("update %s failed", update.update_id, exc_info=error)
            text = render.SORRY
        try:
            if update.callback_query:
                await update.callback_query.answer(text)
            elif update.inline_query:
                await update.inline_query.answer([], cache_time=0)
            elif update.effective_chat and update.effective_message:
                await context.bot.send_message(update.effective_chat.id, render.esc(text))
        except TelegramError as second:
            logger.warning("could not tell the user about the error: %s", second)


def _holder(settings: Settings, answerer: Answerer | AnswererHolder) -> AnswererHolder:
    if isinstance(answerer, AnswererHolder):
        return answerer
    return AnswererHolder(answerer, lambda: Answerer.build(settings))


def bot_token(settings: Settings) -> str:
    """The token from the settings, or `SettingsError` with one line that says what to do."""
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value().strip():
        raise SettingsError(
            "CHUCHU_TELEGRAM_TOKEN is not set: create a bot with @BotFather and put its token "
            "in CHUCHU_TELEGRAM_TOKEN or .env"
        )
    token = settings.telegram_token.get_secret_value().strip()
    if not TOKEN_SHAPE.match(token):
        raise SettingsError(
            "CHUCHU_TELEGRAM_TOKEN does not look like a bot token (expected digits, a colon "
            "and about 35 letters, as @BotFather gives it)"
        )
    return token


async def _post_init(application: Application) -> None:
    """Put the commands in Telegram's menu; admins also see /reload in their private chats."""
    try:
        await application.bot.set_my_commands(COMMANDS)
    except TelegramError as error:  # a missing menu is no reason not to answer questions
        logger.warning("could not register commands: %s", error)
    bot: TelegramBot = application.bot_data["chuchu"]
    for admin in sorted(bot.access.admins):
        try:
            await application.bot.set_my_commands(ADMIN_COMMANDS, scope=BotCommandScopeChat(admin))
        except TelegramError as error:  # the admin has not opened a chat with the bot yet
            logger.info("no admin command menu for %s: %s", admin, error)


def build_application(
    settings: Settings, answerer: Answerer | AnswererHolder, tuning: Tuning | None = None
) -> Application:
    """A ready `Application` for `settings` around `answerer` (or a holder of one)."""
    tuning = tuning or Tuning()
    token = bot_token(settings)
    protect_secret(token)
    bot = TelegramBot(settings, _holder(settings, answerer), tuning)
    base = settings.telegram_api_url.rstrip("/")
    application = (
        Application.builder()
        .token(token)
        .base_url(base)
        .base_file_url(re.sub(r"/bot$", "/file/bot", base))
        .request(api_request(tuning))
        .get_updates_request(updates_request(tuning))
        .rate_limiter(rate_limiter(tuning))
        .concurrent_updates(tuning.concurrent_updates)
        .defaults(Defaults(parse_mode=ParseMode.HTML,
                           link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(_post_init)
        .build()
    )
    application.bot_data["chuchu"] = bot
    bot.install(application)
    return application


def _webhook_options(settings: Settings, tuning: Tuning) -> dict[str, object]:
    url = settings.telegram_webhook_url or ""
    parts = urlsplit(url)
    if parts.scheme != "https" and parts.hostname not in {"127.0.0.1", "localhost"}:
        raise SettingsError("CHUCHU_TELEGRAM_WEBHOOK_URL must be an https:// URL")
    secret = (
        settings.telegram_webhook_secret.get_secret_value()
        if settings.telegram_webhook_secret else secrets.token_urlsafe(32)
    )
    if not SECRET_SHAPE.match(secret):
        raise SettingsError(
            "CHUCHU_TELEGRAM_WEBHOOK_SECRET may hold only letters, digits, _ and - (1-256)"
        )
    protect_secret(secret)
    return {
        "listen": settings.telegram_webhook_listen,
        "port": settings.telegram_webhook_port,
        "url_path": parts.path.lstrip("/"),
        "webhook_url": url,
        "secret_token": secret,
    }


def run(settings: Settings) -> int:
    """Run the bot until SIGINT or SIGTERM; returns the exit status.

    Raises `SettingsError` for a missing, malformed or rejected token and bad webhook settings.
    """
    tuning = Tuning()
    token = bot_token(settings)
    protect_secret(token)
    quiet_noisy_loggers()
    webhook = _webhook_options(settings, tuning) if settings.telegram_webhook_url else None
    answerer = Answerer.build(settings)
    logger.info("indexed %d passages from %d documents", len(answerer.passages), len(answerer.documents))
    application = build_application(settings, answerer, tuning)
    common: dict[str, object] = {
        "allowed_updates": ALLOWED_UPDATES,
        "bootstrap_retries": 5,
        "drop_pending_updates": False,  # questions sent while the bot was down are answered
    }
    try:
        if webhook is None:
            application.run_polling(timeout=int(tuning.poll_timeout), **common)  # type: ignore[arg-type]
        else:
            application.run_webhook(**webhook, **common)  # type: ignore[arg-type]
    except InvalidToken:
        raise SettingsError("CHUCHU_TELEGRAM_TOKEN was rejected by the Bot API (revoked or mistyped)") from None
    return 0
