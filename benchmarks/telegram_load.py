"""Load benchmark of the Telegram bot: 1,000 questions from 100 chats through the real
`Application`, over HTTP, against the fake Bot API server of the tests, on the bundled seeds.

Three runs:

* burst, Telegram's limits: all 1,000 questions arrive at once; `AIORateLimiter` holds the bot
  to Telegram's 30 messages a second, so this measures the limiter, as it should;
* burst, no limiter: the same, with throttling off: the bot's own capacity;
* paced at 25 questions a second with the limiter on: below Telegram's limit, latency should
  stay that of one answer, showing the bot is not the bottleneck.

Each run checks that every question got exactly one answer (none lost, none duplicated).

A fourth run measures fairness: one user floods `--flood` questions (300) at once and another
user asks one question a second later; it reports how long that other user waited, and what
the flooder received (answers, and the polite 请稍后再问 past the per-user limits).

    .venv/bin/python benchmarks/telegram_load.py [--questions 1000] [--chats 100] [--flood 300]
    .venv/bin/python benchmarks/telegram_load.py --only-flood
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Each run's store (question log, pages) goes here, removed when the benchmark ends.
DATA = Path(tempfile.mkdtemp(prefix="chuchu-bench-data-"))
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from bot.telegram_network import Tuning  # noqa: E402
from config.settings import load_settings  # noqa: E402
from fake_bot_api import TOKEN, FakeBotApi, running_bot  # noqa: E402
from retrieval.answer import Answerer  # noqa: E402


def questions_from(answerer: Answerer, count: int) -> list[str]:
    """A varied mix: speakers' names, who-questions and topic words from the corpus itself."""
    pool = [f"{stat.name}说了什么" for stat in answerer.speakers()[:30]]
    topics = ["职工", "服务职工", "工会改革", "劳模精神", "维权", "群团工作", "农民工", "工匠精神",
              "职工之家", "困难职工帮扶", "创新", "基层工会", "网上工会", "安全生产", "技能培训"]
    pool += topics + [f"谁说{t}" for t in topics] + ["今天天气怎么样", "<b>职工</b> & 工会"]
    return [pool[i % len(pool)] for i in range(count)]


async def one_run(answerer: Answerer, documents: Path, questions: list[str], chats: int,
                  tuning: Tuning, pace: float | None) -> dict[str, float]:
    server = await FakeBotApi().start()
    # Ten questions at once from each chat would be turned away by the fairness limits; these
    # runs measure the bot's capacity, so the limits are lifted (the flood run keeps them).
    settings = load_settings(documents_dir=documents, telegram_token=TOKEN,
                             telegram_api_url=server.base_url,
                             cache_dir=Path(tempfile.gettempdir()) / "chuchu-bench-cache",
                             data_dir=DATA / f"run-{time.monotonic_ns()}",
                             user_questions_in_flight=100, user_questions_per_minute=10_000,
                             group_questions_per_minute=10_000)
    asked: dict[tuple[int, int], float] = {}
    try:
        async with running_bot(server, settings, answerer, tuning):
            start = time.time()
            for i, question in enumerate(questions):
                chat = 1000 + i % chats
                asked[(chat, server.message(question, chat_id=chat))] = time.time()
                if pace:
                    await asyncio.sleep(max(0.0, start + (i + 1) / pace - time.time()))
            await server.wait_for(lambda: len(server.sent) >= len(questions), timeout=600)
            await asyncio.sleep(0.5)  # would-be duplicates get a moment to show up
            end = max(s.at for s in server.sent)
    finally:
        await server.stop()
    replies: dict[tuple[int, int], list[float]] = {}
    for sent in server.sent:
        replies.setdefault((sent.chat_id, sent.reply_to or 0), []).append(sent.at)
    latencies = sorted(replies[key][0] - at for key, at in asked.items() if key in replies)
    return {
        "answered": len(latencies),
        "lost": sum(1 for key in asked if key not in replies),
        "duplicated": sum(len(v) - 1 for v in replies.values() if len(v) > 1),
        "throughput": len(server.sent) / (end - start),
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
        "seconds": end - start,
    }


async def flood_run(answerer: Answerer, documents: Path, questions: list[str],
                    tuning: Tuning) -> dict[str, float]:
    """One user sends every question at once; another asks once, a second later."""
    server = await FakeBotApi().start()
    settings = load_settings(documents_dir=documents, telegram_token=TOKEN,
                             telegram_api_url=server.base_url,
                             cache_dir=Path(tempfile.gettempdir()) / "chuchu-bench-cache",
                             data_dir=DATA / f"flood-{time.monotonic_ns()}")
    flooder, other = 4242, 4343
    try:
        async with running_bot(server, settings, answerer, tuning):
            for question in questions:
                server.message(question, chat_id=flooder)
            await asyncio.sleep(1.0)
            asked = time.time()
            message_id = server.message("劳模精神", chat_id=other)
            [reply] = await server.wait_for(lambda: server.replies_to(other, message_id),
                                            timeout=600)
            waited = reply.at - asked
            # Let the flood drain, to count what the flooder got.
            await server.wait_for(lambda: not server._updates, timeout=600)
            await asyncio.sleep(2.0)
    finally:
        await server.stop()
    to_flooder = [s for s in server.sent if s.chat_id == flooder]
    busy = [s for s in to_flooder if "请稍后再问" in s.plain]
    return {"waited": waited, "answers": len(to_flooder) - len(busy), "busy": len(busy)}


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--flood", type=int, default=300)
    parser.add_argument("--only-flood", action="store_true", help="run only the flood measurement")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = load_settings()
    started = time.perf_counter()
    answerer = Answerer.build(settings)
    print(f"indexed {len(answerer.passages)} passages from {len(answerer.documents)} documents "
          f"in {time.perf_counter() - started:.1f} s; {os.cpu_count()} CPUs")
    questions = questions_from(answerer, args.questions)
    runs = [
        ("burst, Telegram's limits (30/s)", Tuning(), None),
        ("burst, no rate limiter", Tuning(messages_per_second=0, group_messages_per_minute=0), None),
        ("paced 25/s, Telegram's limits", Tuning(), 25.0),
    ]
    failed = False
    if args.flood:
        result = await flood_run(answerer, settings.documents_dir,
                                 questions_from(answerer, args.flood), Tuning())
        print(f"flood of {args.flood} from one user: another user answered after "
              f"{result['waited']:.2f} s; the flooder got {result['answers']:.0f} answers and "
              f"{result['busy']:.0f} 请稍后再问")
    if args.only_flood:
        return 0
    print(f"{args.questions} questions from {args.chats} chats")
    print(f"{'run':34} {'answered':>8} {'lost':>5} {'dup':>4} {'msg/s':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for name, tuning, pace in runs:
        result = await one_run(answerer, settings.documents_dir, questions, args.chats, tuning, pace)
        failed |= bool(result["lost"] or result["duplicated"])
        print(f"{name:34} {result['answered']:8.0f} {result['lost']:5.0f} {result['duplicated']:4.0f} "
              f"{result['throughput']:7.1f} {result['p50']:8.1f} {result['p99']:8.1f}")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        status = asyncio.run(main())
    finally:
        shutil.rmtree(DATA, ignore_errors=True)
    sys.exit(status)
