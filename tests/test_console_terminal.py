"""The console on a real terminal (a pseudo-terminal): readline edits lines, ↑ recalls the
last question instead of printing ^[[A, and the history is kept in the data folder."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import write

REPO = Path(__file__).resolve().parent.parent
CORPUS = "# 职工书屋\n\n北山市总工会主席李明表示，职工书屋要办到车间里。\n"


PROMPT = "问> ".encode()


def read_prompts(fd: int, count: int, seen: bytearray, timeout: float = 30.0) -> None:
    """Read the terminal until the console has shown its prompt `count` times in all."""
    deadline = time.monotonic() + timeout
    while seen.count(PROMPT) < count:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"prompt {count} not seen in {bytes(seen)[-500:]!r}")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            seen += os.read(fd, 4096)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_arrow_up_recalls_the_last_question_and_history_is_kept(tmp_path):
    write(tmp_path / "docs", "a.txt", CORPUS)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHUCHU_")}
    env.update(PYTHONPATH=str(REPO), CHUCHU_DATA_DIR=str(tmp_path / "data"),
               CHUCHU_CACHE_DIR=str(tmp_path / "cache"), TERM="xterm")
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--documents", str(tmp_path / "docs")],
        stdin=follower, stdout=follower, stderr=follower, cwd=tmp_path, env=env, close_fds=True)
    os.close(follower)
    seen = bytearray()
    try:
        read_prompts(leader, 1, seen)
        os.write(leader, "职工书屋\r".encode())
        read_prompts(leader, 2, seen)
        start = len(seen)
        os.write(leader, b"\x1b[A\r")  # the up arrow, then Enter: the same question again
        read_prompts(leader, 3, seen)
        os.write(leader, "退出\r".encode())
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    again = bytes(seen[start:]).decode("utf-8", "replace")
    assert "^[[A" not in again and "北山市总工会主席李明表示" in again
    assert process.returncode == 0
    history = (tmp_path / "data" / "console_history").read_text(encoding="utf-8")
    assert "职工书屋" in history
