"""The Telegram adapter: python-telegram-bot's `Application` around the transport-free `Answerer`.

`build_application(settings, answerer)` returns a ready `Application` (handlers, rate limiter,
retrying requests, error handler); `run(settings)` builds the answerer and runs the bot with
long polling, or with a webhook when `CHUCHU_TELEGRAM_WEBHOOK_URL` is set, until SIGINT/SIGTERM
(updates already received are answered before it exits), or until the Bot API keeps refusing
the token. The handlers are grouped by concern: questions, pages, feedback and inline mode
(`bot.telegram_questions`), help and lookups (`bot.telegram_info`), admin commands
(`bot.telegram_admin`), adding and removing documents (`bot.telegram_documents`); what the bot
says is rendered by `bot.telegram_render`; who may use it is decided by `bot.telegram_access`
and `bot.grants`; how it survives the network is in `bot.telegram_network`.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeChat, InlineQueryResultsButton, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, Defaults, TypeHandler

from bot import telegram_render as render
from bot.fairness import Limits
from bot.grants import Grants
from bot.health import HealthServer
from bot.logging_setup import protect_secret, quiet_noisy_loggers
from bot.service import Service
from bot.telegram_access import AccessPolicy, addressed
from bot.telegram_admin import AdminHandlers
from bot.telegram_context import BotContext
from bot.telegram_documents import DocumentHandlers
from bot.telegram_info import InfoHandlers
from bot.telegram_network import (
    TokenGuard, Tuning, api_request, rate_limiter, token_refused, updates_request,
)
from bot.telegram_questions import QuestionHandlers
from bot.telegram_state import AnswererHolder, log_skipped
from config.settings import Settings, SettingsError
from retrieval.answer import Answerer
from retrieval.errors import ChuchuError

logger = logging.getLogger(__name__)

__all__ = ["AnswererHolder", "Tuning", "build_application", "run"]

TOKEN_SHAPE = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
HEALTH_QUIET = 60.0  # seconds without a Bot API answer (beyond a long poll) before unhealthy
COMMANDS = [
    BotCommand("help", "使用说明和示例问题"),
    BotCommand("speakers", "文档中的发言人"),
    BotCommand("sources", "收录的文档"),
    BotCommand("source", "查看整段原文：/source 编号"),
    BotCommand("myid", "查看我的用户 ID"),
    BotCommand("start", "开始使用"),
]
ADMIN_COMMANDS = [
    *COMMANDS,
    BotCommand("feedback", "最近的 👎 和“发言人有误”（管理员）"),
    BotCommand("stats", "提问统计（管理员）"),
    BotCommand("fix", "更正发言人：/fix 编号 姓名（管理员）"),
    BotCommand("allow", "允许用户或群组：/allow ID（管理员）"),
    BotCommand("deny", "禁止用户或群组：/deny ID（管理员）"),
    BotCommand("add", "添加网页：/add 链接（管理员）"),
    BotCommand("remove", "删除文档：/remove 编号（管理员）"),
    BotCommand("reload", "重新读取文档目录（管理员）"),
]


class Gatekeeper:
    """Runs before every handler: refuse politely and stop, unless this person may ask.

    `/myid` always passes: someone not yet allowed needs their id to ask an admin for access.
    """

    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    async def __call__(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        chat = update.effective_chat
        if self.ctx.grants.policy().allows(user.id if user else None, chat.id if chat else None):
            return
        message = update.message
        if message and message.text and message.text.split(maxsplit=1)[0].split("@")[0] == "/myid" \
                and addressed(message, context.bot.id, context.bot.username):
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
        elif message and (message.text or message.effective_attachment):  # a file too
            if addressed(message, context.bot.id, context.bot.username):
                await self.ctx.reply(update, context, [render.esc(render.REFUSAL)])
        raise ApplicationHandlerStop


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
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


def _holder(settings: Settings, answerer: Answerer | AnswererHolder, service: Service) -> AnswererHolder:
    if isinstance(answerer, AnswererHolder):
        service.serve(answerer.current)
        return answerer
    return AnswererHolder(service.serve(answerer), lambda: service.serve(Answerer.build(settings)))


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
    """Put the commands in Telegram's menu (admins see theirs too); start the health endpoint."""
    ctx: BotContext = application.bot_data["chuchu"]
    try:
        await application.bot.set_my_commands(COMMANDS)
    except TelegramError as error:  # a missing menu is no reason not to answer questions
        logger.warning("could not register commands: %s", error)
    for admin in sorted(ctx.grants.policy().admins):
        try:
            await application.bot.set_my_commands(ADMIN_COMMANDS, scope=BotCommandScopeChat(admin))
        except TelegramError as error:  # the admin has not opened a chat with the bot yet
            logger.info("no admin command menu for %s: %s", admin, error)
    if ctx.settings.health_port:
        health = HealthServer(ctx.settings.health_listen, ctx.settings.health_port,
                              lambda: _health(ctx))
        await health.start()
        application.bot_data["health"] = health


async def _post_shutdown(application: Application) -> None:
    health: HealthServer | None = application.bot_data.get("health")
    if health is not None:
        await health.stop()


def _health(ctx: BotContext) -> tuple[bool, dict[str, object]]:
    """Healthy while the Bot API answers (polling returns at least every poll time-out)."""
    quiet = time.monotonic() - ctx.guard.last_ok
    webhook = bool(ctx.settings.telegram_webhook_url)
    healthy = not ctx.guard.rejected and (webhook or quiet < HEALTH_QUIET + ctx.tuning.poll_timeout)
    answerer = ctx.holder.current
    return healthy, {
        "mode": "webhook" if webhook else "polling",
        "bot_api_seconds_since_ok": round(quiet, 1),
        "documents": len(answerer.documents),
        "passages": len(answerer.passages),
        "store": "ok" if ctx.service.storage.persistent else "memory",
    }


def file_url(settings: Settings) -> str:
    """Where uploaded files are downloaded from: `CHUCHU_TELEGRAM_FILE_URL`, or the API URL
    with its `/bot` made `/file/bot` (as for Telegram and a self-hosted server alike)."""
    if settings.telegram_file_url:
        return settings.telegram_file_url.rstrip("/")
    return re.sub(r"/bot$", "/file/bot", settings.telegram_api_url.rstrip("/"))


def build_application(
    settings: Settings, answerer: Answerer | AnswererHolder, tuning: Tuning | None = None,
    service: Service | None = None,
) -> Application:
    """A ready `Application` for `settings` around `answerer` (or a holder of one).

    `service` is the store (default: the one in `settings.data_dir`).
    """
    tuning = tuning or Tuning()
    token = bot_token(settings)
    protect_secret(token)
    service = service or Service.open(settings)
    if service.problem:
        logger.error("%s", service.problem)
    guard = TokenGuard(tuning.unauthorized_attempts, tuning.unauthorized_pause)
    base_policy = AccessPolicy(
        frozenset(settings.telegram_allowed_users),
        frozenset(settings.telegram_allowed_chats),
        frozenset(settings.telegram_admins),
    )
    ctx = BotContext(
        settings=settings,
        holder=_holder(settings, answerer, service),
        tuning=tuning,
        service=service,
        grants=Grants(base_policy, service.storage),
        limits=Limits(settings.user_questions_in_flight, settings.user_questions_per_minute,
                      settings.group_questions_per_minute),
        guard=guard,
    )
    base = settings.telegram_api_url.rstrip("/")
    application = (
        Application.builder()
        .token(token)
        .base_url(base)
        .base_file_url(file_url(settings))
        .request(api_request(tuning, guard))
        .get_updates_request(updates_request(tuning, guard))
        .rate_limiter(rate_limiter(tuning))
        .concurrent_updates(tuning.concurrent_updates)
        .defaults(Defaults(parse_mode=ParseMode.HTML,
                           link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data["chuchu"] = ctx
    application.add_handler(TypeHandler(Update, Gatekeeper(ctx)), group=-1)
    info = InfoHandlers(ctx)
    info.install(application)
    AdminHandlers(ctx).install(application)
    DocumentHandlers(ctx).install(application)
    info.install_fallback(application)
    QuestionHandlers(ctx).install(application)
    application.add_error_handler(on_error)
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


REJECTED = "CHUCHU_TELEGRAM_TOKEN was rejected by the Bot API (revoked or mistyped)"


class TokenRevoked(SettingsError):
    """The Bot API refused the token while the bot was running, and kept refusing it."""


def run(settings: Settings, service: Service | None = None) -> int:
    """Run the bot until SIGINT or SIGTERM; returns the exit status.

    Raises `SettingsError` for a missing, malformed or rejected token and bad webhook settings,
    and `TokenRevoked` when the token stops working while running (polling did not recover).
    """
    tuning = Tuning(unauthorized_attempts=settings.telegram_unauthorized_attempts,
                    unauthorized_pause=settings.telegram_unauthorized_pause)
    token = bot_token(settings)
    protect_secret(token)
    quiet_noisy_loggers()
    webhook = _webhook_options(settings, tuning) if settings.telegram_webhook_url else None
    if token_refused(settings.telegram_api_url, token, tuning.connect_timeout + tuning.read_timeout):
        raise SettingsError(REJECTED)
    service = service or Service.open(settings)
    answerer = Answerer.build(settings)
    logger.info("indexed %d passages from %d documents", len(answerer.passages), len(answerer.documents))
    log_skipped(answerer)
    application = build_application(settings, answerer, tuning, service)
    ctx: BotContext = application.bot_data["chuchu"]
    ctx.guard.on_rejected = application.stop_running
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
        raise SettingsError(REJECTED) from None
    finally:
        service.storage.close()
    if ctx.guard.rejected:
        raise TokenRevoked(
            "CHUCHU_TELEGRAM_TOKEN was rejected by the Bot API while running (revoked?): stopped")
    return 0
