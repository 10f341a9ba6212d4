"""A folder holding one file of each format, through the command line as a user meets it:
each indexed with its title, date and URL, quotes coming back with their source, and every
file that cannot be read named once, in Chinese."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from bot.cli import main
from document_files import docx_bytes, news_page_html, pdf_bytes
from tests.helpers import write

# One article per file, each quoting a different official: (file, title, date, url, quote).
EXPECTED = {
    "word.docx": ("北湖区职工技能大赛落幕", "2024-05-06", "", "焊工组冠军"),
    "paper.pdf": ("北湖区总工会开展安康杯竞赛", "2024-05-07", "", "安全生产"),
    "page.html": ("北湖区建成二十家爱心母婴室", "2024-05-08", "https://news.example.cn/2024/0508/1.html",
                  "母婴室"),
    "notes.md": ("北湖区总工会举办读书月活动", "2024-05-09", "https://news.example.cn/2024/0509/2.html",
                 "读书月"),
    "gbk.txt": ("北湖区为环卫工人送清凉", "", "", "环卫工人"),
    "big5.txt": ("北湖區工會探訪長者", "", "", "探訪長者"),
}


def _make_folder(folder: Path) -> None:
    folder.mkdir()
    (folder / "word.docx").write_bytes(docx_bytes(
        "北湖区职工技能大赛落幕",
        ["北湖区总工会副主席林芳表示，本届大赛焊工组冠军将获得“北湖工匠”称号。"],
        created=dt.datetime(2024, 5, 6, 15, 0)))
    (folder / "paper.pdf").write_bytes(pdf_bytes(
        "北湖区总工会开展安康杯竞赛",
        ["北湖区总工会主席高建国指出，安康杯竞赛要把安全生产责任落实到每一个班组。"],
        columns=2, created=dt.datetime(2024, 5, 7, 9, 0)))
    write(folder, "page.html", news_page_html(
        "北湖区建成二十家爱心母婴室",
        ["北湖区总工会女职工委员会主任郑丽说，今年全区已建成二十家爱心母婴室，覆盖职工三千余人。"],
        published="2024-05-08T08:00:00+08:00", site="北湖日报",
        canonical="https://news.example.cn/2024/0508/1.html"))
    write(folder, "notes.md", """---
title: 北湖区总工会举办读书月活动
date: 2024-05-09
source: 北湖日报
url: https://news.example.cn/2024/0509/2.html
page: 第2版
---

北湖区总工会宣教部部长何平介绍，读书月期间将开展职工读书分享会二十场。
""")
    write(folder, "gbk.txt", "北湖区为环卫工人送清凉\n\n北湖区总工会副主席钱伟表示，要为环卫工人送去防暑用品。\n",
          "gbk")
    write(folder, "big5.txt", "北湖區工會探訪長者\n\n北湖區工會主席吳志強表示，義工隊每月探訪長者兩次。\n",
          "big5")
    write(folder, "table.csv", "姓名,岗位\n张三,焊工\n")
    (folder / "locked.pdf").write_bytes(pdf_bytes("内部材料", ["这是一份加密的材料，不应被读取。"],
                                                  encrypt="secret"))
    (folder / "fake.docx").write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip


def _run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(argv, stdin=io.StringIO(""), stdout=out), out.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    _make_folder(tmp_path / "docs")
    return tmp_path / "docs"


def test_each_format_is_indexed_with_its_title_date_and_url(folder, capsys):
    status, out = _run(["passages", "--json", "--documents", str(folder)])
    assert status == 0
    documents = {}
    for line in out.splitlines():
        row = json.loads(line)
        documents.setdefault(row["document"]["id"], (row["document"], []))[1].append(row["text"])
    assert set(documents) == set(EXPECTED)
    for name, (title, date, url, quote) in EXPECTED.items():
        document, texts = documents[name]
        assert document["title"] == title, name
        assert document.get("date", "") == date, name
        assert document.get("url", "") == url, name
        assert any(quote in text for text in texts), name
    for chrome in ("首页", "视频直播间", "相关阅读", "版权所有"):  # the web page's, not its article's
        assert chrome not in out
    assert documents["notes.md"][0]["page"] == "第2版"
    assert documents["page.html"][0]["source"] == "北湖日报"


def test_unreadable_files_are_named_once_in_chinese(folder, capsys):
    _run(["passages", "--json", "--documents", str(folder)])
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3, err
    named = {line.split("：", 1)[0].removeprefix("chuchu: 已跳过 "): line for line in err}
    assert set(named) == {"table.csv", "locked.pdf", "fake.docx"}
    assert "不支持的文件类型" in named["table.csv"]
    assert "加密" in named["locked.pdf"]
    assert "不是 Word 文档" in named["fake.docx"]
    for line in err:  # Chinese only: no English warning beside it
        assert not any(word in line for word in ("skipped", "WARNING", "cannot", "error"))


def test_console_names_them_too_and_quotes_come_with_their_source(folder, capsys):
    out = io.StringIO()
    assert main(["--documents", str(folder)], stdin=io.StringIO("郑丽说了什么？\n"), stdout=out) == 0
    err = capsys.readouterr().err
    assert err.count("已跳过") == 3 and "已收录 6 篇文档" in out.getvalue()
    status, answer = _run(["ask", "--json", "--documents", str(folder), "母婴室建成了多少家？"])
    top = json.loads(answer)["answers"][0]
    assert top["document"]["url"] == "https://news.example.cn/2024/0508/1.html"
    assert top["document"]["date"] == "2024-05-08" and top["segments"][-1]["speaker"]["name"] == "郑丽"


def test_the_answerer_exposes_what_was_skipped(folder, tmp_path):
    from config.settings import load_settings
    from retrieval.answer import Answerer

    answerer = Answerer.build(load_settings(documents_dir=folder, cache_dir=tmp_path / "cache"))
    assert sorted(s.path for s in answerer.skipped) == ["fake.docx", "locked.pdf", "table.csv"]
    # Built again from the cache, the same files are reported, and nothing else.
    again = Answerer.build(load_settings(documents_dir=folder, cache_dir=tmp_path / "cache"))
    assert sorted(s.path for s in again.skipped) == ["fake.docx", "locked.pdf", "table.csv"]


def test_a_folder_of_only_unreadable_files_says_which_in_one_line(tmp_path, capsys):
    write(tmp_path / "docs", "table.csv", "a,b\n")
    status, _ = _run(["ask", "--documents", str(tmp_path / "docs"), "问题"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1
    assert "没有可以索引的文档" in err[0] and "table.csv（不支持的文件类型" in err[0]
