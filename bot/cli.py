"""The `chuchu` command: console Q&A (the default), JSON contract commands, and the Telegram bot.

    chuchu                      interactive console over the documents
    chuchu passages --json      every passage, one JSON object per line
    chuchu ask --json [-k K] [QUESTION]   answers (questions from stdin when none is given)
    chuchu speakers [--json]    every speaker with titles and passage counts
    chuchu telegram             run the Telegram bot
    chuchu report [--csv]       feedback and statistics from the store
    chuchu doctor               check settings, documents, cache, store and the Bot API

`--documents DIR` may stand before or after the command; `ask` and `passages` take
`--since`/`--until` (ISO dates) to keep to documents dated in that range.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import logging
import sys
import tempfile
from pathlib import Path
from collections.abc import Iterator
from typing import TextIO

from bot.render import render_answer
from config.paths import unwritable
from config.settings import Settings, SettingsError, load_settings
from retrieval.dates import DateRange
from retrieval.errors import ChuchuError, NoDocumentsError
from retrieval.models import Answer

logger = logging.getLogger(__name__)

UNREADABLE_LINE = "这一行不是有效的 UTF-8 文字，无法读取，已跳过。"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"chuchu {version('chuchu')}"
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "chuchu (not installed)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chuchu", description="出处：带出处和发言人的文档问答")
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument("--documents", type=Path, help="documents folder (CHUCHU_DOCUMENTS_DIR)")
    # After the command too; SUPPRESS keeps a folder given before the command.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--documents", type=Path, default=argparse.SUPPRESS,
                        help="documents folder (CHUCHU_DOCUMENTS_DIR)")
    dated = argparse.ArgumentParser(add_help=False)
    dated.add_argument("--since", metavar="DATE", help="only documents dated on or after DATE "
                       "(2024-03-07, 2024-03 or 2024)")
    dated.add_argument("--until", metavar="DATE", help="only documents dated on or before DATE")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("console", parents=[common], help="interactive console (default)")
    passages = sub.add_parser("passages", parents=[common, dated], help="list every passage")
    passages.add_argument("--json", action="store_true", help="one JSON object per line")
    ask = sub.add_parser("ask", parents=[common, dated], help="answer questions")
    ask.add_argument("question", nargs="*", help="the question; read from stdin when omitted")
    ask.add_argument("--json", action="store_true", help="one JSON object per line")
    ask.add_argument("-k", type=int, default=None, help="passages per answer")
    speakers = sub.add_parser("speakers", parents=[common], help="list every speaker")
    speakers.add_argument("--json", action="store_true")
    sub.add_parser("telegram", parents=[common], help="run the Telegram bot")
    report = sub.add_parser("report", parents=[common], help="feedback and statistics (JSON or CSV)")
    report.add_argument("--csv", action="store_true", help="every vote as a CSV row")
    report.add_argument("--days", type=int, default=7, help="days of questions per day")
    sub.add_parser("doctor", parents=[common], help="check the installation, one line each")
    parser.set_defaults(documents=None, since=None, until=None)
    return parser


def _configure_logging(settings: Settings) -> None:
    """Log to stderr through the filter that redacts anything shaped like a bot token."""
    from bot.logging_setup import configure_logging

    secrets = [settings.telegram_token.get_secret_value()] if settings.telegram_token else []
    configure_logging(settings.log_level, secrets=secrets, json_lines=settings.log_format == "json")
    # Their INFO lines carry the bot token in request URLs.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # Their errors on a page with no article ("empty HTML tree") are ours to word, in Chinese.
    for name in ("trafilatura", "htmldate", "courlan"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _writable_cache(settings: Settings) -> tuple[Settings, tempfile.TemporaryDirectory | None] | None:
    """`settings` with a cache folder: its own when it exists or can be made, or else a
    temporary one for this run (answers matter more than the cache), returned too so that it
    lives as long as the run; None when even that cannot be made. Either fallback is one line
    on stderr."""
    if settings.cache_dir.is_dir():
        # An existing folder, writable or not: the store uses a complete read-only cache as it
        # is, and answers from memory with one warning when it must write and cannot.
        return settings, None
    problem = unwritable(settings.cache_dir)
    if problem is None:
        return settings, None
    try:
        temporary = tempfile.TemporaryDirectory(prefix="chuchu-cache-")
    except OSError as exc:
        print(f"chuchu: 缓存目录 {settings.cache_dir} 无法写入（{problem}），临时目录也无法创建"
              f"（{exc.strerror or exc}）；请用 CHUCHU_CACHE_DIR 指定一个可写的目录", file=sys.stderr)
        return None
    print(f"chuchu: 缓存目录 {settings.cache_dir} 无法写入（{problem}），"
          "本次使用临时缓存，退出后删除", file=sys.stderr)
    return settings.model_copy(update={"cache_dir": Path(temporary.name)}), temporary


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
    try:
        dates = DateRange.parse(args.since, args.until)
    except ValueError as error:
        print(f"chuchu: {error}", file=sys.stderr)
        return 2
    _configure_logging(settings)
    if command == "doctor":
        from bot.doctor import run_doctor

        return run_doctor(settings, stdout)
    usable = _writable_cache(settings)
    if usable is None:
        return 2
    settings, _temporary = usable  # a temporary cache is removed when this run ends
    if command == "telegram":
        from bot.telegram import bot_token

        try:
            bot_token(settings)  # before anything is opened or built
        except SettingsError as error:
            print(f"chuchu: {error}", file=sys.stderr)
            return 2
    from bot.service import Service

    service = Service.open(settings)
    if service.problem:
        print(f"chuchu: {service.problem}", file=sys.stderr)
    if command == "report":
        from bot.report import write_report

        write_report(service, stdout, as_csv=args.csv, days=args.days)
        return 0
    if command == "telegram":
        from bot.telegram import run

        try:
            return run(settings, service)
        except SettingsError as error:
            print(f"chuchu: {error}", file=sys.stderr)
            return 2
    from retrieval.build import build_answerer

    try:
        with _uncollected(once=command in ONE_SHOT):
            answerer = build_answerer(settings)
    except NoDocumentsError as error:
        print(f"chuchu: {error}", file=sys.stderr)
        return 2
    except ChuchuError as error:
        print(f"chuchu: {error}", file=sys.stderr)
        return 1
    for skipped in answerer.skipped:
        print(f"chuchu: 已跳过 {skipped.path}：{skipped.reason}", file=sys.stderr)
    service.serve(answerer)
    if command == "console":
        from bot.console import run_console, terminal_input

        reader = terminal_input(settings.data_dir) if stdin is sys.stdin and stdin.isatty() else None
        return run_console(answerer, stdin, stdout, service=service, read=reader)
    selection = answerer.select_dates(dates) if dates else None
    if selection is not None:
        print(f"chuchu: {selection.describe()}", file=sys.stderr)
    if command == "passages":
        from retrieval.corrections import corrected, correction_of

        chosen = (p for i, p in enumerate(answerer.passages)
                  if selection is None or i in selection.positions)
        for original in chosen:
            passage = corrected(original, service.fixes)
            if args.json:
                row = passage.to_json()
                correction = correction_of(original, service.fixes) if passage is not original else None
                if correction is not None:  # the corrected speaker, and who said so
                    row["correction"] = correction.to_json()
                stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
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
            answer = _answer(answerer, question, args.k, dates or None)
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


ONE_SHOT = frozenset({"ask", "passages", "speakers"})  # commands that end after their output


@contextlib.contextmanager
def _uncollected(once: bool) -> Iterator[None]:
    """The cyclic garbage collector paused while the answerer is built.

    Loading a built cache makes millions of objects and no garbage cycles; each full pass of
    the collector over them cost more as the corpus grew (four passes, about 0.2 s of a
    2 s restart at 100,000 passages). For a command that ends after its output (`once`),
    what was built is then frozen out of later passes; the console and the bot keep it
    collectable (a reload replaces it). Forked chunking workers collect as before
    (`chunk_workers`).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if once:
            gc.freeze()
        if enabled:
            gc.enable()


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


def _answer(answerer: object, question: str | None, k: int | None,
            dates: object = None) -> Answer:
    """The answer to one line; an `invalid` one, with a note in Chinese, to a line that is not
    text (undecodable bytes, or lone surrogates from a `surrogateescape` stream)."""
    if question is not None:
        try:
            question.encode("utf-8")
        except UnicodeEncodeError:
            question = None
    if question is None:
        return Answer("", "invalid", note=UNREADABLE_LINE)
    return answerer.ask(question, k, dates=dates)  # type: ignore[attr-defined]


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
    _exit(status)


def _exit(status: int) -> None:
    """End the process with `status`, without freeing its objects one by one.

    A restart over a large corpus holds millions of objects; letting the interpreter take
    them down costs a second or more after the answer is out. When this is the only thread
    left, the exit handlers are run (logging's flush, a temporary cache's removal), the
    standard streams flushed, and the process ends at once; otherwise `sys.exit`.
    """
    import threading

    if threading.active_count() != 1:
        sys.exit(status)
    import atexit
    import os

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a reader that left (BrokenPipeError) or a closed stream
            pass
    os._exit(status)
