"""The local console adapter: ask questions in a terminal, for testing and quick look-ups.

It reads lines from one stream and writes answers to another, so tests drive it with StringIO;
on a terminal it reads through readline instead (line editing, ↑ for history, kept in the data
folder). An answer is shown a page at a time like Telegram's (`更多` for the next page, `全文`
for the whole paragraphs of the page shown); `好` / `不对` / `发言人有误` after an answer are
recorded in the store like Telegram's buttons.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.chat_state import ChatState
from bot.feedback import VOTES
from bot.question_log import Recorded, shown_of
from bot.render import FULL_LIMIT, view_text
from bot.service import Service
from retrieval.answer import Answerer
from retrieval.errors import ChuchuError
from retrieval.models import SpeakerStat
from retrieval.overview import overview
from retrieval.presentation import View, present

logger = logging.getLogger(__name__)

PROMPT = "问> "
QUIT = {"quit", "exit", "q", "退出", "再见"}
FULL = {"全文", "full"}
MORE = {"更多", "more", "下一页", "更多结果"}
SPEAKERS = {"speakers", "发言人", "/speakers"}
ALL_SPEAKERS = {"全部发言人", "所有发言人", "all speakers"}
HELP = {"help", "帮助", "?", "？", "/help"}
VOTE_WORDS = {"好": "up", "👍": "up", "不对": "down", "👎": "down", "发言人有误": "speaker"}
PAGES = 5  # pages of hits fetched per question, as in Telegram
SPEAKERS_SHOWN = 60
HISTORY_FILE = "console_history"

Reader = Callable[[str], "str | None"]


def greeting(answerer: Answerer) -> str:
    about = overview(answerer)
    examples = "".join(f"\n  · {q}" for q in about.examples)
    return (
        f"出处 chuchu：{about.summary()}\n"
        f"直接输入问题即可{'，例如：' if examples else '。'}{examples}\n"
        "回答后可输入“更多”看下一页，“全文”看完整段落，“好”或“不对”评价回答，“发言人有误”报告发言人错误；\n"
        "“发言人”看发言人列表，“退出”结束。"
    )


def speakers_text(stats: list[SpeakerStat], limit: int | None = SPEAKERS_SHOWN) -> str:
    shown = stats if limit is None else stats[:limit]
    lines = [f"{s.name}（{'；'.join(s.titles) or '职务不详'}）— {s.passages} 段" for s in shown]
    if len(stats) > len(shown):
        lines.append(f"……共 {len(stats)} 位，输入“全部发言人”查看全部")
    return "\n".join(lines) or "文档中没有识别出发言人。"


def terminal_input(data_dir: Path) -> Reader:
    """A reader with line editing and history (readline), the history kept in `data_dir`."""
    import atexit
    import readline

    history = data_dir / HISTORY_FILE
    try:
        readline.read_history_file(history)
    except OSError:
        pass  # no history yet
    readline.set_history_length(1000)

    def save() -> None:
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(history)
        except OSError as error:
            logger.warning("console history not saved: %s", error)

    atexit.register(save)

    def read(prompt: str) -> str | None:
        try:
            return input(prompt)
        except EOFError:
            return None

    return read


class Session:
    """One console conversation: the last answer's pages, the page shown, and its record."""

    def __init__(self, answerer: Answerer, service: Service, k: int) -> None:
        self.answerer = answerer
        self.service = service
        self.k = k
        self.state = ChatState()  # the follow-up slot, as each Telegram chat has one
        self.view: View | None = None
        self.page = 0
        self.key = ""

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.view.quotes) // self.k)) if self.view else 0

    def page_view(self, full: bool = False) -> str:
        assert self.view is not None
        start = self.page * self.k
        if full:
            answer_view = present(self._answer, full=True, limit=FULL_LIMIT)
            chosen = View(answer_view.question, answer_view.kind, answer_view.lead,
                          answer_view.quotes[start:start + self.k], answer_view.note, False)
            return view_text(chosen, more="")
        chosen = View(self.view.question, self.view.kind, self.view.lead,
                      self.view.quotes[start:start + self.k], self.view.note,
                      any(q.before or q.after for q in self.view.quotes[start:start + self.k]))
        text = view_text(chosen)
        if self.pages > 1:
            text += f"\n第 {self.page + 1}/{self.pages} 页" + (
                "，输入“更多”看下一页" if self.page + 1 < self.pages else "")
        return text

    def ask(self, question: str) -> str:
        self._answer = self.answerer.ask(question, self.k * PAGES, self.state.followup)
        self.state.followup = self._answer.context  # what 他还说了什么？ follows on from
        self.view = present(self._answer)
        self.page = 0
        shown = [shown_of(self.view.quotes[i:i + self.k])
                 for i in range(0, max(len(self.view.quotes), 1), self.k)]
        self.key = self.service.log.record("console", None, 0, self._answer, (), shown)
        if not self.view.quotes:
            return view_text(self.view)
        return self.page_view()

    def more(self) -> str:
        if self.view is None or not self.view.quotes:
            return "还没有可以翻页的回答，请先提一个问题。"
        if self.page + 1 >= self.pages:
            return "没有更多结果了。"
        self.page += 1
        return self.page_view()

    def full(self) -> str:
        if self.view is None or not self.view.quotes:
            return "还没有可以展开的回答，请先提一个问题。"
        return self.page_view(full=True)

    def vote(self, vote: str) -> str:
        if self.view is None:
            return "还没有可以评价的回答，请先提一个问题。"
        if vote == "speaker" and not self.view.quotes:
            return "这个回答没有引用原文，没有发言人可以报告。"
        recorded: Recorded | None = self.service.log.answer(self.key)
        if recorded is None:
            return "抱歉，反馈暂时无法保存。"
        previous = self.service.feedback.vote(recorded, self.page, 0, None, "console", vote)
        if previous is None:
            return "抱歉，反馈暂时无法保存。"
        label = VOTES[vote]
        if previous == vote:
            return f"已经记录过：{label}"
        return f"已改为：{label}" if previous else f"谢谢反馈，已记录：{label}"


def run_console(answerer: Answerer, stdin: TextIO, stdout: TextIO, k: int | None = None,
                service: Service | None = None, read: Reader | None = None) -> int:
    """Answer questions until the input ends or the user quits; returns 0.

    `read(prompt)` replaces the stream (a terminal with readline); None means end of input.
    """
    session = Session(answerer, service or Service.in_memory(), k or answerer.top_k)

    def next_line() -> str | None:
        if read is not None:
            return read(PROMPT)
        stdout.write(PROMPT)
        stdout.flush()
        line = stdin.readline()
        return line if line else None

    stdout.write(greeting(answerer) + "\n")
    while True:
        line = next_line()
        if line is None:
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
            reply = greeting(answerer)
        elif command in SPEAKERS:
            reply = speakers_text(answerer.speakers())
        elif command in ALL_SPEAKERS:
            reply = speakers_text(answerer.speakers(), limit=None)
        elif command in FULL:
            reply = session.full()
        elif command in MORE:
            reply = session.more()
        elif text in VOTE_WORDS:
            reply = session.vote(VOTE_WORDS[text])
        else:
            try:
                reply = session.ask(text)
            except ChuchuError as error:
                reply = f"出错了：{error}"
            except Exception:  # a bug: keep the session alive, log the traceback
                logger.exception("failed to answer %r", text)
                reply = "抱歉，回答这个问题时出了错，请换个问法再试。"
        stdout.write(reply + "\n")
