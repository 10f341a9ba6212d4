"""The store: created and migrated on start; a damaged, locked or newer store is one line and
a store in memory, and the answers keep coming."""

from __future__ import annotations

import io
import sqlite3
import threading

from bot.cli import main
from bot.storage import FILE_NAME, MIGRATIONS, open_storage
from tests.helpers import write

CORPUS = "# 职工书屋\n\n北山市总工会主席李明表示，职工书屋要办到车间里。\n"


def test_a_new_store_is_created_in_wal_mode_and_migrated(tmp_path):
    storage = open_storage(tmp_path / "data")
    assert storage.problem == "" and storage.persistent
    assert storage.schema_version() == len(MIGRATIONS)
    assert storage.rows("PRAGMA journal_mode")[0][0] == "wal"
    assert storage.check() == "ok"
    storage.close()
    again = open_storage(tmp_path / "data")  # opening again migrates nothing and loses nothing
    assert again.schema_version() == len(MIGRATIONS) and again.problem == ""


def test_a_damaged_store_is_one_line_and_answers_keep_coming(tmp_path, capsys, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("CHUCHU_DATA_DIR", str(data))
    data.mkdir()
    (data / FILE_NAME).write_bytes(b"this is not a database" * 100)
    write(tmp_path / "docs", "a.txt", CORPUS)
    out = io.StringIO()
    status = main(["ask", "职工书屋", "--documents", str(tmp_path / "docs")], stdout=out)
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 0 and "李明" in out.getvalue()
    assert len(err) == 1 and "文件已损坏或不是数据库" in err[0] and "回答照常" in err[0]
    storage = open_storage(data)
    assert not storage.persistent and storage.rows("SELECT COUNT(*) FROM votes")[0][0] == 0


def test_a_store_locked_by_another_process_falls_back_to_memory(tmp_path, monkeypatch):
    monkeypatch.setattr("bot.storage.BUSY_TIMEOUT_MS", 100)
    data = tmp_path / "data"
    open_storage(data).close()
    holder = sqlite3.connect(data / FILE_NAME)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        storage = open_storage(data)
    finally:
        holder.rollback()
        holder.close()
    assert not storage.persistent and "锁" in storage.problem


def test_a_store_from_a_newer_chuchu_is_not_touched(tmp_path):
    data = tmp_path / "data"
    open_storage(data).close()
    with sqlite3.connect(data / FILE_NAME) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    storage = open_storage(data)
    assert not storage.persistent and "更新版本" in storage.problem


def test_a_failure_after_opening_is_logged_once_and_skipped(tmp_path, caplog):
    storage = open_storage(tmp_path / "data")
    storage.close()  # as if the disk went away under the running bot
    for _ in range(3):
        assert storage.write("INSERT INTO grants (subject, allowed, at) VALUES (1, 1, 'x')") is None
        assert storage.rows("SELECT * FROM grants") == []
    assert len([r for r in caplog.records if "store write failed" in r.getMessage()]) == 1


def test_writes_from_many_threads_are_all_kept(tmp_path):
    storage = open_storage(tmp_path / "data")

    def grant(base: int) -> None:
        for i in range(50):
            storage.write("INSERT INTO grants (subject, allowed, at) VALUES (?, 1, 'x')", (base + i,))

    threads = [threading.Thread(target=grant, args=(n * 1000,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert storage.rows("SELECT COUNT(*) FROM grants")[0][0] == 200


def test_a_data_folder_that_cannot_be_made_is_one_line(tmp_path):
    target = tmp_path / "file-not-folder"
    target.write_text("x")
    storage = open_storage(target / "data")  # a file stands where a folder should be
    assert not storage.persistent and "无法使用" in storage.problem
