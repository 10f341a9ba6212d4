"""Adding and removing documents: uploads checked and stored without overwriting, links fetched
from a local HTTP server this test starts (with private addresses refused), removal by id."""

from __future__ import annotations

import datetime as dt
import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from config.settings import load_settings
from document_files import docx_bytes, news_page_html, pdf_bytes
from retrieval.answer import Answerer
from retrieval.errors import DocumentError, IngestError
from retrieval.ingest import fetch_url, remove_document, safe_name, store_upload
from retrieval.readers import read_document

TITLE = "西山区总工会为快递小哥建驿站"
PARAGRAPHS = (
    "本报讯 西山区总工会日前在辖区快递网点集中的地段建成十个“小哥驿站”，免费提供饮水、充电和休息场所。",
    "西山区总工会主席马晓东表示，驿站由工会和快递企业共建共管，今后还将增加法律咨询和心理疏导服务。",
)
PAGE = news_page_html(TITLE, PARAGRAPHS, published="2024-08-01T10:00:00+08:00", site="西山日报",
                      charset="gbk")
ALLOW_LOOPBACK = ["127.0.0.1/32"]


class _Handler(BaseHTTPRequestHandler):
    requests: list[str] = []
    hosts: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        type(self).requests.append(self.path)
        type(self).hosts.append(self.headers.get("Host", ""))
        port = self.server.server_address[1]
        routes = {
            "/article": (200, "text/html; charset=gbk", PAGE.encode("gbk", "xmlcharrefreplace")),
            "/moved": (302, "", f"http://127.0.0.1:{port}/article"),
            "/inside": (302, "", f"http://127.0.0.2:{port}/article"),
            "/report.pdf": (200, "application/pdf", pdf_bytes(TITLE, PARAGRAPHS)),
            "/empty": (200, "text/html", "<html><body><nav>首页</nav></body></html>".encode()),
            "/huge": (200, "text/html", b"<html>" + b"x" * 300_000),
            "/missing": (404, "text/html", b"not here"),
            "/zipped": (200, "text/html; charset=gbk",
                        gzip.compress(PAGE.encode("gbk", "xmlcharrefreplace"))),
            "/bomb": (200, "text/html", gzip.compress(b"<html>" + b" " * 5_000_000)),
        }
        if self.path == "/slow":
            time.sleep(1.0)
            routes["/slow"] = routes["/article"]
        status, kind, body = routes.get(self.path, routes["/missing"])
        self.send_response(status)
        if status == 302:
            self.send_header("Location", str(body))
            body = b""
        if kind:
            self.send_header("Content-Type", kind)
        if self.path in ("/zipped", "/bomb"):  # sent although the client asked for identity
            self.send_header("Content-Encoding", "gzip")
        data = body if isinstance(body, bytes) else str(body).encode()
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    _Handler.requests, _Handler.hosts = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.block_on_close = False  # the slow page's handler may still be asleep at the end
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# -- uploads ---------------------------------------------------------------------------------
def test_upload_is_checked_stored_and_never_overwrites(tmp_path):
    folder = tmp_path / "docs"
    word = docx_bytes(TITLE, PARAGRAPHS, author="马晓东", created=dt.datetime(2024, 8, 2))
    first = store_upload(folder, "驿站.docx", word)
    assert first.path == folder / "驿站.docx" and first.path.read_bytes() == word
    assert first.document.id == "驿站.docx" and first.document.title == TITLE
    assert first.document.source.date == "2024-08-02"
    other = docx_bytes("另一篇", PARAGRAPHS[:1])
    second = store_upload(folder, "驿站.docx", other)
    assert second.path.name == "驿站-2.docx" and second.document.id == "驿站-2.docx"
    assert first.path.read_bytes() == word  # the first file is untouched
    assert sorted(p.name for p in folder.iterdir()) == ["驿站-2.docx", "驿站.docx"]


@pytest.mark.parametrize("name, data, reason", [
    ("scan.pdf", b"%PDF-1.4 broken", "损坏"),
    ("fake.docx", b"PK\x03\x04 not really a zip", "不是 Word 文档"),
    ("photo.jpg", b"\xff\xd8\xff\xe0", "不支持的文件类型"),
    ("big.txt", "职工".encode() * 20, "文件过大"),
])
def test_an_unreadable_upload_is_refused_and_nothing_is_stored(tmp_path, name, data, reason):
    with pytest.raises(DocumentError, match=reason):
        store_upload(tmp_path / "docs", name, data, max_bytes=100 if name == "big.txt" else 2**20)
    assert not (tmp_path / "docs").exists() or not any((tmp_path / "docs").iterdir())


def test_a_folder_that_cannot_be_written_is_one_chinese_reason(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the documents folder should be", encoding="utf-8")
    with pytest.raises(IngestError, match="文档目录无法写入"):
        store_upload(blocked / "docs", "驿站.docx", docx_bytes(TITLE, PARAGRAPHS))
    assert blocked.read_text(encoding="utf-8").startswith("a file")


@pytest.mark.parametrize("given, stored", [
    ("../../etc/passwd.txt", "passwd.txt"), ("C:\\Users\\x\\新闻.TXT", "新闻.txt"),
    (".hidden.md", "hidden.md"), ("~$临时.docx", "临时.docx"), ("a<b>:c?.html", "a_b_c_.html"),
])
def test_safe_names(given, stored):
    assert safe_name(given) == stored


# -- links -----------------------------------------------------------------------------------
def test_link_is_fetched_and_stored_as_html_with_its_url(tmp_path, site):
    folder = tmp_path / "docs"
    stored = fetch_url(folder, f"{site}/moved", allowed_networks=ALLOW_LOOPBACK)
    assert stored.path.suffix == ".html" and stored.path.parent == folder
    document = read_document(stored.path, folder)
    assert document.title == TITLE and stored.document.title == TITLE
    assert document.source.url == f"{site}/article"  # where the page was, after the redirect
    assert (document.source.date, document.source.publication) == ("2024-08-01", "西山日报")
    assert PARAGRAPHS[1] in document.text and "首页" not in document.text
    # The folder answers from it like any document, with its link.
    answerer = Answerer.build(load_settings(documents_dir=folder, cache_dir=tmp_path / "cache"))
    hit = answerer.ask("驿站提供什么服务？").hits[0]
    assert hit.passage.source.url == f"{site}/article"


def test_loopback_and_private_addresses_are_refused_unless_allowed(tmp_path, site):
    port = site.rsplit(":", 1)[1]
    for url in (f"{site}/article", f"http://localhost:{port}/article"):
        with pytest.raises(IngestError, match="内网或本机"):
            fetch_url(tmp_path, url)
    assert _Handler.requests == []  # refused before connecting
    with pytest.raises(IngestError, match="内网或本机"):  # a redirect is checked again
        fetch_url(tmp_path, f"{site}/inside", allowed_networks=ALLOW_LOOPBACK)
    assert _Handler.requests == ["/inside"]


def test_the_checked_address_is_the_one_connected_to(tmp_path, site):
    """A name is resolved once per hop: a resolver whose second answer points elsewhere (DNS
    rebinding) is never asked again, and the request names the host, not the address."""
    port = int(site.rsplit(":", 1)[1])
    asked: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"] if len(asked) == 1 else ["127.0.0.2"]

    stored = fetch_url(tmp_path, f"http://news.example:{port}/article",
                       allowed_networks=ALLOW_LOOPBACK, resolver=rebinding)
    assert asked == ["news.example"] and _Handler.hosts == [f"news.example:{port}"]
    assert stored.document.source.url == f"http://news.example:{port}/article"


@pytest.mark.parametrize("url, message", [
    ("ftp://example.com/a.html", "http 或 https"), ("file:///etc/passwd", "http 或 https"),
    ("http://user:pw@example.com/", "用户名或密码"), ("javascript:alert(1)", "http 或 https"),
])
def test_links_that_are_not_web_pages_are_refused(tmp_path, url, message):
    with pytest.raises(IngestError, match=message):
        fetch_url(tmp_path, url)


@pytest.mark.parametrize("path, kwargs, message", [
    ("/report.pdf", {}, "不是网页"),
    ("/missing", {}, "HTTP 404"),
    ("/huge", {"max_bytes": 100_000}, "超过"),
    ("/slow", {"timeout": 0.3}, "超时"),
])
def test_pages_that_cannot_be_added_say_why(tmp_path, site, path, kwargs, message):
    with pytest.raises(IngestError, match=message):
        fetch_url(tmp_path / "docs", site + path, allowed_networks=ALLOW_LOOPBACK, **kwargs)
    assert not (tmp_path / "docs").exists()


def test_a_page_compressed_against_our_wish_is_unpacked_within_the_limit(tmp_path, site):
    stored = fetch_url(tmp_path, f"{site}/zipped", allowed_networks=ALLOW_LOOPBACK)
    assert stored.document.title == TITLE
    with pytest.raises(IngestError, match="超过"):
        fetch_url(tmp_path, f"{site}/bomb", allowed_networks=ALLOW_LOOPBACK, max_bytes=1_000_000)


def test_a_page_without_text_is_refused(tmp_path, site):
    with pytest.raises(DocumentError, match="没有找到正文"):
        fetch_url(tmp_path / "docs", f"{site}/empty", allowed_networks=ALLOW_LOOPBACK)


# -- removal ---------------------------------------------------------------------------------
def test_remove_by_id_and_nothing_outside_the_folder(tmp_path):
    folder = tmp_path / "docs"
    stored = store_upload(folder, "sub/驿站.txt", f"{TITLE}\n\n{PARAGRAPHS[0]}\n".encode())
    (tmp_path / "secret.txt").write_text("keep")
    for wrong in ("../secret.txt", "/../secret.txt", "", "nothing.txt", "."):
        with pytest.raises(IngestError, match="没有编号"):
            remove_document(folder, wrong)
    assert (tmp_path / "secret.txt").exists()
    assert remove_document(folder, stored.document.id) == stored.path.resolve()
    assert not stored.path.exists()
