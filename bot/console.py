"""The local console adapter: ask questions in a terminal, for testing and quick look-ups.

It reads lines from one stream and writes answers to another, so tests drive it with StringIO.
"""

from __future__ import annotations

import logging
from typing import TextIO

from bot.render import render_answer
from retrieval.answer import Answerer
from retrieval.errors import ChuchuError
from retrieval.models import Answer, Context

logger = logging.getLogger(__name__)

PROMPT = "问> "
QUIT = {"quit", "exit", "q", "退出", "再见"}
MORE = {"more", "全文", "更多"}
SPEAKERS = {"speakers", "发言人", "/speakers"}
HELP = {"help", "帮助", "?", "？", "/help"}


def greeting(answerer: Answerer) -> str:
    examples = "\n".join(f"  · {q}" for q in answerer.examples())
    return (
        f"出处 chuchu：已读入 {len(answerer.documents)} 篇文档、{len(answerer.passages)} 个段落。\n"
        f"直接输入问题即可，例如：\n{examples}\n"
        "输入“全文”看上一个回答的完整段落，“发言人”看发言人列表，“退出”结束。"
    )


def speakers_text(answerer: Answerer, limit: int = 60) -> str:
    stats = answerer.speakers()
    lines = [
        f"{s.name}（{'；'.join(s.titles) or '职务不详'}）— {s.passages} 段" for s in stats[:limit]
    ]
    if len(stats) > limit:
        lines.append(f"……共 {len(stats)} 位")
    return "\n".join(lines) or "文档中没有识别出发言人。"


def run_console(answerer: Answerer, stdin: TextIO, stdout: TextIO, k: int | None = None) -> int:
    """Answer questions read from `stdin` until it ends or the user quits; returns 0."""
    stdout.write(greeting(answerer) + "\n")
    last: Answer | None = None
    context: Context | None = None  # what `他还说了什么？` follows on from, this session only
    while True:
        stdout.write(PROMPT)
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\n再见！\n")
            return 0
        text = line.strip()
        if not text:
            continue
        command = text.lower()
        if command in QUIT:
            stdout.write("再见！\n")
            return 0
        if command in HELP:
            stdout.write(greeting(answerer) + "\n")
            continue
        if command in SPEAKERS:
            stdout.write(speakers_text(answerer) + "\n")
            continue
        if command in MORE:
            if last is None or not last.hits:
                stdout.write("还没有可以展开的回答，请先提一个问题。\n")
            else:
                stdout.write(render_answer(last, full=True) + "\n")
            continue
        try:
            last = answerer.ask(text, k, context=context)
            context = last.context
        except ChuchuError as error:
            stdout.write(f"出错了：{error}\n")
            continue
        except Exception:  # a bug: keep the session alive, log the traceback
            logger.exception("failed to answer %r", text)
            stdout.write("抱歉，回答这个问题时出了错，请换个问法再试。\n")
            continue
        stdout.write(render_answer(last) + "\n")
