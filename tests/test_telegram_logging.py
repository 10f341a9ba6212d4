"""Token hygiene: nothing shaped like a bot token reaches the log, at DEBUG, tracebacks included."""

from __future__ import annotations

import io
import logging

import pytest

from bot.logging_setup import REDACTED, RedactingFilter, configure_logging, protect_secret
from bot.telegram_network import Tuning
from config.settings import load_settings
from fake_bot_api import TOKEN, FakeBotApi, running_bot, write_corpus
from retrieval.answer import Answerer

SECRET_PART = TOKEN.split(":", 1)[1]


@pytest.fixture
def log_stream():
    """configure_logging at DEBUG into a buffer; the root logger is restored afterwards."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level,
             {name: logging.getLogger(name).level for name in ("httpx", "httpcore")})
    stream = io.StringIO()
    configure_logging("DEBUG", stream=stream)
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


async def test_token_never_appears_in_debug_logs_of_a_faulty_session(log_stream, tmp_path):
    documents = write_corpus(tmp_path / "docs")
    server = await FakeBotApi().start()
    settings = load_settings(documents_dir=documents, cache_dir=tmp_path / "cache",
                             telegram_token=TOKEN, telegram_api_url=server.base_url)
    # Someone turns httpx up to DEBUG: its lines carry the token in every URL.
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    server.fail("sendMessage", "drop")
    server.fail("sendMessage", "400")
    try:
        async with running_bot(server, settings, Answerer.build(settings),
                               Tuning(read_timeout=1, connect_timeout=1, backoff=0.05)):
            first = server.message("劳模精神", chat_id=5)
            await server.wait_for(lambda: [s for s in server.sent if s.chat_id == 5])
            second = server.message("王五说了什么", chat_id=5)
            await server.wait_for(lambda: server.replies_to(5, second))
            try:
                raise ConnectionError(f"cannot reach {server.base_url}{TOKEN}/getMe")
            except ConnectionError:
                logging.getLogger("chuchu.test").exception("while calling %s", TOKEN)
    finally:
        await server.stop()
    text = log_stream.getvalue()
    assert first and "HTTP Request: POST" in text  # the dangerous lines were written...
    assert f"/bot123456789:{REDACTED}/sendMessage" in text  # ...with the token redacted
    assert "Traceback" in text and "chat not found" in text.lower()
    assert SECRET_PART not in text


def test_filter_redacts_messages_arguments_tracebacks_and_known_secrets():
    stream = io.StringIO()
    logger = logging.getLogger("chuchu.redaction")
    handler = logging.StreamHandler(stream)
    redacting = RedactingFilter()
    handler.addFilter(redacting)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        redacting.add_secret("webhook-secret-xyz")
        logger.warning("token %s and secret %s", TOKEN, "webhook-secret-xyz")
        try:
            raise RuntimeError(TOKEN)
        except RuntimeError:
            logger.exception("failed")
        logger.warning("stack", stack_info=True)
        logger.warning("%s %s", "one")  # a malformed call is still logged, not raised
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert SECRET_PART not in text and "webhook-secret-xyz" not in text
    assert text.count(f"123456789:{REDACTED}") == 2  # message and traceback
    assert "Stack (most recent call last)" in text
    assert "%s %s" in text


def test_protect_secret_reaches_the_installed_filter(log_stream):
    protect_secret("a-webhook-secret-1")
    logging.getLogger("chuchu.test").error("secret is a-webhook-secret-1")
    assert "a-webhook-secret-1" not in log_stream.getvalue()
    assert logging.getLogger("httpx").level == logging.WARNING
