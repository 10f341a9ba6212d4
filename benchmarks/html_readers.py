"""Compares trafilatura's modes on Chinese news pages made here: what it keeps, what leaks.

    .venv/bin/python benchmarks/html_readers.py        # a table in Markdown on stdout

Each page holds an article of `sample_article.py` (or a piece of it) inside the chrome of a
news site: navigation, related links, a copyright and licence footer, in the markup of a
modern page (`<nav>`, `<article>`, `<footer>`) or of an older Chinese news system (tables,
`<div class="TRS_Editor">`, paragraphs apart by `<br>`). For each mode it counts the
article's paragraphs found whole and the pieces of chrome found in the text.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "benchmarks")]

from document_files import news_page_html  # noqa: E402
from sample_article import PARAGRAPHS, TITLE  # noqa: E402

CHROME = ("首页", "视频直播间", "相关阅读", "公交线路", "版权所有", "备案号")
SHORTS = (PARAGRAPHS[1], "“很方便。”", "一位骑手说。", PARAGRAPHS[3], "（完）")
BRIEF = ("青石市总工会女职工委员会主任宋洁说，全市今年已建成二十家爱心母婴室，覆盖职工三千余人。",)


def _old_system(paragraphs: tuple[str, ...], joined_by_br: bool) -> str:
    body = ("<br><br>".join(paragraphs) if joined_by_br
            else "".join(f'<p style="text-indent:2em">{p}</p>' for p in paragraphs))
    return (f"<html><head><title>{TITLE}</title></head><body>"
            '<div class="header"><a href="/">首页</a> | <a href="/x">要闻</a> | '
            '<a href="/v">视频直播间</a></div><table><tr><td>'
            f'<div class="title">{TITLE}</div><div class="TRS_Editor">{body}</div></td></tr></table>'
            '<div class="bottom"><p>版权所有 © 新闻网 未经授权禁止转载</p>'
            "<p>备案号：某ICP备00000000号</p></div></body></html>")


PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "modern, 13 paragraphs": (news_page_html(TITLE, PARAGRAPHS, site="青石日报"), PARAGRAPHS),
    "modern, 2 paragraphs": (news_page_html(TITLE, PARAGRAPHS[:2], site="青石日报"), PARAGRAPHS[:2]),
    "modern, 1 paragraph": (news_page_html(TITLE, PARAGRAPHS[1:2], site="青石日报"),
                            PARAGRAPHS[1:2]),
    "modern, a brief of 45 characters": (news_page_html(TITLE, BRIEF, site="青石日报"), BRIEF),
    "modern, very short paragraphs": (news_page_html(TITLE, SHORTS, site="青石日报"), SHORTS),
    "news system, <p>": (_old_system(PARAGRAPHS[:6], False), PARAGRAPHS[:6]),
    "news system, <br>": (_old_system(PARAGRAPHS[:5], True), PARAGRAPHS[:5]),
}
MODES = {"default": {}, "favor_recall": {"favor_recall": True},
         "favor_precision (chuchu)": {"favor_precision": True}}


def main() -> None:
    import logging

    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    print("| page | mode | paragraphs whole | chrome in the text |")
    print("|---|---|---:|---|")
    for name, (html, paragraphs) in PAGES.items():
        for mode, options in MODES.items():
            found = trafilatura.bare_extraction(html, include_comments=False,
                                                include_tables=True, **options)
            text = found.text if found is not None else ""
            whole = sum(1 for p in paragraphs if p in text)
            leaked = "、".join(c for c in CHROME if c in text) or "none"
            print(f"| {name} | {mode} | {whole}/{len(paragraphs)} | {leaked} |")


if __name__ == "__main__":
    main()
