"""`chuchu telegram` as a process: token errors, graceful SIGTERM with an answer in flight, and
webhook mode (setWebhook with a secret token; updates POSTed to the bot's own listener).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.telegram import bot_token
from config.settings import SettingsError, load_settings
from fake_bot_api import TOKEN, FakeBotApi, write_corpus

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
async def server():
    fake = await FakeBotApi().start()
    yield fake
    await fake.stop()


def environment(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHUCHU_")}
    env.update(PYTHONPATH=str(REPO), CHUCHU_DOCUMENTS_DIR=str(write_corpus(tmp_path / "docs")),
               CHUCHU_CACHE_DIR=str(tmp_path / "cache"), CHUCHU_DATA_DIR=str(tmp_path / "data"),
               CHUCHU_LOG_LEVEL="INFO")
    env.update(values)
    return env


async def start_bot(tmp_path: Path, **values: str) -> asyncio.subprocess.Process:
    # cwd is tmp_path, so no developer's .env is read.
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "telegram", cwd=tmp_path, env=environment(tmp_path, **values),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


@pytest.mark.parametrize("token", ["", "not-a-token", "123:short"])
async def test_missing_or_malformed_token_is_one_line_and_exit_status_2(tmp_path, token):
    process = await start_bot(tmp_path, CHUCHU_TELEGRAM_TOKEN=token)
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    lines = stderr.decode().strip().splitlines()
    assert process.returncode == 2
    assert len(lines) == 1 and "CHUCHU_TELEGRAM_TOKEN" in lines[0]
    if token:
        assert token not in lines[0]


def test_token_is_checked_before_anything_starts(tmp_path):
    with pytest.raises(SettingsError, match="not set"):
        bot_token(load_settings(documents_dir=tmp_path))
    assert bot_token(load_settings(documents_dir=tmp_path, telegram_token=f" {TOKEN} ")) == TOKEN


async def test_sigterm_finishes_the_answer_in_flight_then_exits_cleanly(server, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "报表.csv").write_text("月份,人数\n", encoding="utf-8")  # named once
    process = await start_bot(tmp_path, CHUCHU_TELEGRAM_TOKEN=TOKEN,
                              CHUCHU_TELEGRAM_API_URL=server.base_url)
    try:
        await server.wait_for(lambda: server.calls_of("getUpdates"), timeout=30)
        server.fail("sendMessage", "500")  # the answer must be retried after SIGTERM arrives
        message_id = server.message("劳模精神", chat_id=5)
        await server.wait_for(lambda: [c for c in server.calls if c.method == "sendMessage"])
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
    assert process.returncode == 0, stderr.decode()
    [reply] = server.replies_to(5, message_id)
    assert "宝贵的精神财富" in reply.plain
    assert TOKEN.split(":")[1] not in stderr.decode()
    skipped = [line for line in stderr.decode().splitlines() if "报表.csv" in line]
    assert len(skipped) == 1 and "已跳过 报表.csv：不支持的文件类型（.csv，表格文件，不是文章）" in skipped[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_a_token_refused_at_start_is_one_line_and_exit_status_2(server, tmp_path):
    process = await start_bot(tmp_path, CHUCHU_TELEGRAM_TOKEN=TOKEN.replace("AAH", "XXH"),
                              CHUCHU_TELEGRAM_API_URL=server.base_url, CHUCHU_LOG_LEVEL="ERROR")
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    lines = stderr.decode().strip().splitlines()
    assert process.returncode == 2
    assert lines == ["chuchu: CHUCHU_TELEGRAM_TOKEN was rejected by the Bot API (revoked or mistyped)"]


async def test_a_token_revoked_while_running_ends_the_process_with_one_line(server, tmp_path):
    process = await start_bot(tmp_path, CHUCHU_TELEGRAM_TOKEN=TOKEN,
                              CHUCHU_TELEGRAM_API_URL=server.base_url, CHUCHU_LOG_LEVEL="ERROR",
                              CHUCHU_TELEGRAM_UNAUTHORIZED_ATTEMPTS="3",
                              CHUCHU_TELEGRAM_UNAUTHORIZED_PAUSE="0.2")
    try:
        await server.wait_for(lambda: server.calls_of("getUpdates"), timeout=30)
        answered = server.message("劳模精神", chat_id=5)
        await server.wait_for(lambda: server.replies_to(5, answered))
        server.revoke()
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
    lines = stderr.decode().strip().splitlines()
    assert process.returncode == 2
    assert lines == ["chuchu: CHUCHU_TELEGRAM_TOKEN was rejected by the Bot API while running "
                     "(revoked?): stopped"]


async def test_a_brief_401_from_the_bot_api_is_survived(server, tmp_path):
    health = free_port()
    process = await start_bot(tmp_path, CHUCHU_TELEGRAM_TOKEN=TOKEN,
                              CHUCHU_TELEGRAM_API_URL=server.base_url,
                              CHUCHU_TELEGRAM_UNAUTHORIZED_ATTEMPTS="3",
                              CHUCHU_TELEGRAM_UNAUTHORIZED_PAUSE="0.2",
                              CHUCHU_HEALTH_PORT=str(health))
    try:
        await server.wait_for(lambda: server.calls_of("getUpdates"), timeout=30)
        server.fail("getUpdates", "401", times=2)
        server.message("服务职工", chat_id=5)  # ends the long poll; the next two polls get 401
        await server.wait_for(lambda: [c for c in server.calls if c.fault == "401"][1:], timeout=10)
        message_id = server.message("劳模精神", chat_id=5)
        [reply] = await server.wait_for(lambda: server.replies_to(5, message_id), timeout=10)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{health}/healthz") as response:
                status, body = response.status, await response.json()
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
    assert "宝贵的精神财富" in reply.plain
    assert process.returncode == 0, stderr.decode()
    assert status == 200 and body["status"] == "ok" and body["mode"] == "polling"
    assert TOKEN.split(":")[1] not in stderr.decode()


async def test_webhook_mode_registers_the_secret_and_answers_posted_updates(server, tmp_path):
    port, health = free_port(), free_port()
    hook = f"http://127.0.0.1:{port}/chuchu/hook"
    process = await start_bot(
        tmp_path, CHUCHU_TELEGRAM_TOKEN=TOKEN, CHUCHU_TELEGRAM_API_URL=server.base_url,
        CHUCHU_TELEGRAM_WEBHOOK_URL=hook, CHUCHU_TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
        CHUCHU_TELEGRAM_WEBHOOK_PORT=str(port), CHUCHU_TELEGRAM_WEBHOOK_SECRET="s3cret_Token-1",
        CHUCHU_HEALTH_PORT=str(health),
    )
    update = {"update_id": 1, "message": {
        "message_id": 10, "date": 0, "chat": {"id": 5, "type": "private"},
        "from": {"id": 5, "is_bot": False, "first_name": "测"}, "text": "王五说了什么"}}
    try:
        await server.wait_for(lambda: server.webhook, timeout=30)
        assert server.webhook["url"] == hook and server.webhook["secret_token"] == "s3cret_Token-1"
        async with aiohttp.ClientSession() as session:
            for _ in range(50):  # the listener starts right after setWebhook
                try:
                    async with session.post(hook, json=update, headers={
                            "X-Telegram-Bot-Api-Secret-Token": "wrong"}) as forged:
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            async with session.post(hook, data=json.dumps(update), headers={
                    "X-Telegram-Bot-Api-Secret-Token": "s3cret_Token-1",
                    "Content-Type": "application/json"}) as accepted:
                assert accepted.status == 200
        [reply] = await server.wait_for(lambda: server.replies_to(5, 10), timeout=10)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{health}/healthz") as response:
                healthy = (response.status, await response.json())
            async with session.get(f"http://127.0.0.1:{health}/other") as response:
                elsewhere = response.status
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
    assert forged.status == 403
    assert healthy[0] == 200 and healthy[1]["mode"] == "webhook" and healthy[1]["passages"] == 8
    assert healthy[1]["store"] == "ok" and elsewhere == 404
    assert "王五（温州市总工会副主席）" in reply.plain
    assert process.returncode == 0, stderr.decode()
    assert "s3cret_Token-1" not in stderr.decode()
