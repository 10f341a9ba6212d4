"""Each reader on Chinese files made here: text encodings, front matter, Word, PDF, web pages,
and a clear reason in Chinese for every file that cannot be read."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import zipfile

import pytest

from document_files import docx_bytes, news_page_html, pdf_bytes
from retrieval.errors import DocumentError
from retrieval.readers import decode, document_paths, extract, load_documents, read_document
from retrieval.readers.metadata import clean_title, iso_date
from retrieval.readers.pdf_layout import Glyph, page_paragraphs
from tests.helpers import write

TEXT = "江南市总工会主席钱多多表示，今年要为职工办好十件实事。\n"
TRADITIONAL = (
    "香港職工會聯合會主席吳秋北表示，政府應加快推動勞工權益保障，為基層打工仔爭取合理工資。\n"
    "記者：請問明年的重點工作是什麼？\n"
    "吳秋北：我們會繼續關注職業安全，推動設立更多職工康樂設施。\n"
)
HONG_KONG = "深水埗區議員表示，邨民反映屋邨設施殘舊，㗎啲問題要盡快處理，要求房署盡快維修。\n"
TITLE = "南湖县总工会开展夏季送清凉活动"
PARAGRAPHS = (
    "本报讯 连日来，南湖县总工会组织工会干部深入建筑工地、环卫站点和物流园区，为一线职工送去防暑降温物品。",
    "南湖县总工会副主席李大同介绍，今年共筹集资金八十万元，慰问高温作业职工五千余人次，"
    "并督促用人单位落实高温津贴和防暑降温措施。",
    "环卫工人陈桂英说：“工会的同志每年夏天都来，送来了绿豆汤和藿香正气水，我们心里很暖。”",
    "据了解，县总工会还在全县设立了六十个“户外劳动者驿站”，为职工提供饮水、休息和应急药品。",
)


# -- text files ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "data, encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        ((TEXT * 3).encode("gb18030"), "gb18030"),
        ((TEXT * 3).encode("gbk"), "gb18030"),
    ],
)
def test_decodes_each_supported_encoding(data, encoding):
    text, found = decode(data, "x.txt")
    assert found == encoding
    assert text.startswith(TEXT)


@pytest.mark.parametrize("codec", ["big5", "cp950", "big5hkscs"])
def test_big5_is_decoded_not_skipped(codec):
    text, found = decode(TRADITIONAL.encode(codec), "hk.txt")
    assert text == TRADITIONAL
    assert found in {"big5hkscs", "cp950"}


def test_hong_kong_characters_of_big5_hkscs():
    text, found = decode(HONG_KONG.encode("big5hkscs"), "hk.txt")
    assert text == HONG_KONG and found == "big5hkscs"


def test_binary_and_garbage_are_refused_with_the_reason_in_chinese():
    with pytest.raises(DocumentError, match="二进制"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.txt")
    with pytest.raises(DocumentError, match="编码"):
        decode(bytes(range(128, 256)) * 4, "noise.txt")


def test_latin1_text_is_not_read_as_chinese():
    with pytest.raises(DocumentError, match="编码"):
        decode("Le café de la rue, résumé et déjà vu à côté.\n".encode("latin-1") * 5, "fr.txt")


def test_front_matter_gives_title_and_source_and_is_not_text(tmp_path):
    write(tmp_path, "a.md", f"""---
title: {TITLE}
date: 2024-07-15
source: 南湖日报
author: [记者 王芳, 通讯员 刘强]
url: https://news.example.cn/2024/07/15/a.html
page: 第3版
---

# 标题行不是题目

{PARAGRAPHS[1]}
""")
    document = read_document(tmp_path / "a.md", tmp_path)
    assert document.title == TITLE
    assert document.source.to_json() == {
        "date": "2024-07-15", "source": "南湖日报", "author": "记者 王芳、通讯员 刘强",
        "url": "https://news.example.cn/2024/07/15/a.html", "page": "第3版"}
    assert "---" not in document.text and "南湖日报" not in document.text
    # The block is blanked line for line: passages keep the file's line numbers.
    assert document.text.splitlines()[11] == PARAGRAPHS[1]


def test_front_matter_with_chinese_keys_in_a_gbk_txt(tmp_path):
    (tmp_path / "b.txt").write_bytes(
        f"---\n标题：{TITLE}\n日期：2024年7月15日\n来源：南湖日报\n---\n{PARAGRAPHS[0]}\n".encode("gbk"))
    document = read_document(tmp_path / "b.txt", tmp_path)
    assert (document.title, document.source.date, document.source.publication) == (
        TITLE, "2024-07-15", "南湖日报")


def test_a_rule_at_the_top_is_not_front_matter(tmp_path):
    write(tmp_path, "c.md", f"---\n\n{TITLE}\n\n{PARAGRAPHS[0]}\n")
    document = read_document(tmp_path / "c.md", tmp_path)
    assert document.title == TITLE and not document.source


def test_web_page_saved_as_txt_is_read_without_tags(tmp_path):
    write(tmp_path, "page.txt", "<p>区委书记王明说，要把为民办实事抓在手上。</p><p>会议要求各单位认真抓好落实。</p>"
          "<p>区总工会主席赵红表示，要办好职工食堂。</p>")
    document = read_document(tmp_path / "page.txt", tmp_path)
    assert "<" not in document.text and "</p>" not in document.text
    assert "区委书记王明说" in document.text and "区总工会主席赵红表示" in document.text


def test_markdown_may_hold_a_few_inline_tags(tmp_path):
    write(tmp_path, "d.md", f"# {TITLE}\n\n{PARAGRAPHS[0]}<br>\n\n{PARAGRAPHS[1]}\n")
    assert "<br>" in read_document(tmp_path / "d.md", tmp_path).text


# -- Word ------------------------------------------------------------------------------------
def test_docx_paragraphs_headings_tables_and_properties(tmp_path):
    (tmp_path / "w.docx").write_bytes(docx_bytes(
        TITLE, PARAGRAPHS, author="王芳", created=dt.datetime(2024, 7, 16, 9, 0),
        table=[["项目", "金额"], ["防暑物品", "八十万元"]]))
    document = read_document(tmp_path / "w.docx", tmp_path)
    assert document.title == TITLE  # from the Title-styled paragraph: the property is empty
    assert document.source.date == "2024-07-16" and document.source.author == "王芳"
    for paragraph in PARAGRAPHS:
        assert paragraph in document.text
    assert "防暑物品\u3000八十万元" in document.text


def test_docx_title_property_and_accounts_that_are_not_authors(tmp_path):
    (tmp_path / "w.docx").write_bytes(docx_bytes("", PARAGRAPHS, author="Administrator",
                                                 doc_title="南湖县送清凉"))
    document = read_document(tmp_path / "w.docx", tmp_path)
    assert document.title == "南湖县送清凉" and document.source.author == ""


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("data, reason", [
    (_zip({"photos/1.jpg": b"\xff\xd8\xff", "readme.txt": b"hello"}), "不是 Word 文档"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "旧版 Word"),
    (b"just some bytes, not a zip", "不是 Word 文档"),
    (_zip({"word/document.xml": b"<not-xml", "[Content_Types].xml": b"<"}), "损坏"),
])
def test_a_docx_that_is_not_one_is_refused_with_the_reason(data, reason):
    with pytest.raises(DocumentError, match=reason) as caught:
        extract(data, "sub/x.docx")
    assert caught.value.path == "sub/x.docx"


# -- PDF -------------------------------------------------------------------------------------
@pytest.mark.parametrize("columns, order", [(1, "column"), (2, "column"), (2, "row")])
def test_pdf_paragraphs_come_whole_and_in_order(columns, order):
    text = extract(pdf_bytes(TITLE, PARAGRAPHS * 3, columns=columns, order=order), "a.pdf").text
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    assert paragraphs[0] == TITLE
    squeezed = "".join(text.split())
    assert "".join("".join(p.split()) for p in PARAGRAPHS * 3) in squeezed  # in reading order
    # Within a column every paragraph is one line, apart from one cut by the column's end.
    whole = sum(1 for p in PARAGRAPHS * 3 if "".join(p.split()) in
                {"".join(q.split()) for q in paragraphs})
    assert whole >= len(PARAGRAPHS) * 3 - columns


def test_pdf_properties_give_title_author_and_date():
    found = extract(pdf_bytes(TITLE, PARAGRAPHS, metadata={"title": "南湖县送清凉", "author": "王芳"},
                              created=dt.datetime(2024, 7, 17, 8, 0)), "a.pdf")
    assert found.title == "南湖县送清凉"
    assert (found.source.date, found.source.author) == ("2024-07-17", "王芳")


def test_encrypted_and_broken_pdfs_are_refused_with_the_reason():
    with pytest.raises(DocumentError, match="加密"):
        extract(pdf_bytes(TITLE, PARAGRAPHS, encrypt="secret"), "locked.pdf")
    data = pdf_bytes(TITLE, PARAGRAPHS)
    with pytest.raises(DocumentError, match="损坏"):
        extract(data[: len(data) // 3], "cut.pdf")
    with pytest.raises(DocumentError, match="损坏"):
        extract(b"%PDF-1.4\nnot really", "fake.pdf")


def test_pdf_that_only_forbids_copying_is_read():
    from reportlab.lib.pdfencrypt import StandardEncryption

    locked = StandardEncryption("", ownerPassword="owner", canCopy=0)
    assert PARAGRAPHS[1] in extract(pdf_bytes(TITLE, PARAGRAPHS, encrypt=locked), "a.pdf").text


def test_pdf_without_text_is_a_scan():
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.rect(100, 100, 200, 300, fill=1)
    page.showPage()
    page.save()
    with pytest.raises(DocumentError, match="扫描件"):
        extract(buffer.getvalue(), "scan.pdf")


def test_layout_reads_a_quote_drawn_after_its_line_in_place():
    # LibreOffice draws “” in a Western font, after the Chinese glyphs of the line.
    line = "他说：“我们心里很暖。”"
    glyphs = [Glyph(ch, 10 * i, 10 * i + 10, 700, 10) for i, ch in enumerate(line) if ch not in "“”"]
    glyphs += [Glyph(ch, 10 * i, 10 * i + 10, 700, 10) for i, ch in enumerate(line) if ch in "“”"]
    assert page_paragraphs(glyphs) == [line]


def test_layout_drops_page_numbers_and_keeps_latin_spaces():
    x, glyphs = 20.0, []
    for char in "G20峰会Hangzhou Summit":
        width = 10 if ord(char) > 127 else 6
        glyphs.append(Glyph(char, x, x + width, 700, 10))
        x += width
    glyphs += [Glyph("7", 300, 306, 40, 10)]  # the page number, alone at the foot
    assert page_paragraphs([g for g in glyphs if g.char != " "]) == ["G20峰会Hangzhou Summit"]


# -- web pages -------------------------------------------------------------------------------
def test_html_main_text_without_navigation_or_footer_and_meta_tags():
    page = news_page_html(TITLE, PARAGRAPHS, published="2024-07-18T09:30:00+08:00",
                          site="南湖日报", author="王芳", canonical="https://news.example.cn/a/1.html")
    found = extract(page.encode("utf-8"), "a.html")
    assert found.title == TITLE
    assert found.source.to_json() == {"date": "2024-07-18", "source": "南湖日报", "author": "王芳",
                                      "url": "https://news.example.cn/a/1.html"}
    for paragraph in PARAGRAPHS:
        assert paragraph in found.text
    for chrome in ("首页", "视频直播间", "相关阅读", "公交线路", "版权所有", "备案号"):
        assert chrome not in found.text


def test_html_in_gbk_declared_by_its_meta_tag():
    page = news_page_html(TITLE, PARAGRAPHS, site="南湖日报", charset="gb2312")
    found = extract(page.encode("gbk", "xmlcharrefreplace"), "a.htm")
    assert PARAGRAPHS[2] in found.text and found.encoding == "gb18030"


def test_chinese_news_system_meta_names():
    page = (f'<html><head><meta name="ArticleTitle" content="{TITLE}">'
            '<meta name="PubDate" content="2024-07-19 10:00"><meta name="ContentSource" '
            'content="南湖日报"><title>南湖新闻网</title></head><body><div class="content">'
            + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div></body></html>")
    found = extract(page.encode("utf-8"), "a.html")
    assert (found.title, found.source.date, found.source.publication) == (
        TITLE, "2024-07-19", "南湖日报")


# -- metadata values -------------------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [
    ("2024-03-07", "2024-03-07"), ("2024/3/7", "2024-03-07"), ("2024.03.07", "2024-03-07"),
    ("2024年3月7日", "2024-03-07"), ("2024年3月", "2024-03"), ("20240307", "2024-03-07"),
    ("2024-03-07T23:30:00+08:00", "2024-03-07"), ("D:20240307093000+08'00'", "2024-03-07"),
    (dt.date(2024, 3, 7), "2024-03-07"), ("2024-02-30", ""), ("昨天", ""), ("", ""),
])
def test_iso_date(value, expected):
    assert iso_date(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("Microsoft Word - 文档1.docx", ""), ("untitled", ""), ("文档1", ""), ("报告.pdf", ""),
    ("  南湖县  送清凉 ", "南湖县 送清凉"),
])
def test_clean_title(value, expected):
    assert clean_title(value) == expected


# -- the folder ------------------------------------------------------------------------------
def test_folder_lists_documents_and_unsupported_files_but_not_litter(tmp_path):
    for name in ("a.txt", "b.docx", "c.csv", "sub/d.pdf", ".hidden.txt", "~$b.docx", "Thumbs.db",
                 ".git/config", "__MACOSX/a.txt", "notes.txt~"):
        write(tmp_path, name, "x")
    assert [p.relative_to(tmp_path).as_posix() for p in document_paths(tmp_path)] == [
        "a.txt", "b.docx", "c.csv", "sub/d.pdf"]


def test_unsupported_large_and_unreadable_files_each_have_a_reason(tmp_path):
    write(tmp_path, "a.txt", TEXT)
    write(tmp_path, "table.csv", "a,b\n1,2\n")
    write(tmp_path, "old.doc", "x")
    with open(tmp_path / "huge.txt", "wb") as handle:  # sparse: 200 MB on paper, none on disk
        handle.truncate(200 * 1024 * 1024)
    (tmp_path / "b.md").write_bytes(b"\x00\x01\x02binary")
    items = {getattr(item, "id", None) or item.path: item for item in load_documents(tmp_path)}
    assert items["a.txt"].title
    assert "不支持的文件类型（.csv" in items["table.csv"].reason
    assert "另存为 .docx" in items["old.doc"].reason
    assert items["huge.txt"].reason == "文件过大（200 MB，上限 50 MB）"
    assert "二进制" in items["b.md"].reason


def test_a_file_of_several_articles_marks_each_with_its_own_front_matter(tmp_path):
    write(tmp_path, "digest.md", f"""---
title: 七月工会要闻
source: 南湖日报
date: 2024-07
---

# 第一篇

{PARAGRAPHS[0]}

---
title: {TITLE}
date: 2024-07-20
url: https://news.example.cn/2024/07/20/a.html
---

{PARAGRAPHS[1]}

---

这一段之前是一条分隔线，不是新文章。

---
标题: 南湖县职工疗休养启动
日期: 2024年7月25日
---

{PARAGRAPHS[3]}
""")
    document = read_document(tmp_path / "digest.md", tmp_path)
    assert document.title == "七月工会要闻"
    assert [(a.title, a.source.date, a.source.url, a.source.publication)
            for a in document.articles] == [
        ("七月工会要闻", "2024-07", "", "南湖日报"),
        (TITLE, "2024-07-20", "https://news.example.cn/2024/07/20/a.html", "南湖日报"),
        ("南湖县职工疗休养启动", "2024-07-25", "", "南湖日报")]
    lines = document.text.split("\n")
    assert [lines[a.line - 1] for a in document.articles] == ["# 第一篇", PARAGRAPHS[1], PARAGRAPHS[3]]
    assert "title:" not in document.text and "日期" not in document.text
    assert "这一段之前是一条分隔线" in document.text
    from retrieval.chunking import chunk_document

    dates = {p.text[:8]: p.source.date for p in chunk_document(document)}
    assert dates[PARAGRAPHS[1][:8]] == "2024-07-20" and dates[PARAGRAPHS[3][:8]] == "2024-07-25"
    assert dates["这一段之前是一条"] == "2024-07-20"  # still the second article


def test_docx_text_boxes_are_read_once(tmp_path):
    """A page laid out in Word puts articles in text boxes: Word writes each box twice, as a
    drawing and as a fallback for old readers; python-docx's paragraph text has neither."""
    import docx
    from lxml import etree

    document = docx.Document(io.BytesIO(docx_bytes(TITLE, PARAGRAPHS[:1])))
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    box = (f'<w:txbxContent xmlns:w="{w}"><w:p><w:r><w:t>{PARAGRAPHS[2]}</w:t></w:r></w:p>'
           f'<w:p><w:r><w:t>{PARAGRAPHS[3]}</w:t></w:r></w:p></w:txbxContent>')
    run = etree.fromstring(f"""<w:r xmlns:w="{w}"
        xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
        xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
        xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent>
        <mc:Choice Requires="wps"><w:drawing><wps:txbx>{box}</wps:txbx></w:drawing></mc:Choice>
        <mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>
        </mc:AlternateContent></w:r>""")
    document.paragraphs[-1]._p.append(run)
    buffer = io.BytesIO()
    document.save(buffer)
    text = extract(buffer.getvalue(), "boxes.docx").text
    assert text.count(PARAGRAPHS[2]) == 1 and text.count(PARAGRAPHS[3]) == 1
    assert text.index(PARAGRAPHS[0]) < text.index(PARAGRAPHS[2]) < text.index(PARAGRAPHS[3])


def test_text_of_common_characters_is_readable_without_a_look_at_each():
    # `readable` accepts a text of common characters (ASCII, CJK, punctuation) at once; none of
    # them may be a control, private-use, surrogate or unassigned character.
    import unicodedata

    from retrieval.readers.encoding import _UNCOMMON, readable

    common = [chr(c) for c in range(0x10000) if _UNCOMMON.match(chr(c)) is None]
    assert len(common) > 20000
    assert not [ch for ch in common if unicodedata.category(ch) in {"Cc", "Co", "Cs", "Cn"}
                and ch not in "\n\r\t\f"]
    assert _UNCOMMON.match("\U00020000") and _UNCOMMON.match("\ue000")
    assert readable("工会\n\t　职工。") and readable("")
    assert not readable("工会" + "\x01" * 10) and not readable("\ue000" * 5 + "工会")
