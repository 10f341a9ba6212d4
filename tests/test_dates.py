"""Narrowing answers to a date range: `DateRange`, `Answerer.ask(dates=…)`, `--since/--until`."""

from __future__ import annotations

import io
import json

import pytest

from bot.cli import main
from config.settings import load_settings
from retrieval.answer import Answerer
from retrieval.dates import DateRange
from tests.helpers import write


def _dated(date: str, body: str) -> str:
    return f"---\ndate: {date}\n---\n\n{body}\n" if date else f"{body}\n"


DOCUMENTS = {
    "march.md": _dated("2024-03-05", "# 三月职工大会\n\n北湖区总工会主席孙立表示，职工食堂今年要新增三个。"),
    "june.md": _dated("2024-06-20", "# 六月职工大会\n\n北湖区总工会副主席钱红表示，职工食堂要提高饭菜质量。"),
    "month.md": _dated("2024-04", "# 四月职工大会\n\n北湖区总工会副主席赵明表示，职工食堂要延长开放时间。"),
    "undated.txt": _dated("", "# 职工大会\n\n北湖区总工会副主席周亮表示，职工食堂要公开菜价。"),
}


@pytest.fixture
def folder(tmp_path):
    for name, text in DOCUMENTS.items():
        write(tmp_path / "docs", name, text)
    return tmp_path / "docs"


@pytest.mark.parametrize("since, until, expected", [
    ("2024", "", ("2024-01-01", "")),
    ("2024-03", "2024-04", ("2024-03-01", "2024-04-30")),
    ("", "2024-02", ("", "2024-02-29")),
    ("2024-03-07", "2024-03-07", ("2024-03-07", "2024-03-07")),
])
def test_parse_reads_years_months_and_days(since, until, expected):
    dates = DateRange.parse(since, until)
    assert (dates.since, dates.until) == expected


@pytest.mark.parametrize("since, until, message", [
    ("昨天", "", "不是有效日期"), ("2024-13", "", "不是有效日期"), ("2024-05", "2024-04", "晚于"),
])
def test_parse_refuses_what_is_not_a_range_in_chinese(since, until, message):
    with pytest.raises(ValueError, match=message):
        DateRange.parse(since, until)


def test_holds_a_month_that_overlaps_and_no_undated_document():
    dates = DateRange.parse("2024-04-15", "2024-05-01")
    assert dates.holds("2024-04") and dates.holds("2024-04-15") and dates.holds("2024")
    assert not dates.holds("2024-03") and not dates.holds("2024-05-02") and not dates.holds("")
    assert DateRange().holds("") and not DateRange()


def test_ask_keeps_to_documents_in_the_range(folder, tmp_path):
    answerer = Answerer.build(load_settings(documents_dir=folder, cache_dir=tmp_path / "cache"))
    everything = answerer.ask("职工食堂", k=10)
    assert {h.passage.document_id for h in everything.hits} == set(DOCUMENTS)
    spring = answerer.ask("职工食堂", k=10, dates=DateRange.parse("2024-03", "2024-04"))
    assert {h.passage.document_id for h in spring.hits} == {"march.md", "month.md"}
    selection = answerer.select_dates(DateRange.parse("2024-03", "2024-04"))
    assert (selection.inside, selection.outside, selection.undated) == (2, 1, 1)
    # A question about one person keeps to the range too.
    assert answerer.ask("钱红说了什么？", dates=DateRange.parse("2024-03", "2024-04")).hits == ()
    assert answerer.ask("钱红说了什么？", dates=DateRange.parse("2024-06")).hits


def _run(argv):
    out = io.StringIO()
    return main(argv, stdin=io.StringIO(""), stdout=out), out.getvalue()


def test_cli_since_until_says_what_was_excluded(folder, capsys):
    status, out = _run(["ask", "--json", "-k", "10", "--since", "2024-06", "--documents",
                        str(folder), "职工食堂"])
    assert status == 0
    answer = json.loads(out)
    assert [a["document"]["id"] for a in answer["answers"]] == ["june.md"]
    assert answer["answers"][0]["document"]["date"] == "2024-06-20"
    err = capsys.readouterr().err
    assert "1 篇文档在范围内" in err and "2 篇日期不在范围内" in err and "1 篇没有日期" in err
    status, out = _run(["passages", "--json", "--until", "2024-04", "--documents", str(folder)])
    assert {json.loads(line)["document"]["id"] for line in out.splitlines()} == {
        "march.md", "month.md"}


def test_cli_bad_date_is_one_line_and_exit_2(folder, capsys):
    status, _ = _run(["ask", "--since", "上周", "--documents", str(folder), "职工食堂"])
    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "不是有效日期" in err[0]


def test_articles_of_one_file_keep_their_own_dates(tmp_path):
    write(tmp_path / "docs", "digest.md", """---
title: 五月要闻
date: 2024-05-02
---

南湖区总工会主席吴刚表示，职工食堂要增加夜宵供应。

---
title: 六月要闻
date: 2024-06-12
---

南湖区总工会副主席郑洁表示，职工食堂要开设清真窗口。
""")
    answerer = Answerer.build(load_settings(documents_dir=tmp_path / "docs",
                                            cache_dir=tmp_path / "cache"))
    june = answerer.ask("职工食堂", k=5, dates=DateRange.parse("2024-06"))
    assert [h.passage.text[:9] for h in june.hits] == ["南湖区总工会副主席"]
    assert june.hits[0].passage.source.date == "2024-06-12"
    assert answerer.select_dates(DateRange.parse("2024-06")).inside == 1
