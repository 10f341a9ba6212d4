"""The machine contract (`chuchu passages --json`, `chuchu ask --json`) and exit statuses."""

from __future__ import annotations

import io
import json

from bot.cli import main
from tests.helpers import write

CORPUS = """# 职工之家建设

西湖市总工会党组书记、常务副主席郑一鸣表示，今年将新建职工之家五十个，让职工下班有去处。

大家认为，职工之家要办在职工身边。
"""


def _run(argv, stdin=""):
    out = io.StringIO()
    status = main(argv, stdin=io.StringIO(stdin), stdout=out)
    return status, out.getvalue()


def test_passages_json_contract(tmp_path):
    write(tmp_path, "a.txt", CORPUS)
    status, out = _run(["passages", "--json", "--documents", str(tmp_path)])
    assert status == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 2
    for row in rows:
        assert set(row) >= {"id", "document", "section", "paragraph", "text", "segments"}
        assert row["document"] == {"id": "a.txt", "title": "职工之家建设"}
        assert "".join(s["text"] for s in row["segments"]) == row["text"]
    first = rows[0]["segments"][-1]["speaker"]
    assert first == {"name": "郑一鸣", "title": "西湖市总工会党组书记、常务副主席"}


def test_ask_json_batch_answers_each_line_in_order(tmp_path):
    write(tmp_path, "a.txt", CORPUS)
    status, out = _run(["ask", "--json", "-k", "2", "--documents", str(tmp_path)],
                       "新建多少个职工之家？\nWhat is the capital of France?\n")
    assert status == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["question"] for r in rows] == ["新建多少个职工之家？", "What is the capital of France?"]
    top = rows[0]["answers"][0]
    assert set(top) >= {"rank", "score", "id", "text", "segments", "document", "section", "paragraph"}
    assert "五十个" in top["text"] and top["rank"] == 1
    assert rows[1]["answers"] == []


def test_empty_documents_folder_exits_2(tmp_path, capsys):
    status, _ = _run(["ask", "--json", "问题", "--documents", str(tmp_path)])
    assert status == 2
    assert "chuchu:" in capsys.readouterr().err


def test_invalid_setting_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHUCHU_TOP_K", "many")
    status, _ = _run(["ask", "问题", "--documents", str(tmp_path)])
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert err.count("\n") == 0 and "CHUCHU_TOP_K" in err


def test_console_transcript(tmp_path):
    write(tmp_path, "a.txt", CORPUS)
    status, out = _run(["console", "--documents", str(tmp_path)], "新建多少个职工之家？\n全文\n退出\n")
    assert status == 0
    assert "郑一鸣说了什么？" in out  # an example question from the corpus itself
    assert "——郑一鸣（西湖市总工会党组书记、常务副主席）" in out
    assert "《职工之家建设》" in out
    assert out.rstrip().endswith("再见！")


def test_speakers_lists_titles_and_passage_counts(tmp_path):
    write(tmp_path, "a.txt", CORPUS)
    write(tmp_path, "b.txt", "东湖市总工会主席郑一鸣认为，工会要敢于担当。\n\n郑一鸣说，要办实事。\n")
    status, out = _run(["speakers", "--json", "--documents", str(tmp_path)])
    assert status == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows == [{"name": "郑一鸣", "titles": ["西湖市总工会党组书记、常务副主席", "东湖市总工会主席"],
                     "passages": 3}]


def test_the_command_flushes_its_answer_before_it_ends_at_once(tmp_path):
    """`chuchu` ends without freeing its objects (`cli._exit`): what it printed to a file (a
    buffered stream) and logged must all be there, and the status must be main's."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    write(tmp_path / "docs", "a.txt", CORPUS)
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "CHUCHU_CACHE_DIR": str(tmp_path / "cache"), "CHUCHU_LOG_LEVEL": "INFO",
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    with open(out, "w") as handle:
        done = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "--documents",
                               str(tmp_path / "docs")], input="职工书屋\n职工之家\n",
                              stdout=handle, stderr=subprocess.PIPE, text=True, env=env)
    assert done.returncode == 0, done.stderr
    lines = out.read_text().splitlines()
    assert [json.loads(line)["question"] for line in lines] == ["职工书屋", "职工之家"]
    assert "built in" in done.stderr
    missing = subprocess.run([sys.executable, "-m", "bot", "ask", "--documents",
                              str(tmp_path / "none"), "职工书屋"], capture_output=True, text=True,
                             env=env)
    assert missing.returncode == 2 and "chuchu:" in missing.stderr
