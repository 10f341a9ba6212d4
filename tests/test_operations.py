"""Operating chuchu: `chuchu doctor` and `chuchu report` through the CLI, JSON-lines logs."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging

from bot.cli import main
from bot.logging_setup import configure_logging
from bot.question_log import Shown
from bot.service import Service
from bot.storage import open_storage
from fake_bot_api import TOKEN
from retrieval.models import Answer
from tests.helpers import write

CORPUS = "# 职工书屋\n\n北山市总工会主席李明表示，职工书屋要办到车间里。\n"


async def test_doctor_checks_everything_and_never_prints_the_token(server, tmp_path, monkeypatch):
    write(tmp_path / "docs", "a.txt", CORPUS)
    monkeypatch.setenv("CHUCHU_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("CHUCHU_TELEGRAM_API_URL", server.base_url)
    out = io.StringIO()
    status = await asyncio.to_thread(main, ["doctor", "--documents", str(tmp_path / "docs")],
                                     None, out)
    text = out.getvalue()
    assert status == 0, text
    assert "[正常] 文档目录" in text and "1 个文件（文本 1）" in text
    assert "[正常] 数据库" in text and "完整性 ok" in text
    assert "[正常] Bot API" in text and "@chuchu_test_bot" in text
    assert TOKEN.split(":")[1] not in text and "123456789:[REDACTED]/getMe" in text

    server.revoke()
    out = io.StringIO()
    status = await asyncio.to_thread(main, ["doctor", "--documents", str(tmp_path / "docs")],
                                     None, out)
    assert status == 1 and "[失败] Bot API" in out.getvalue() and "令牌被拒绝" in out.getvalue()
    assert TOKEN.split(":")[1] not in out.getvalue()


def test_report_exports_votes_as_csv_and_statistics_as_json(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("CHUCHU_DATA_DIR", str(data))
    service = Service.over(open_storage(data))
    answer = Answer("职工书屋办在哪里？", "passages")
    shown = [[Shown("p1", "李明（北山市总工会主席）", "职工书屋要办到车间里。")]]
    key = service.log.record("telegram", 5, 5, answer, ["page"], shown)
    service.feedback.vote(service.log.answer(key), 0, 5, 5, "telegram", "speaker")
    service.log.record("telegram", 6, 6, Answer("红烧肉怎么做", "not_found"))
    out = io.StringIO()
    assert main(["report", "--csv"], stdout=out) == 0
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["vote"] == "speaker" and row["passages"] == "p1"
    assert row["speakers"] == "李明（北山市总工会主席）" and row["question"] == "职工书屋办在哪里？"
    out = io.StringIO()
    assert main(["report"], stdout=out) == 0
    report = json.loads(out.getvalue())
    assert report["stats"]["questions"] == 2 and report["stats"]["declined_share"] == 0.5
    assert report["stats"]["unanswered"] == [{"question": "红烧肉怎么做", "times": 1}]
    assert report["stats"]["doubted"][0]["passage"] == "p1"
    assert report["reports"][0]["shown"][0]["speaker"] == "李明（北山市总工会主席）"


def test_json_lines_logs_are_one_object_a_line_with_tokens_redacted():
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    try:
        configure_logging("INFO", stream=stream, json_lines=True)
        logging.getLogger("chuchu.test").info("calling %s", f"https://x/bot{TOKEN}/getMe")
        try:
            raise RuntimeError("两行\n错误")
        except RuntimeError:
            logging.getLogger("chuchu.test").exception("失败了")
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["level"] == "INFO" and first["logger"] == "chuchu.test"
    assert "[REDACTED]" in first["message"] and TOKEN.split(":")[1] not in stream.getvalue()
    assert second["message"] == "失败了" and "RuntimeError" in second["traceback"]
