"""End to end: the real `Application` over HTTP against the fake Bot API, on a real answerer.

Covers what a person sees: help, answers with quotes and speakers, paging by editing, groups,
inline mode, the source view, access control and /reload, with HTML-hostile text throughout.
"""

from __future__ import annotations

import json
from pathlib import Path


from bot.telegram import AnswererHolder
from bot.telegram_network import Tuning
from config.settings import load_settings
from fake_bot_api import TOKEN, FakeBotApi, plain_text, running_bot, write_corpus
from retrieval.answer import Answerer

FAST = Tuning(connect_timeout=1, read_timeout=1, write_timeout=1, pool_timeout=1, backoff=0.05)
ADMIN = 77
GROUP = -1001


def settings_for(server: FakeBotApi, documents: Path, **extra: object):
    return load_settings(
        documents_dir=documents, cache_dir=documents.parent / "cache", telegram_token=TOKEN,
        telegram_api_url=server.base_url, **extra,
    )


async def ask(server: FakeBotApi, text: str, chat_id: int = 5, **kwargs: object):
    """Send `text`, wait for the bot's single reply to it, return that reply."""
    message_id = server.message(text, chat_id=chat_id, **kwargs)  # type: ignore[arg-type]
    replies = await server.wait_for(lambda: server.replies_to(chat_id, message_id))
    return replies[-1]


async def test_question_is_answered_with_quotes_speakers_and_sources(server, corpus, answerer):
    async with running_bot(server, settings_for(server, corpus), answerer, FAST):
        reply = await ask(server, "劳模精神")
    text = reply.plain
    assert "劳模精神是宝贵的精神财富" in text
    assert "张三（杭州市总工会主席）" in text
    assert "《全市劳模座谈会召开》" in text and "第 1 段" in text
    assert "<blockquote>" in reply.text
    assert [c.params["action"] for c in server.calls_of("sendChatAction")] == ["typing"]
    assert json.loads(json.dumps(server.calls_of("sendMessage")[0].params))["parse_mode"] == "HTML"


async def test_who_question_leads_with_the_speaker(server, corpus, answerer):
    async with running_bot(server, settings_for(server, corpus), answerer, FAST):
        reply = await ask(server, "谁说劳模精神是宝贵的精神财富？")
    assert reply.plain.startswith("张三（杭州市总工会主席） 说的：")


async def test_speaker_question_lists_their_words(server, corpus, answerer):
    async with running_bot(server, settings_for(server, corpus), answerer, FAST):
        reply = await ask(server, "王五说了什么")
    assert reply.plain.startswith("王五（温州市总工会副主席） 的发言：")
    assert "健全劳模服务管理机制" in reply.plain


async def test_html_hostile_document_text_and_question_are_escaped(server, corpus, answerer):
    async with running_bot(server, settings_for(server, corpus), answerer, FAST):
        script = await ask(server, "<script>alert(1)</script> 留言")
        markup = await ask(server, "<b>网上工会</b> & 平台")
        amp = await ask(server, "A&B 企业")
    # The fake rejects unescaped markup as Telegram does, so arriving at all proves escaping.
    assert "<script>alert(1)</script>" in script.plain
    assert "&lt;script&gt;" in script.text
    assert "<b>网上工会</b>" in markup.plain
    assert "A&B" in amp.plain and "A&amp;B" in amp.text


async def test_not_found_uses_the_answer_note(server, corpus, answerer):
    async with running_bot(server, settings_for(server, corpus), answerer, FAST):
        reply = await ask(server, "今天天气怎么样")
    assert reply.plain.startswith("没有找到相关内容")
    assert "张三说了什么" in reply.plain
    # A declined answer can be judged too, but has no speaker to doubt.
    assert [b["text"] for b in reply.buttons()] == ["👍", "👎"]


async def test_paging_edits_the_message_and_answers_every_callback(server, corpus, answerer):
    async with running_bot(server, settings_for(server, corpus), answerer, FAST):
        reply = await ask(server, "服务职工")
        first = reply.text
        assert "第 1/3 页" in reply.plain
        more, *votes = reply.buttons()
        assert more["text"] == "更多结果 »" and len(more["callback_data"].encode()) <= 64
        assert [b["text"] for b in votes] == ["👍", "👎", "发言人有误"]

        pressed = server.press(reply, more["callback_data"])
        await server.wait_for(lambda: reply.edits and server.callback_answers[pressed])
        assert "第 2/3 页" in reply.plain
        assert [b["text"] for b in reply.buttons()][:2] == ["« 上一页", "更多结果 »"]

        again = server.press(reply, more["callback_data"])  # a double tap: same page
        await server.wait_for(lambda: server.callback_answers[again])
        back = server.press(reply, reply.buttons()[0]["callback_data"])
        await server.wait_for(lambda: server.callback_answers[back] and len(reply.edits) == 2)
        assert reply.text == first

        stale = server.press(reply, "pg:unknown1:1")
        stray = server.press(reply, "something-else")
        forged = [server.press(reply, data) for data in (
            "pg:x", "pg:", "pg:abcd:-1", "pg:abcd:99999", "fb:abcd:0:z", "fb:abcd:0", "pg:a:b:c:d")]
        await server.wait_for(lambda: server.callback_answers[stale] and server.callback_answers[stray]
                              and all(server.callback_answers[f] for f in forged))
    assert server.callback_answers[stale][0]["text"] == "这些结果已过期，请重新提问。"
    assert all(server.callback_answers[f][0]["text"] == "这些结果已过期，请重新提问。" for f in forged)
    assert all(len(answers) == 1 for answers in server.callback_answers.values())
    assert len(server.replies_to(5, reply.reply_to or 0)) == 1


async def test_group_chatter_is_ignored_but_mentions_replies_and_commands_answered(
    server, corpus, answerer
):
    async with running_bot(server, settings_for(server, corpus), answerer, FAST):
        chatter = server.message("服务职工的事大家怎么看", chat_id=GROUP, user_id=8)
        other_bot = server.message("/help@some_other_bot", chat_id=GROUP, user_id=8)
        mentioned = await ask(server, "@chuchu_test_bot 劳模精神", chat_id=GROUP, user_id=8)
        replied = await ask(server, "王五说了什么", chat_id=GROUP, user_id=8, reply_to=mentioned)
        helped = await ask(server, "/help@chuchu_test_bot", chat_id=GROUP, user_id=8)
        bare = await ask(server, "/speakers", chat_id=GROUP, user_id=8)
    assert "劳模精神是宝贵的精神财富" in mentioned.plain
    assert "王五（温州市总工会副主席）" in replied.plain
    assert "@chuchu_test_bot" in helped.plain
    assert "张三" in bare.plain
    assert server.replies_to(GROUP, chatter) == [] and server.replies_to(GROUP, other_bot) == []


async def test_help_commands_menu_and_lists(server, corpus, answerer):
    settings = settings_for(server, corpus, telegram_admins=[ADMIN])
    async with running_bot(server, settings, answerer, FAST):
        start = await ask(server, "/start")
        speakers = await ask(server, "/speakers")
        sources = await ask(server, "/sources")
        unknown = await ask(server, "/nonsense")
    assert "张三说了什么？" in start.plain and "/source" in start.plain
    assert "已收录 2 篇文档（文本 2 篇）" in start.plain and "工会" not in start.plain.split("。")[0]
    assert "张三（杭州市总工会主席） — 4 段" in speakers.plain
    assert "《全市劳模座谈会召开》 3 段" in sources.plain and "models.txt" in sources.plain
    assert "/help" in unknown.plain
    menus = {json.loads(scope)["type"]: [c["command"] for c in cmds]
             for scope, cmds in server.commands.items()}
    assert menus["default"] == ["help", "speakers", "sources", "source", "myid", "start"]
    assert "reload" in menus["chat"] and "reload" not in menus["default"]


async def test_source_shows_the_paragraph_with_neighbours(server, corpus, answerer):
    target = next(p for p in answerer.passages if "宝贵的精神财富" in p.text)
    async with running_bot(server, settings_for(server, corpus), answerer, FAST):
        shown = await ask(server, f"/source {target.id}")
        tapped = await ask(server, "/source_" + target.id.replace("-", "_"))
        missing = await ask(server, "/source p<i>&nope")
        usage = await ask(server, "/source")
    assert shown.text == tapped.text
    assert "▶ " in shown.plain and target.text in shown.plain
    assert "健全劳模服务管理机制" in shown.plain  # the next paragraph
    assert "没有找到编号为 p<i>&nope 的段落" in missing.plain
    assert usage.plain.startswith("用法：/source 编号")


async def test_inline_mode_offers_top_hits(server, corpus, answerer):
    async with running_bot(server, settings_for(server, corpus), answerer, FAST):
        query_id = server.inline("劳模精神", user_id=9)
        empty_id = server.inline("  ", user_id=9)
        await server.wait_for(lambda: server.inline_answers[query_id] and server.inline_answers[empty_id])
    [answered] = server.inline_answers[query_id]
    first = answered["results"][0]
    assert first["type"] == "article" and first["title"] == "张三（杭州市总工会主席）"
    assert "宝贵的精神财富" in plain_text(first["input_message_content"]["message_text"])
    assert server.inline_answers[empty_id][0]["results"] == []


async def test_strangers_are_refused_politely_and_see_nothing(server, corpus, answerer):
    settings = settings_for(server, corpus, telegram_allowed_users=[5],
                            telegram_allowed_chats=[GROUP])
    async with running_bot(server, settings, answerer, FAST):
        allowed = await ask(server, "劳模精神", chat_id=5)
        refused = await ask(server, "劳模精神", chat_id=6)
        refused_command = await ask(server, "/speakers", chat_id=6)
        in_allowed_group = await ask(server, "@chuchu_test_bot 劳模精神", chat_id=GROUP, user_id=6)
        other_group = -2002
        silent = server.message("劳模精神", chat_id=other_group, user_id=6)
        refused_group = await ask(server, "@chuchu_test_bot 劳模精神", chat_id=other_group, user_id=6)
        inline_id = server.inline("劳模精神", user_id=6)
        stolen = server.press(allowed, "pg:whatever:1", user_id=6)
        await server.wait_for(lambda: server.inline_answers[inline_id] and server.callback_answers[stolen])
    assert "宝贵的精神财富" in allowed.plain and "宝贵的精神财富" in in_allowed_group.plain
    for reply in (refused, refused_command, refused_group):
        assert reply.plain.startswith("抱歉，这个机器人只对授权的用户和群组开放")
    assert server.replies_to(other_group, silent) == []
    inline = server.inline_answers[inline_id][0]
    assert inline["results"] == [] and inline["is_personal"] is True
    assert server.callback_answers[stolen][0]["show_alert"] is True
    leaked = [s for s in server.sent if s.chat_id in (6, other_group) and "张三" in s.plain]
    assert leaked == []


async def test_reload_swaps_the_index_and_keeps_it_when_reload_fails(server, tmp_path):
    documents = write_corpus(tmp_path / "docs")
    settings = settings_for(server, documents, telegram_admins=[ADMIN])
    holder = AnswererHolder(Answerer.build(settings), lambda: Answerer.build(settings))
    async with running_bot(server, settings, holder, FAST):
        before = await ask(server, "安全生产", chat_id=ADMIN)
        refused = await ask(server, "/reload", chat_id=5)
        (documents / "safety.txt").write_text(
            "安全生产月活动启动\n\n本报讯 市总工会副主席赵六表示，安全生产责任重于泰山，要开展安全生产隐患排查。\n",
            encoding="utf-8",
        )
        message_id = server.message("/reload", chat_id=ADMIN)
        done = await server.wait_for(lambda: [r for r in server.replies_to(ADMIN, message_id)
                                              if "已重新加载" in r.plain])
        after = await ask(server, "安全生产", chat_id=ADMIN)
        for path in documents.iterdir():
            path.unlink()
        message_id = server.message("/reload", chat_id=ADMIN)
        failed = await server.wait_for(lambda: [r for r in server.replies_to(ADMIN, message_id)
                                                if "失败" in r.plain])
        still = await ask(server, "安全生产", chat_id=ADMIN)
    assert before.plain.startswith("没有找到相关内容")
    assert refused.plain == "抱歉，这个命令只有管理员可以使用。"
    assert "3 篇文档" in done[0].plain and "此前 2 篇" in done[0].plain
    assert "赵六" in after.plain
    assert "继续使用原来的索引" in failed[0].plain and "没有可以索引" in failed[0].plain
    assert "赵六" in still.plain


async def test_each_chat_follows_on_from_its_own_last_answer(server, corpus, answerer):
    async with running_bot(server, settings_for(server, corpus), answerer, FAST):
        first = await ask(server, "王五说了什么", chat_id=5)
        follow = await ask(server, "他还说了什么？", chat_id=5)
        stranger = await ask(server, "他还说了什么？", chat_id=6)
    assert first.plain.startswith("王五（温州市总工会副主席） 的发言：")
    assert follow.plain.startswith("王五没有更多的发言了。")  # his one paragraph was given
    assert "“他/她”指的是谁" in stranger.plain  # chat 6 has asked nothing yet
