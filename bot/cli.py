"""The `chuchu` command: console Q&A (the default), JSON contract commands, and the Telegram bot.

    chuchu                      interactive console over the documents
    chuchu passages --json      every passage, one JSON object per line
    chuchu ask --json [-k K] [QUESTION]   answers (questions from stdin when none is given)
    chuchu speakers [--json]    every speaker with titles and passage counts
    chuchu telegram             run the Telegram bot
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from collections.abc import Iterator
from typing import TextIO

from bot.render import render_answer
from config.settings import Settings, SettingsError, load_settings
from retrieval.errors import ChuchuError, NoDocumentsError
from retrieval.models import Answer

logger = logging.getLogger(__name__)

UNREADABLE_LINE = "这一行不是有效的 UTF-8 文字，无法读取，已跳过。"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chuchu", description="出处：带出处和发言人的文档问答")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--documents", type=Path, help="documents folder (CHUCHU_DOCUMENTS_DIR)")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("console", parents=[common], help="interactive console (default)")
    passages = sub.add_parser("passages", parents=[common], help="list every passage")
    passages.add_argument("--json", action="store_true", help="one JSON object per line")
    ask = sub.add_parser("ask", parents=[common], help="answer questions")
    ask.add_argument("question", nargs="*", help="the question; read from stdin when omitted")
    ask.add_argument("--json", action="store_true", help="one JSON object per line")
    ask.add_argument("-k", type=int, default=None, help="passages per answer")
    speakers = sub.add_parser("speakers", parents=[common], help="list every speaker")
    speakers.add_argument("--json", action="store_true")
    sub.add_parser("telegram", parents=[common], help="run the Telegram bot")
    parser.set_defaults(documents=None)
    return parser


def _configure_logging(settings: Settings) -> None:
    """Log to stderr through the filter that redacts anything shaped like a bot token."""
    from bot.logging_setup import configure_logging

    secrets = [settings.telegram_token.get_secret_value()] if settings.telegram_token else []
    configure_logging(settings.log_level, secrets=secrets)
    # Their INFO lines carry the bot token in request URLs.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def main(argv: list[str] | None = None, stdin: TextIO | None = None,
         stdout: TextIO | None = None) -> int:
    """Entry point; returns the exit status (2 for bad settings or no documents)."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    args = _parser().parse_args(argv)
    command = args.command or "console"
    overrides = {"documents_dir": args.documents} if args.documents else {}
    try:
        settings = load_settings(**overrides)
    except SettingsError as error:
        print(f"chuchu: {error}", file=sys.stderr)
        return 2
    _configure_logging(settings)
    if command == "telegram":
        from bot.telegram import run

        try:
            return run(settings)
        except SettingsError as error:
            print(f"chuchu: {error}", file=sys.stderr)
            return 2
    from retrieval.build import build_answerer

    try:
        answerer = build_answerer(settings)
    except NoDocumentsError as error:
        print(f"chuchu: {error}", file=sys.stderr)
        return 2
    except ChuchuError as error:
        print(f"chuchu: {error}", file=sys.stderr)
        return 1
    for skipped in answerer.skipped:
        print(f"chuchu: 已跳过 {skipped.path}：{skipped.reason}", file=sys.stderr)
    if command == "console":
        from bot.console import run_console

        return run_console(answerer, stdin, stdout)
    if command == "passages":
        for passage in answerer.passages:
            if args.json:
                stdout.write(json.dumps(passage.to_json(), ensure_ascii=False) + "\n")
            else:
                speakers = "；".join(s.label() for s in passage.speakers) or "发言人不详"
                where = f"第 {passage.line} 行" + (f"，{passage.origin}" if passage.origin else "")
                stdout.write(f"[{passage.id}] {passage.document_id} §{passage.paragraph}（{where}）"
                             f"{passage.section} — {speakers}\n{passage.text}\n\n")
        return 0
    if command == "speakers":
        for stat in answerer.speakers():
            if args.json:
                row = {"name": stat.name, "titles": list(stat.titles), "passages": stat.passages}
                stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                stdout.write(f"{stat.name}\t{'；'.join(stat.titles)}\t{stat.passages}\n")
        return 0
    questions = [" ".join(args.question)] if args.question else _lines(stdin)
    status = 0
    for question in questions:
        try:
            answer = _answer(answerer, question, args.k)
        except ChuchuError as error:  # the cache failed under a running batch: say so, go on
            print(f"chuchu: {error}", file=sys.stderr)
            status = 1
            continue
        if args.json:
            stdout.write(json.dumps(answer.to_json(), ensure_ascii=False) + "\n")
        else:
            stdout.write(render_answer(answer) + "\n\n")
        stdout.flush()
    return status


def _lines(stdin: TextIO) -> Iterator[str | None]:
    """Each line of `stdin` without its newline, None for one that is not UTF-8.

    Read as bytes where the stream has them, so that one undecodable line costs only itself:
    a text stream raises on it and ends the whole batch.
    """
    raw = getattr(stdin, "buffer", None)
    if raw is None:
        for line in stdin:
            yield line.rstrip("\n")
        return
    for data in raw:
        try:
            yield data.decode("utf-8").rstrip("\r\n").removeprefix("\ufeff")
        except UnicodeDecodeError:
            yield None


def _answer(answerer: object, question: str | None, k: int | None) -> Answer:
    """The answer to one line; an `invalid` one, with a note in Chinese, to a line that is not
    text (undecodable bytes, or lone surrogates from a `surrogateescape` stream)."""
    if question is not None:
        try:
            question.encode("utf-8")
        except UnicodeEncodeError:
            question = None
    if question is None:
        return Answer("", "invalid", note=UNREADABLE_LINE)
    return answerer.ask(question, k)  # type: ignore[attr-defined]


def run() -> None:
    """Console-script wrapper."""
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `chuchu passages | head`: the reader left, which is fine
        sys.stdout = None  # type: ignore[assignment]
        status = 0
    except KeyboardInterrupt:
        status = 130
    sys.exit(status)
