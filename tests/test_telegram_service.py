"""The bot as a service, end to end against the fake Bot API: feedback that survives a
restart, corrections that apply everywhere, statistics, access from Telegram, fairness under a
flood, and metadata too long for a message."""

from __future__ import annotations

import asyncio
import io
import json
import time
from pathlib import Path

from bot.cli import main
from bot.console import run_console
from bot.service import Service
from bot.storage import open_storage
from bot.telegram_network import Tuning
from config.settings import load_settings
from fake_bot_api import TOKEN, FakeBotApi, plain_text, running_bot, write_corpus
from retrieval.answer import Answerer

FAST = Tuning(connect_timeout=1, read_timeout=1, write_timeout=1, pool_timeout=1, backoff=0.05)
ADMIN = 77


def settings_for(server: FakeBotApi, documents: Path, data: Path, **extra: object):
    return load_settings(documents_dir=documents, cache_dir=documents.parent / "cache",
                         data_dir=data, telegram_token=TOKEN, telegram_api_url=server.base_url,
                         telegram_admins=[ADMIN], **extra)


async def ask(server: FakeBotApi, text: str, chat_id: int = 5, **kwargs: object):
    message_id = server.message(text, chat_id=chat_id, **kwargs)  # type: ignore[arg-type]
    replies = await server.wait_for(lambda: server.replies_to(chat_id, message_id))
    return replies[-1]


async def press(server: FakeBotApi, sent, text: str, user_id: int | None = None) -> str:
    [button] = [b for b in sent.buttons() if b["text"] == text]
    query = server.press(sent, button["callback_data"], user_id=user_id)
    [answer] = await server.wait_for(lambda: server.callback_answers[query])
    return answer.get("text", "")


async def test_feedback_is_acknowledged_changed_not_duplicated_and_survives_a_restart(
        server, corpus, answerer, tmp_path):
    settings = settings_for(server, corpus, tmp_path / "data")
    async with running_bot(server, settings, answerer, FAST):
        reply = await ask(server, "服务职工")
        assert await press(server, reply, "👎") == "谢谢反馈：👎"
        assert await press(server, reply, "👎") == "已经记录过：👎"
        assert await press(server, reply, "发言人有误") == "已改为：发言人有误"
    # A new process: a new Application and a new connection to the same store.
    async with running_bot(server, settings, Answerer.build(settings), FAST):
        more = await press(server, reply, "更多结果 »")  # paging state survived too
        await server.wait_for(lambda: reply.edits)
        report = await ask(server, "/feedback", chat_id=ADMIN)
        stats = await ask(server, "/stats", chat_id=ADMIN)
        refused = await ask(server, "/feedback", chat_id=5)
    assert more == "" and "第 2/3 页" in reply.plain
    text = report.plain
    assert text.count("发言人有误") == 1 and "👎" not in text.split("\n", 1)[1]
    assert "问：服务职工" in text and "/source_p" in text
    assert "张三（杭州市总工会主席）" in text and "服务职工" in text
    assert "共 1 个问题" in stats.plain and "发言人有误 1" in stats.plain
    assert "最受质疑的段落" in stats.plain
    assert refused.plain == "抱歉，这个命令只有管理员可以使用。"


async def test_a_correction_applies_in_every_adapter_and_survives_restart_and_rebuild(
        server, tmp_path, monkeypatch):
    documents = write_corpus(tmp_path / "docs")
    data = tmp_path / "data"
    settings = settings_for(server, documents, data)
    target = next(p for p in Answerer.build(settings).passages if "宝贵的精神财富" in p.text)
    async with running_bot(server, settings, Answerer.build(settings), FAST):
        before = await ask(server, "劳模精神")
        stranger = await ask(server, f"/fix {target.id} 李四", chat_id=5)
        usage = await ask(server, "/fix", chat_id=ADMIN)
        missing = await ask(server, "/fix pnothere 李四", chat_id=ADMIN)
        fixed = await ask(server, f"/fix {target.id} 王五 温州市总工会副主席", chat_id=ADMIN)
        after = await ask(server, "劳模精神")
        who = await ask(server, "谁说劳模精神是宝贵的精神财富？")
        source = await ask(server, f"/source {target.id}")
        inline_id = server.inline("劳模精神", user_id=9)
        [inline] = await server.wait_for(lambda: server.inline_answers[inline_id])
    assert "张三（杭州市总工会主席）" in before.plain.split("全文")[0]
    assert stranger.plain == "抱歉，这个命令只有管理员可以使用。"
    assert usage.plain.startswith("用法：/fix") and "没有找到编号为 pnothere" in missing.plain
    assert "原显示为 张三（杭州市总工会主席），现为 王五（温州市总工会副主席）" in fixed.plain
    first = after.plain.split("全文")[0]
    assert "王五（温州市总工会副主席）" in first and "张三" not in first.split("┃")[-1].split("\n")[-2]
    assert who.plain.startswith("王五（温州市总工会副主席） 说的：")
    assert "王五（温州市总工会副主席）" in source.plain.split("▶")[1].split("\n\n")[0]
    assert inline["results"][0]["title"] == "王五（温州市总工会副主席）"

    # A rebuild from scratch (empty cache) and a new process: the console and the CLI agree.
    monkeypatch.setenv("CHUCHU_DATA_DIR", str(data))
    monkeypatch.setenv("CHUCHU_CACHE_DIR", str(tmp_path / "fresh-cache"))
    rebuilt = Answerer.build(load_settings(documents_dir=documents))
    out = io.StringIO()
    run_console(rebuilt, io.StringIO("劳模精神\n"), out, service=Service.over(open_storage(data)))
    assert "——王五（温州市总工会副主席）" in out.getvalue()
    listing = io.StringIO()
    assert main(["passages", "--json", "--documents", str(documents)], stdout=listing) == 0
    [row] = [json.loads(line) for line in listing.getvalue().splitlines()
             if json.loads(line)["id"] == target.id]
    assert {s["speaker"]["name"] for s in row["segments"] if s["speaker"]} == {"王五"}
    assert row["correction"]["origin"] == "correction" and row["correction"]["by"] == f"telegram:{ADMIN}"
    untouched = [json.loads(line) for line in listing.getvalue().splitlines()]
    assert sum("correction" in r for r in untouched) == 1
    answered = io.StringIO()
    main(["ask", "--json", "谁说劳模精神是宝贵的精神财富", "--documents", str(documents)], stdout=answered)
    assert json.loads(answered.getvalue())["speaker"]["name"] == "王五"


async def test_unknown_speaker_correction_and_stats_of_unanswered_questions(
        server, corpus, answerer, tmp_path):
    settings = settings_for(server, corpus, tmp_path / "data")
    target = next(p for p in answerer.passages if "健全劳模服务管理机制" in p.text)
    async with running_bot(server, settings, answerer, FAST):
        await ask(server, f"/fix {target.id} 发言人不详", chat_id=ADMIN)
        reply = await ask(server, "劳模服务管理机制")
        for _ in range(3):
            await ask(server, "红烧肉怎么做")
        await ask(server, "今天天气怎么样")
        stats = await ask(server, "/stats", chat_id=ADMIN)
    assert "—— 发言人不详" in reply.plain and "—— 王五" not in reply.plain
    text = stats.plain
    assert "共 5 个问题，未能回答 4 个（80%）" in text
    lines = text.split("最常问而未能回答的问题")[1].splitlines()
    assert lines[1] == "• 红烧肉怎么做 — 3 次"
    # The answer a correction was made against is still in the log.
    assert await asyncio.to_thread(lambda: Service.over(open_storage(tmp_path / "data"))
                                   .fixes.all()[0].speaker) is None


async def test_access_is_granted_and_withdrawn_from_telegram_and_kept(server, corpus, answerer, tmp_path):
    settings = settings_for(server, corpus, tmp_path / "data", telegram_allowed_users=[5])
    async with running_bot(server, settings, answerer, FAST):
        refused = await ask(server, "劳模精神", chat_id=6)
        myid = await ask(server, "/myid", chat_id=6)
        allowed = await ask(server, "/allow 6", chat_id=ADMIN)
        now_in = await ask(server, "劳模精神", chat_id=6)
        group = await ask(server, "/allow", chat_id=-3003, user_id=ADMIN)
        in_group = await ask(server, "@chuchu_test_bot 劳模精神", chat_id=-3003, user_id=8)
        bad = await ask(server, "/deny abc", chat_id=ADMIN)
        denied = await ask(server, "/deny 5", chat_id=ADMIN)  # listed in the environment
    async with running_bot(server, settings, Answerer.build(settings), FAST):  # restarted
        still_in = await ask(server, "劳模精神", chat_id=6)
        out = await ask(server, "劳模精神", chat_id=5)
    assert refused.plain.startswith("抱歉，这个机器人只对授权的用户和群组开放")
    assert "您的用户 ID：6" in myid.plain and "请把这个 ID 发给管理员" in myid.plain
    assert allowed.plain == "已允许用户 6使用本机器人。"
    assert "宝贵的精神财富" in now_in.plain and "宝贵的精神财富" in in_group.plain
    assert "已允许群组 -3003" in group.plain
    assert bad.plain.startswith("用法：/allow") and denied.plain == "已禁止用户 5使用本机器人。"
    assert "宝贵的精神财富" in still_in.plain
    assert out.plain.startswith("抱歉，这个机器人只对授权的用户和群组开放")


async def test_one_users_flood_does_not_delay_another_user(server, corpus, answerer, tmp_path):
    settings = settings_for(server, corpus, tmp_path / "data")
    async with running_bot(server, settings, answerer, FAST):
        flood = [server.message("服务职工", chat_id=4242) for _ in range(300)]
        await asyncio.sleep(0.3)
        asked = time.time()
        other = await ask(server, "劳模精神", chat_id=4343)
        waited = time.time() - asked
        await server.wait_for(lambda: not server._updates, timeout=20)  # the flood is drained
        await asyncio.sleep(0.3)
    to_flooder = [s for s in server.sent if s.chat_id == 4242]
    busy = [s for s in to_flooder if s.plain.startswith("请稍后再问")]
    assert "宝贵的精神财富" in other.plain and waited < 5.0
    assert len(busy) == 1  # told once, not 280 times
    assert 1 <= len(to_flooder) - len(busy) <= settings.user_questions_per_minute
    assert len(flood) == 300


async def test_over_long_titles_sections_and_speaker_lists_are_delivered(server, tmp_path):
    documents = tmp_path / "docs"
    documents.mkdir()
    names = [f"{s}{g}" for s in "赵钱孙李周吴郑王冯陈" for g in ("一鸣", "二林", "三丰", "四海")]
    title = "某某省某某市某某区某某街道" * 3 + "总工会主席"
    body = "".join(f"{title}{name}表示，职工书屋要建到车间里。" for name in names)
    (documents / "long.txt").write_text(
        "# " + "长" * 3000 + "标题的职工座谈会\n\n## " + "栏" * 2000 + "目\n\n" + body + "\n",
        encoding="utf-8")
    settings = settings_for(server, documents, tmp_path / "data")
    answerer = Answerer.build(settings)
    [target] = answerer.passages
    assert len(target.document_title) > 3000 and len(target.speakers) == 40
    async with running_bot(server, settings, answerer, FAST):
        answer = await ask(server, "职工书屋")
        source = await ask(server, f"/source {target.id}")
        sources = await ask(server, "/sources")
        start = await ask(server, "/start")
        who = await ask(server, "谁说职工书屋要建到车间里")
        inline_id = server.inline("职工书屋", user_id=9)
        await server.wait_for(lambda: server.inline_answers[inline_id])
    for reply in (answer, source, sources, start, who):
        assert "抱歉" not in reply.plain and len(reply.plain) <= 4096
    assert "职工书屋要建到车间里" in answer.plain and "长长…" in answer.plain
    assert "职工书屋要建到车间里" in source.plain and "等 40 位" in source.plain
    [result] = server.inline_answers[inline_id][0]["results"]
    assert len(plain_text(result["input_message_content"]["message_text"])) <= 4096
