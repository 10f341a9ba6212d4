"""Telegram handlers for questions: a message in, quoted answers out; 更多结果 pages; feedback
buttons; inline mode. Fairness limits are applied before any searching.

An answer's pages and the quotes on each page are kept in the store under a short key
(`bot.question_log`), so 更多结果 keeps working after a restart and a 👍 / 👎 / 发言人有误
records exactly what that person was shown. Callback data is parsed strictly
(`bot.telegram_callbacks`): a forged or stale button is answered quietly.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineQueryResultArticle, InlineQueryResultsButton, InputTextMessageContent, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, InlineQueryHandler, MessageHandler, filters

from bot import telegram_render as render
from bot.fairness import BUSY
from bot.feedback import VOTES
from bot.question_log import shown_of
from bot.telegram_access import addressed_question
from bot.telegram_callbacks import PageTap, VoteTap, answer_keyboard, parse
from bot.telegram_context import BotContext
from bot.telegram_info import help_message
from retrieval.models import Answer
from retrieval.presentation import UNKNOWN_SPEAKER, clip, present

logger = logging.getLogger(__name__)

INLINE_RESULTS = 5
EXPIRED_VOTE = "这个回答已过期，无法记录反馈，请重新提问。"
VOTE_FAILED = "抱歉，反馈暂时无法保存，请稍后再试。"


class QuestionHandlers:
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    def install(self, application: Application) -> None:
        application.add_handler(
            MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, self.on_text))
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(InlineQueryHandler(self.on_inline))

    async def _typing(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
        try:
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as error:  # decoration only: never worth failing an answer for
            logger.debug("typing indicator for %s not sent: %s", chat_id, error)

    # -- a question ----------------------------------------------------------------------
    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        question = addressed_question(message, context.bot.id, context.bot.username)
        if question is None:
            return  # group chatter not meant for the bot
        if not question:  # addressed with nothing to ask: what /help says
            await self.ctx.reply(update, context, [help_message(self.ctx, update, context)])
            return
        user = update.effective_user
        user_id = user.id if user else None
        verdict = self.ctx.limits.admit(user_id, message.chat_id)
        if not verdict.admitted:
            logger.info("question from user %s in chat %s turned away: over the limits",
                        user_id, message.chat_id)
            if verdict.tell:
                await self.ctx.reply(update, context, [render.esc(BUSY)])
            return
        try:
            self.ctx.chat(message.chat_id)  # the per-chat slot a follow-up context will use
            # Concurrently with the search: the indicator must never delay the answer.
            context.application.create_task(self._typing(context, message.chat_id))
            key, pages, quoted = await asyncio.to_thread(
                self._answer, question, message.chat_id, user_id)
            markup = answer_keyboard(key, 0, len(pages), quoted) if key else None
            await self.ctx.reply(update, context, [pages[0]], markup)
        finally:
            self.ctx.limits.release(user_id, message.chat_id)

    def _answer(self, question: str, chat_id: int, user_id: int | None) -> tuple[str, list[str], bool]:
        """Search, render and record (in a worker thread): the key, the pages, any quotes."""
        state = self.ctx.chat(chat_id)  # this chat's follow-up context (他还说了什么？)
        answer = self.ctx.holder.current.ask(
            question, self.ctx.settings.top_k * self.ctx.tuning.pages, state.followup)
        state.followup = answer.context
        paged = render.paged(present(answer), self.ctx.settings.top_k)
        pages = [page for page, _ in paged]
        shown = [shown_of(quotes) for _, quotes in paged]
        key = self.ctx.service.log.record("telegram", chat_id, user_id, answer, pages, shown)
        return key, pages, bool(answer.hits)

    # -- buttons -------------------------------------------------------------------------
    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        tap = parse(query.data)
        if isinstance(tap, PageTap):
            await self._page(update, tap)
        elif isinstance(tap, VoteTap):
            await self._vote(update, tap)
        else:  # forged, or from a version of the bot that is gone: quietly expired
            logger.info("unknown callback data from user %s", query.from_user.id if query.from_user else None)
            await query.answer(render.EXPIRED)

    async def _page(self, update: Update, tap: PageTap) -> None:
        query = update.callback_query
        assert query is not None
        recorded = await asyncio.to_thread(self.ctx.service.log.answer, tap.key)
        if recorded is None or tap.page >= len(recorded.pages):
            await query.answer(render.EXPIRED)
            try:
                await query.edit_message_reply_markup(None)
            except TelegramError as error:  # the keyboard may already be gone
                logger.debug("could not remove stale keyboard: %s", error)
            return
        await query.answer()
        quoted = any(recorded.shown)
        try:
            await query.edit_message_text(
                recorded.pages[tap.page],
                reply_markup=answer_keyboard(tap.key, tap.page, len(recorded.pages), quoted))
        except BadRequest as error:
            if "not modified" not in str(error).lower():  # a double tap lands on the same page
                raise

    async def _vote(self, update: Update, tap: VoteTap) -> None:
        query = update.callback_query
        assert query is not None
        recorded = await asyncio.to_thread(self.ctx.service.log.answer, tap.key)
        if recorded is None:
            await query.answer(EXPIRED_VOTE)
            return
        user = query.from_user
        chat = query.message.chat.id if query.message else None
        previous = await asyncio.to_thread(
            self.ctx.service.feedback.vote, recorded, tap.page, user.id, chat, "telegram", tap.vote)
        label = VOTES[tap.vote]
        if previous is None:
            text = VOTE_FAILED
        elif previous == tap.vote:
            text = f"已经记录过：{label}"
        elif previous:
            text = f"已改为：{label}"
        elif tap.vote == "speaker":
            text = "谢谢！已记录“发言人有误”，管理员会核对。"
        else:
            text = f"谢谢反馈：{label}"
        await query.answer(text)

    # -- inline mode ---------------------------------------------------------------------
    async def on_inline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.inline_query
        assert query is not None
        question = query.query.strip()
        personal = self.ctx.grants.policy().restricted  # never let Telegram's cache show others
        if not question:
            await query.answer([], cache_time=0, is_personal=personal, button=InlineQueryResultsButton(
                "输入问题，引用文档原文", start_parameter="help"))
            return
        verdict = self.ctx.limits.admit(query.from_user.id, None)
        if not verdict.admitted:
            await query.answer([], cache_time=0, is_personal=True, button=InlineQueryResultsButton(
                "请稍后再问", start_parameter="busy"))
            return
        try:
            answer = await asyncio.to_thread(self.ctx.holder.current.ask, question, INLINE_RESULTS)
        finally:
            self.ctx.limits.release(query.from_user.id, None)
        await query.answer(inline_results(answer), cache_time=60, is_personal=personal)


def inline_results(answer: Answer) -> list[InlineQueryResultArticle]:
    """One article per quote: titled by who says it, posting the lead and the quote."""
    view = present(answer)
    lead = render.lead_html(view.lead)
    results = []
    for quote in view.quotes:
        speaker = quote.speaker_label
        title = speaker if quote.speakers != (UNKNOWN_SPEAKER,) else quote.location
        results.append(InlineQueryResultArticle(
            id=f"{quote.passage_id}.{quote.rank}"[:64],
            title=clip(title, 100),
            description=clip(quote.shown, 120),
            input_message_content=InputTextMessageContent(
                render.fit(f"{lead}\n\n{render.quote_block(quote)}"), parse_mode=ParseMode.HTML),
        ))
    return results
