"""Adding and removing documents from Telegram, end to end: the real `Application` against the
fake Bot API (its `getFile` and file download endpoint), a local web server this test starts for
`/add`, the real readers, cache and index over a documents folder in `tmp_path`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.telegram import AnswererHolder, file_url
from bot.telegram_network import Tuning
from bot.logging_setup import configure_logging
from config.settings import BUNDLED_SEEDS, load_settings
from document_files import docx_bytes, news_page_html
from fake_bot_api import TOKEN, FakeBotApi, running_bot, write_corpus
from retrieval.answer import Answerer
from retrieval.errors import IndexError_
from retrieval.store import IndexStore

FAST = Tuning(connect_timeout=1, read_timeout=2, write_timeout=1, pool_timeout=1, backoff=0.02,
              attempts=2)
ADMIN = 77
MEMBER = 5
GROUP = -1001
SECRET = TOKEN.split(":", 1)[1]

# A Word file about something the bundled test corpus never mentions.
WORD_TITLE = "西山区总工会为快递小哥建驿站"
WORD = (
    "本报讯 西山区总工会日前在快递网点集中的地段建成十个“小哥驿站”，免费提供饮水、充电和休息场所。",
    "西山区总工会主席马晓东表示，驿站由工会和快递企业共建共管，今后还将增加法律咨询和心理疏导服务。",
)
WORD_QUESTION = "快递小哥驿站由谁共建共管"
# A web page about something else again.
PAGE_TITLE = "东湖街道开办职工夜校"
PAGE = (
    "本报讯 东湖街道总工会开办的职工夜校日前开课，首期开设电工、育婴和电脑操作三门课程。",
    "东湖街道总工会副主席孙丽萍说，夜校课程全部免费，职工下班后就近学习技能，结业后可参加职业技能鉴定。",
)
PAGE_QUESTION = "职工夜校开设哪些课程"
DECLINED = "没有找到相关内容"


class _Site(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        type(self).requests.append(self.path)
        body = news_page_html(PAGE_TITLE, PAGE, published="2024-09-03T09:00:00+08:00",
                              site="东湖时报").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    _Site.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/news/2024/0903.html"
    server.shutdown()
    server.server_close()


def settings_for(server: FakeBotApi, documents: Path, **extra: object):
    return load_settings(
        documents_dir=documents, cache_dir=documents.parent / "cache", telegram_token=TOKEN,
        telegram_api_url=server.base_url, telegram_admins=[ADMIN],
        fetch_allowed_networks=["127.0.0.1/32"], **extra)


class CountingBuilds:
    """/reload's build, keeping each build's cache statistics (what was read and chunked)."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self.stats: list[dict[str, int]] = []

    def __call__(self) -> Answerer:
        store = IndexStore(self.settings.cache_dir)
        answerer = Answerer.build(self.settings, store)
        self.stats.append(dict(store.stats))
        return answerer

    def holder(self) -> AnswererHolder:
        return AnswererHolder(self(), self)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


async def ask(server: FakeBotApi, text: str, chat_id: int = ADMIN, **kwargs: object):
    message_id = server.message(text, chat_id=chat_id, **kwargs)  # type: ignore[arg-type]
    return (await server.wait_for(lambda: server.replies_to(chat_id, message_id)))[-1]


async def final_reply(server: FakeBotApi, chat_id: int, message_id: int, *marks: str):
    """The bot's reply to `message_id` holding one of `marks` (after any progress message)."""
    found = await server.wait_for(lambda: [r for r in server.replies_to(chat_id, message_id)
                                           if any(m in r.plain for m in marks)])
    return found[-1]


class Raw(logging.Handler):
    """Records as their loggers made them, before any redacting filter rewrites them."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def logs():
    """The production logging (`configure_logging`) at DEBUG into a buffer, and the raw records
    of chuchu's own loggers; both put back afterwards."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level,
             {name: logging.getLogger(name).level for name in ("httpx", "httpcore")})
    stream = io.StringIO()
    configure_logging("DEBUG", stream=stream)
    raw = Raw()
    for name in ("bot", "retrieval"):
        logging.getLogger(name).addHandler(raw)
    yield stream, raw
    for name in ("bot", "retrieval"):
        logging.getLogger(name).removeHandler(raw)
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


async def test_admin_adds_a_word_file_and_a_page_asks_and_removes(server, tmp_path, site, logs):
    documents = write_corpus(tmp_path / "docs")
    settings = settings_for(server, documents)
    builds = CountingBuilds(settings)
    word = docx_bytes(WORD_TITLE, WORD, author="王敏", created=dt.datetime(2024, 8, 2))
    async with running_bot(server, settings, builds.holder(), FAST):
        before = await ask(server, WORD_QUESTION)
        sent = server.document(word, "驿站.docx", chat_id=ADMIN)
        added = await final_reply(server, ADMIN, sent, "已收录", "未能", "失败")
        answered = await ask(server, WORD_QUESTION)
        asked_member = await ask(server, WORD_QUESTION, chat_id=MEMBER)

        linked = server.message(f"/add {site}", chat_id=ADMIN)
        page = await final_reply(server, ADMIN, linked, "已收录", "未能", "失败")
        page_answer = await ask(server, PAGE_QUESTION)

        removal = server.message("/remove 驿站.docx", chat_id=ADMIN)
        removed = await final_reply(server, ADMIN, removal, "已删除")
        after = await ask(server, WORD_QUESTION)
        missing = await ask(server, "/remove 驿站.docx")
    assert before.plain.startswith(DECLINED)

    # The file came through getFile and the file endpoint, and is stored as it was sent.
    assert [c.params["file_id"] for c in server.calls_of("getFile")] and server.downloads
    assert "已收录《西山区总工会为快递小哥建驿站》" in added.plain
    assert "编号：驿站.docx" in added.plain and "2024-08-02" in added.plain
    assert "共 2 段。" in added.plain and "作者：王敏" in added.plain and "马晓东（西山区总工会主席）" in added.plain
    assert "现共收录 3 篇文档" in added.plain
    # Indexed incrementally: the build after the upload read and chunked the new file alone.
    assert builds.stats[1]["documents_cut"] == 1 and builds.stats[1]["documents_read"] == 1

    assert "驿站由工会和快递企业共建共管" in answered.plain and "马晓东" in answered.plain
    assert "驿站由工会和快递企业共建共管" in asked_member.plain  # every chat sees it

    assert "已收录《东湖街道开办职工夜校》" in page.plain and "东湖时报" in page.plain
    assert f'<a href="{site}">' in page.text  # the page's address is its citation link
    assert _Site.requests == ["/news/2024/0903.html"]
    assert "电工、育婴和电脑操作三门课程" in page_answer.plain and site in page_answer.text

    assert "已删除《西山区总工会为快递小哥建驿站》（驿站.docx）" in removed.plain
    assert "现共收录 3 篇文档" in removed.plain  # the two of the corpus and the page
    assert not (documents / "驿站.docx").exists()
    assert after.plain.startswith(DECLINED)
    assert missing.plain.startswith("没有编号为 驿站.docx 的文档")
    assert sorted(snapshot(documents)) == ["models.txt", "union.txt", "东湖街道开办职工夜校.html"]

    # The download URL holds the token. python-telegram-bot logs its base at DEBUG; the log
    # chuchu writes shows it redacted, and chuchu's own lines never hold it at all.
    stream, raw = logs
    written = stream.getvalue()
    assert "endpoint `getFile` finished" in written and "/file/bot123456789:[REDACTED]" in written
    assert SECRET not in written
    assert raw.lines and not [line for line in raw.lines if SECRET in line]


async def test_others_are_refused_and_nothing_is_fetched_stored_or_removed(server, tmp_path, site):
    documents = write_corpus(tmp_path / "docs")
    settings = settings_for(server, documents, telegram_allowed_users=[MEMBER],
                            telegram_allowed_chats=[GROUP])
    before = snapshot(documents)
    word = docx_bytes(WORD_TITLE, WORD)
    async with running_bot(server, settings, Answerer.build(settings), FAST):
        member_file = server.document(word, "驿站.docx", chat_id=MEMBER)
        stranger_file = server.document(word, "驿站.docx", chat_id=9)
        group_chatter = server.document(word, "驿站.docx", chat_id=GROUP, user_id=MEMBER)
        group_file = server.document(word, "驿站.docx", chat_id=GROUP, user_id=MEMBER,
                                     caption="@chuchu_test_bot 请收录")
        replies = [await server.wait_for(lambda m=m, c=c: server.replies_to(c, m))
                   for m, c in ((member_file, MEMBER), (stranger_file, 9), (group_file, GROUP))]
        add = await ask(server, f"/add {site}", chat_id=MEMBER)
        remove = await ask(server, "/remove models.txt", chat_id=MEMBER)
        group_remove = await ask(server, "/remove@chuchu_test_bot union.txt", chat_id=GROUP,
                                 user_id=MEMBER)
        help_member = await ask(server, "/help", chat_id=MEMBER)
    member, stranger, group = (r[-1].plain for r in replies)
    assert member == group == "抱歉，只有管理员可以向机器人添加文档。如需收录，请把文件交给管理员。"
    assert stranger.startswith("抱歉，这个机器人只对授权的用户和群组开放")
    assert server.replies_to(GROUP, group_chatter) == []  # a file shared among people
    for reply in (add, remove, group_remove):
        assert reply.plain == "抱歉，这个命令只有管理员可以使用。"
    assert "/add" not in help_member.plain and "/remove" not in help_member.plain
    assert server.calls_of("getFile") == [] and server.downloads == []
    assert _Site.requests == []
    assert snapshot(documents) == before


async def test_a_file_over_20_mb_is_refused_before_it_is_downloaded(server, tmp_path):
    documents = write_corpus(tmp_path / "docs")
    settings = settings_for(server, documents)
    before = snapshot(documents)
    async with running_bot(server, settings, Answerer.build(settings), FAST):
        announced = server.document(None, "合订本.pdf", chat_id=ADMIN, size=25 * 2**20)
        refused = (await server.wait_for(lambda: server.replies_to(ADMIN, announced)))[-1]
        assert server.calls_of("getFile") == []  # refused on the size the message gave
        unannounced = server.document(None, "合订本.pdf", chat_id=ADMIN, size=25 * 2**20,
                                      announce_size=False)
        refused_by_api = (await server.wait_for(lambda: server.replies_to(ADMIN, unannounced)))[-1]
    assert refused.plain.startswith("抱歉，这个文件有 25.0 MB，超过了 Telegram 允许机器人下载的 20 MB")
    assert refused_by_api.plain.startswith("抱歉，这个文件超过了 Telegram 允许机器人下载的 20 MB")
    assert len(server.calls_of("getFile")) == 1  # asked once, and the Bot API said too big
    assert server.downloads == [] and snapshot(documents) == before


@pytest.mark.parametrize("name, data, reason", [
    ("旧稿.docx", b"PK\x03\x04 not really a zip", "不是 Word 文档"),
    ("扫描件.pdf", b"%PDF-1.4 broken", "损坏"),
    ("报表.xlsx", b"PK\x03\x04", "不支持的文件类型（.xlsx，表格文件，不是文章）"),
])
async def test_an_unreadable_file_is_refused_with_its_reason(server, tmp_path, name, data, reason):
    documents = write_corpus(tmp_path / "docs")
    settings = settings_for(server, documents)
    before = snapshot(documents)
    async with running_bot(server, settings, Answerer.build(settings), FAST):
        sent = server.document(data, name, chat_id=ADMIN)
        reply = (await server.wait_for(lambda: server.replies_to(ADMIN, sent)))[-1]
    assert reply.plain.startswith(f"未能添加 {name}：") and reason in reply.plain
    assert reply.plain.endswith("没有保存任何文件。")
    assert snapshot(documents) == before
    if name.endswith(".xlsx"):  # a type no reader takes: refused on its name, not downloaded
        assert server.calls_of("getFile") == [] and server.downloads == []
    else:
        assert len(server.downloads) == 1


async def test_bad_links_usage_and_unknown_ids_are_answered_in_chinese(server, tmp_path, site):
    documents = write_corpus(tmp_path / "docs")
    # Links may not reach this machine unless a setting allows it: here it does not.
    settings = settings_for(server, documents).model_copy(update={"fetch_allowed_networks": []})
    before = snapshot(documents)
    async with running_bot(server, settings, Answerer.build(settings), FAST):
        loopback = await ask(server, f"/add {site}")
        scheme = await ask(server, "/add ftp://example.org/a.html")
        usage = await ask(server, "/add")
        remove_usage = await ask(server, "/remove")
        outside = await ask(server, "/remove ../cache")
    assert "链接指向内网或本机地址" in loopback.plain and _Site.requests == []
    assert "只能添加 http 或 https 开头的网页链接" in scheme.plain
    assert usage.plain.startswith("用法：/add 网页链接")
    assert remove_usage.plain.startswith("用法：/remove 编号")
    assert outside.plain.startswith("没有编号为 ../cache 的文档")
    assert snapshot(documents) == before


async def test_the_last_document_and_the_bundled_samples_are_kept(server, tmp_path, answerer):
    documents = tmp_path / "docs"
    documents.mkdir()
    (documents / "only.txt").write_text(
        "职工书屋开放\n\n本报讯 市总工会职工书屋今起开放，职工可以免费借阅图书。\n", encoding="utf-8")
    settings = settings_for(server, documents)
    async with running_bot(server, settings, Answerer.build(settings), FAST):
        last = await ask(server, "/remove only.txt")
    assert last.plain.startswith("这是目前唯一的文档") and (documents / "only.txt").exists()

    seeds_before = snapshot(BUNDLED_SEEDS)
    bundled = settings_for(server, BUNDLED_SEEDS).model_copy(
        update={"cache_dir": tmp_path / "cache2"})
    async with running_bot(server, bundled, answerer, FAST):
        sent = server.document(docx_bytes(WORD_TITLE, WORD), "驿站.docx", chat_id=ADMIN)
        refused = (await server.wait_for(lambda: server.replies_to(ADMIN, sent)))[-1]
    assert "自带的示例文档" in refused.plain and "CHUCHU_DOCUMENTS_DIR" in refused.plain
    assert snapshot(BUNDLED_SEEDS) == seeds_before and server.downloads == []


async def test_sources_help_and_menu_for_admins(server, tmp_path, caplog):
    documents = write_corpus(tmp_path / "docs")
    (documents / "报表.csv").write_text("月份,人数\n1,2\n", encoding="utf-8")
    (documents / "旧稿.docx").write_bytes(b"PK\x03\x04 not a word file")
    settings = settings_for(server, documents)
    holder = CountingBuilds(settings).holder()
    caplog.set_level(logging.WARNING, logger="bot.telegram_state")
    async with running_bot(server, settings, holder, FAST):
        admin_sources = await ask(server, "/sources")
        member_sources = await ask(server, "/sources", chat_id=MEMBER)
        admin_help = await ask(server, "/help")
        reload = server.message("/reload", chat_id=ADMIN)
        await final_reply(server, ADMIN, reload, "已重新加载")
    text = admin_sources.plain
    assert "《全市劳模座谈会召开》" in text and "未能收录的文件（共 2 个" in text
    assert text.count("报表.csv") == 1 and "表格文件，不是文章" in text
    assert text.count("旧稿.docx") == 1 and "不是 Word 文档" in text
    assert "《全市劳模座谈会召开》" in member_sources.plain and "报表.csv" not in member_sources.plain
    assert "/add 链接" in admin_help.plain and "/remove 编号" in admin_help.plain
    assert "发送文件" in admin_help.plain
    menus = {json.loads(scope)["type"]: [c["command"] for c in cmds]
             for scope, cmds in server.commands.items()}
    assert {"add", "remove"} <= set(menus["chat"]) and "add" not in menus["default"]
    # The reload names each left-out file once, in Chinese.
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.telegram_state"]
    assert sorted(lines) == sorted([
        "已跳过 报表.csv：不支持的文件类型（.csv，表格文件，不是文章）；支持 .txt、.md、.docx、.pdf、.html、.htm",
        next(line for line in lines if line.startswith("已跳过 旧稿.docx：")),
    ])


async def test_the_file_url_follows_the_api_url_unless_set(server, tmp_path):
    assert file_url(load_settings(telegram_api_url="https://api.telegram.org/bot")) == \
        "https://api.telegram.org/file/bot"
    assert file_url(load_settings(telegram_api_url="http://10.0.0.5:8081/bot/")) == \
        "http://10.0.0.5:8081/file/bot"
    assert file_url(load_settings(telegram_file_url="https://files.example.org/file/bot")) == \
        "https://files.example.org/file/bot"
    # Set to where no file server listens, the download fails: the setting is what is used.
    documents = write_corpus(tmp_path / "docs")
    settings = settings_for(server, documents, telegram_file_url="http://127.0.0.1:9/file/bot")
    before = snapshot(documents)
    async with running_bot(server, settings, Answerer.build(settings), FAST):
        sent = server.document(docx_bytes(WORD_TITLE, WORD), "驿站.docx", chat_id=ADMIN)
        reply = (await server.wait_for(lambda: server.replies_to(ADMIN, sent), timeout=15))[-1]
    assert reply.plain == "抱歉，从 Telegram 下载文件失败，没有保存。请稍后再发送一次。"
    assert len(server.calls_of("getFile")) == 1 and server.downloads == []
    assert snapshot(documents) == before


async def test_other_chats_are_answered_while_a_document_is_indexed(server, tmp_path):
    documents = write_corpus(tmp_path / "docs")
    settings = settings_for(server, documents)
    builds = CountingBuilds(settings)
    started, release = threading.Event(), threading.Event()

    def held_build() -> Answerer:
        started.set()
        release.wait(10)  # the index is being built until the test says otherwise
        return builds()

    async with running_bot(server, settings, AnswererHolder(builds(), held_build), FAST):
        sent = server.document(docx_bytes(WORD_TITLE, WORD), "驿站.docx", chat_id=ADMIN)
        await server.wait_for(lambda: started.is_set() and server.replies_to(ADMIN, sent))
        meanwhile = await ask(server, "劳模精神", chat_id=MEMBER)
        release.set()
        added = await final_reply(server, ADMIN, sent, "已收录")
    assert "劳模精神是宝贵的精神财富" in meanwhile.plain  # answered from the index in use
    assert server.replies_to(ADMIN, sent)[0].plain == "已保存为 驿站.docx，正在编入索引……"
    assert meanwhile.at < added.at


async def test_in_a_group_an_admin_adds_a_file_by_mentioning_the_bot(server, tmp_path):
    documents = write_corpus(tmp_path / "docs")
    settings = settings_for(server, documents)
    word = docx_bytes(WORD_TITLE, WORD)
    async with running_bot(server, settings, Answerer.build(settings), FAST):
        shared = server.document(word, "驿站.docx", chat_id=GROUP, user_id=ADMIN, caption="大家看看")
        sent = server.document(word, "驿站.docx", chat_id=GROUP, user_id=ADMIN,
                               caption="@chuchu_test_bot 收录这篇")
        added = await final_reply(server, GROUP, sent, "已收录")
    assert "《西山区总工会为快递小哥建驿站》" in added.plain
    assert server.replies_to(GROUP, shared) == [] and len(server.downloads) == 1
    assert sorted(snapshot(documents)) == ["models.txt", "union.txt", "驿站.docx"]


async def test_when_indexing_fails_the_file_is_kept_and_the_index_in_use_stays(server, tmp_path):
    documents = write_corpus(tmp_path / "docs")
    settings = settings_for(server, documents)

    def broken_build() -> Answerer:
        raise IndexError_("索引文件损坏")

    async with running_bot(server, settings, AnswererHolder(Answerer.build(settings), broken_build),
                           FAST):
        sent = server.document(docx_bytes(WORD_TITLE, WORD), "驿站.docx", chat_id=ADMIN)
        failed = await final_reply(server, ADMIN, sent, "失败")
        still = await ask(server, "劳模精神", chat_id=MEMBER)
    assert failed.plain == ("文件已保存为 驿站.docx，但编入索引失败，继续使用原来的索引：索引文件损坏。"
                            "可稍后发送 /reload 重试。")
    assert (documents / "驿站.docx").exists()  # nothing lost: the next reload indexes it
    assert "劳模精神是宝贵的精神财富" in still.plain
