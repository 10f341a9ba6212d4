"""Faults from the Bot API: 429 with retry_after, 5xx, stalls past the time-out, dropped
connections, on sending and on polling. The bot keeps running and answers every question
exactly once; a request Telegram refuses (400) is reported, not retried.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.telegram_network import Tuning
from config.settings import load_settings
from fake_bot_api import TOKEN, FakeBotApi, running_bot

# Read time-out 1 s; stalls last 1.3 s, just past it.
FAST = Tuning(connect_timeout=1, read_timeout=1, write_timeout=1, pool_timeout=1, backoff=0.05,
              attempts=6)
STALL = 1.3


def settings_for(server: FakeBotApi, documents: Path):
    return load_settings(documents_dir=documents, cache_dir=documents.parent / "cache",
                         telegram_token=TOKEN, telegram_api_url=server.base_url)


def answered_once(server: FakeBotApi, questions: list[tuple[int, int]]) -> bool:
    return all(len(server.replies_to(chat, message)) == 1 for chat, message in questions)


@pytest.mark.parametrize("kind", ["429", "500", "502", "stall", "drop"])
async def test_send_fault_is_survived_and_the_answer_arrives_once(server, corpus, answerer, kind):
    server.fail("sendMessage", kind, times=1 if kind in ("429", "stall") else 2, retry_after=1,
                seconds=STALL)
    async with running_bot(server, settings_for(server, corpus), answerer, FAST):
        first = server.message("劳模精神", chat_id=5)
        await server.wait_for(lambda: server.replies_to(5, first), timeout=15)
        second = server.message("王五说了什么", chat_id=5)  # the bot is still alive afterwards
        await server.wait_for(lambda: server.replies_to(5, second), timeout=10)
        faulted = [c for c in server.calls if c.method == "sendMessage" and c.fault == kind]
    assert len(faulted) == (1 if kind in ("429", "stall") else 2)
    assert answered_once(server, [(5, first), (5, second)])
    assert len(server.sent) == 2


@pytest.mark.parametrize("kind", ["429", "500", "stall", "drop"])
async def test_polling_fault_loses_and_repeats_no_update(server, corpus, answerer, kind):
    async with running_bot(server, settings_for(server, corpus), answerer, FAST):
        await server.wait_for(lambda: server.calls_of("getUpdates"))
        server.fail("getUpdates", kind, retry_after=1, seconds=STALL + 1)
        questions = [(chat, server.message("服务职工", chat_id=chat)) for chat in (5, 6, 7)]
        await server.wait_for(lambda: answered_once(server, questions), timeout=20)
        later = [(5, server.message("劳模精神", chat_id=5))]
        await server.wait_for(lambda: answered_once(server, later), timeout=10)
    assert len(server.sent) == 4


async def test_faults_on_callbacks_and_edits_still_answer_each_callback_once(server, corpus, answerer):
    async with running_bot(server, settings_for(server, corpus), answerer, FAST):
        message_id = server.message("服务职工", chat_id=5)
        [reply] = await server.wait_for(lambda: server.replies_to(5, message_id))
        server.fail("answerCallbackQuery", "500")
        server.fail("editMessageText", "drop")
        pressed = server.press(reply, reply.buttons()[0]["callback_data"])
        await server.wait_for(lambda: server.callback_answers[pressed] and reply.edits, timeout=10)
    assert len(server.callback_answers[pressed]) == 1
    assert len(reply.edits) == 1 and "第 2/3 页" in reply.plain


async def test_a_refused_request_is_reported_not_retried(server, corpus, answerer, caplog):
    server.fail("sendMessage", "400")
    async with running_bot(server, settings_for(server, corpus), answerer, FAST):
        message_id = server.message("劳模精神", chat_id=5)
        # The error handler tells the person something went wrong (its send succeeds).
        [sorry] = await server.wait_for(lambda: [s for s in server.sent if s.chat_id == 5])
        after = server.message("王五说了什么", chat_id=5)
        await server.wait_for(lambda: server.replies_to(5, after))
    assert sorry.plain == "抱歉，处理您的消息时出了点问题，请稍后再试。"
    assert len([c for c in server.calls if c.method == "sendMessage" and c.fault == "400"]) == 1
    assert server.replies_to(5, message_id) == []
    assert any(r.exc_info and "chat not found" in str(r.exc_info[1]).lower() for r in caplog.records)


async def test_many_questions_under_random_faults_are_each_answered_exactly_once(
    server, corpus, answerer
):
    rng = random.Random(5)
    questions = ["服务职工", "劳模精神", "王五说了什么", "谁说劳模精神是宝贵的精神财富", "网上工会",
                 "今天天气", "A&B 企业", "<script>"]
    # PTB's updater backs off 1 s, 1.5 s, ... after polling errors, so two are enough there.
    for method, count in (("sendMessage", 6), ("sendChatAction", 4), ("getUpdates", 2)):
        for _ in range(count):
            server.fail(method, rng.choice(["500", "502", "drop"]))
    server.fail("sendMessage", "429", retry_after=1)
    server.fail("sendMessage", "stall", seconds=STALL)
    async with running_bot(server, settings_for(server, corpus), answerer, FAST):
        asked = []
        for i in range(60):
            chat = 100 + i % 12
            asked.append((chat, server.message(rng.choice(questions), chat_id=chat)))
        await server.wait_for(lambda: answered_once(server, asked), timeout=30)
    assert all(len(server.replies_to(chat, message)) == 1 for chat, message in asked)
    assert len(server.sent) == len(asked)
