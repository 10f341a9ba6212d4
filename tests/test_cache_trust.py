"""The cache under the failures servers really meet: edits while indexing or answering, files
swapped or from elsewhere, read-only and full disks, builders at once, bad input lines.

Each test writes its own Chinese documents (two speakers whose words must never trade places)
into tmp_path and keeps its cache there. Where a test needs a full or read-only disk it mounts
a small tmpfs in a mount namespace of its own (`unshare -m`) when it can, and otherwise makes
the write boundary fail as a full disk does (the temporary file half written, then ENOSPC).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import retrieval.cache.files as cache_files
import retrieval.cache.listing as listing
from config.settings import load_settings
from retrieval.build import build_answerer
from retrieval.cache import CacheUnavailable
from retrieval.store import IndexStore
from tests.helpers import write

REPO = Path(__file__).resolve().parent.parent

WANG = """# 技能人才座谈会

北岭市总工会主席王五表示，今年要为一线职工开设技能夜校三十所，让青年工人学有所成。

南湖县总工会副主席赵九认为，农民工工资专项检查要覆盖全部在建项目，欠薪问题零容忍。
"""
# The same page after an edit: the two speakers' words have traded places.
SWAPPED = """# 技能人才座谈会

北岭市总工会主席王五表示，农民工工资专项检查要覆盖全部在建项目，欠薪问题零容忍。

南湖县总工会副主席赵九认为，今年要为一线职工开设技能夜校三十所，让青年工人学有所成。
"""
OTHER = """# 职工之家

东山区总工会主席李大同说，职工之家今年新增二十家，下班有去处。
"""


def _docs(folder: Path, first: str = WANG) -> Path:
    write(folder, "a.txt", first)
    write(folder, "b.txt", OTHER)
    return folder


def _settings(docs: Path, cache: Path):
    return load_settings(documents_dir=docs, cache_dir=cache)


def _said(answerer, name: str) -> list[str]:
    """The texts of `name`'s answer, each checked to be spoken by `name` in its passage."""
    answer = answerer.ask(f"{name}说了什么？")
    for hit in answer.hits:
        assert name in {s.name for s in hit.passage.speakers}, hit.passage
    return [hit.passage.text for hit in answer.hits]


def _env(cache: Path) -> dict[str, str]:
    return {**os.environ, "CHUCHU_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO)}


# -- an edit while a file is read -----------------------------------------------------------
def test_a_file_edited_while_it_is_read_never_stores_its_new_text_under_the_old_key(
        tmp_path, monkeypatch):
    import retrieval.loading as loading

    docs = _docs(tmp_path / "docs")
    original = (docs / "a.txt").read_bytes()
    real = loading.read_document
    edited = tmp_path / "edited"  # a file, not a list: the read may run in a forked worker

    def editor_saves_meanwhile(path, folder):  # the editor saves just before the read
        if path.name == "a.txt" and not edited.exists():
            edited.touch()
            path.write_text(SWAPPED, encoding="utf-8")
        return real(path, folder)

    monkeypatch.setattr(loading, "read_document", editor_saves_meanwhile)
    during = build_answerer(_settings(docs, tmp_path / "cache"))
    assert edited.exists() and "农民工工资" in _said(during, "王五")[0]  # what it read
    monkeypatch.setattr(loading, "read_document", real)

    (docs / "a.txt").write_bytes(original)  # `git checkout a.txt`
    after = build_answerer(_settings(docs, tmp_path / "cache"))
    assert "技能夜校" in _said(after, "王五")[0]
    assert "农民工工资" in _said(after, "赵九")[0]
    texts = [p.text for p in after.passages]
    assert texts == [p.text for p in build_answerer(_settings(docs, tmp_path / "fresh")).passages]


# -- an edit under a running answerer -------------------------------------------------------
_ANSWERER = """
import json, sys
from config.settings import load_settings
from retrieval.build import build_answerer
answerer = build_answerer(load_settings(documents_dir=sys.argv[1], cache_dir=sys.argv[2]))
print("ready", flush=True)
for line in sys.stdin:
    try:
        answer = answerer.ask(line.strip())
        hits = [{"text": h.passage.text, "speakers": [s.name for s in h.passage.speakers]}
                for h in answer.hits]
        print(json.dumps({"hits": hits, "error": None}, ensure_ascii=False), flush=True)
    except Exception as error:
        print(json.dumps({"hits": [], "error": str(error)}, ensure_ascii=False), flush=True)
"""


def test_an_edit_under_a_running_answerer_in_another_process_never_mixes_versions(tmp_path):
    docs = _docs(tmp_path / "docs")
    cache = tmp_path / "cache"
    running = subprocess.Popen([sys.executable, "-c", _ANSWERER, str(docs), str(cache)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                               cwd=REPO, env=_env(cache))
    try:
        assert running.stdout.readline().strip() == "ready"  # built; no passage read yet
        write(docs, "a.txt", SWAPPED)
        rebuilt = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "--documents",
                                  str(docs), "王五说了什么？"],
                                 capture_output=True, text=True, cwd=REPO, env=_env(cache),
                                 timeout=120)
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert "农民工工资" in json.loads(rebuilt.stdout)["answers"][0]["text"]
        for question in ("王五说了什么？", "赵九说了什么？", "技能夜校", "欠薪问题"):
            running.stdin.write(question + "\n")
            running.stdin.flush()
            answer = json.loads(running.stdout.readline())
            assert answer["error"] is None and answer["hits"], answer
            for hit in answer["hits"]:  # the text it indexed, with the speakers it indexed
                if "技能夜校" in hit["text"]:
                    assert hit["speakers"] == ["王五"], hit
                if "农民工工资" in hit["text"]:
                    assert hit["speakers"] == ["赵九"], hit
    finally:
        running.stdin.close()
        running.wait(timeout=60)


def test_a_reload_swaps_in_a_new_generation_and_the_old_one_goes_once_unused(tmp_path):
    docs = _docs(tmp_path / "docs")
    settings = _settings(docs, tmp_path / "cache")
    old = build_answerer(settings)
    old_entries = {part.path for part in old.passages._parts.parts}  # type: ignore[attr-defined]
    write(docs, "a.txt", SWAPPED)
    new = build_answerer(settings)  # what /reload does while `old` still answers
    assert old_entries <= {p for p in (new.passages._parts.parts[0].path.parent).iterdir()}
    assert "技能夜校" in _said(old, "王五")[0] and "农民工工资" in _said(new, "王五")[0]
    del old  # the bot's holder dropped it: its lease goes with it
    build_answerer(settings)
    left = set(new.passages._parts.parts[0].path.parent.iterdir())  # type: ignore[attr-defined]
    assert left == {part.path for part in new.passages._parts.parts}  # type: ignore[attr-defined]
    assert "农民工工资" in _said(new, "王五")[0]


def test_a_build_with_nothing_left_to_index_prunes_nothing(tmp_path):
    docs = _docs(tmp_path / "docs")
    settings = _settings(docs, tmp_path / "cache")
    running = build_answerer(settings)
    for path in docs.iterdir():
        path.unlink()
    with pytest.raises(Exception, match="没有可以索引"):
        build_answerer(settings)
    assert "技能夜校" in _said(running, "王五")[0]


# -- files that lie ---------------------------------------------------------------------------
def test_a_damaged_listing_is_ignored_and_every_file_read_again(tmp_path, caplog):
    docs = _docs(tmp_path / "docs")
    settings = _settings(docs, tmp_path / "cache")
    first = build_answerer(settings)
    expected = list(first.passages)
    path = first.passages._parts.parts[0].path.parent.parent / "listing"  # type: ignore[attr-defined]
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 0x01  # a count, a key or a time off by one bit
    path.write_bytes(bytes(raw))
    store = IndexStore(settings.cache_dir, progress=False)
    again = build_answerer(settings, store)
    assert "listing" in caplog.text and store.stats["documents_read"] == 2
    assert store.stats["documents_cut"] == 0 and list(again.passages) == expected


def test_swapped_entries_are_chunked_again_and_answers_stay_right(tmp_path):
    docs = _docs(tmp_path / "docs")
    settings = _settings(docs, tmp_path / "cache")
    first = build_answerer(settings)
    a, b = (part.path for part in first.passages._parts.parts)  # type: ignore[attr-defined]
    data_a, data_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(data_b)
    b.write_bytes(data_a)
    del first
    again = build_answerer(settings)
    assert "技能夜校" in _said(again, "王五")[0] and "二十家" in _said(again, "李大同")[0]


def test_a_summary_of_another_corpus_is_refused(tmp_path, caplog):
    docs = _docs(tmp_path / "docs")
    other = tmp_path / "other"
    write(other, "x.txt", OTHER)
    write(other, "y.txt", OTHER.replace("李大同", "钱七").replace("二十家", "九家"))
    ours = build_answerer(_settings(docs, tmp_path / "cache"))
    theirs = build_answerer(_settings(other, tmp_path / "cache"))
    root = ours.passages._parts.parts[0].path.parent.parent  # type: ignore[attr-defined]
    foreign = next((theirs.passages._parts.parts[0].path.parent.parent / "summary").iterdir())
    mine = next((root / "summary").iterdir())
    shutil.copyfile(foreign, mine)
    again = build_answerer(_settings(docs, tmp_path / "cache"))
    assert "summary cache" in caplog.text and "damaged" in caplog.text
    assert [s.name for s in again.speakers()] == [s.name for s in ours.speakers()]
    assert "技能夜校" in _said(again, "王五")[0]


# -- disks that cannot be written -------------------------------------------------------------
def _can_mount() -> bool:
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True)
    return probe.returncode == 0


MOUNTABLE = _can_mount()


def _in_namespace(script: str, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(["unshare", "-m", "sh", "-ec", script], capture_output=True,
                          text=True, cwd=REPO, timeout=timeout)


def _ask(docs: Path, cache: Path, question: str) -> str:
    return (f"CHUCHU_CACHE_DIR={cache} PYTHONPATH={REPO} {sys.executable} -m bot ask --json "
            f"--documents {docs} '{question}'")


@pytest.mark.skipif(not MOUNTABLE, reason="cannot mount a tmpfs here")
def test_a_complete_cache_on_a_read_only_disk_answers(tmp_path):
    docs = _docs(tmp_path / "docs")
    cache = tmp_path / "cache"
    cache.mkdir()
    result = _in_namespace(f"""
        mount -t tmpfs -o size=8m tmpfs {cache}
        {_ask(docs, cache, "技能夜校")} > /dev/null
        {_ask(docs, cache, "技能夜校")} > /dev/null  # files now a second old: listed for good
        mount -o remount,ro {cache}
        {_ask(docs, cache, "王五说了什么？")} > {tmp_path}/ro.json 2> {tmp_path}/ro.err
        {_ask(docs, cache, "欠薪问题")} >> {tmp_path}/ro.json 2>> {tmp_path}/ro.err
    """)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in (tmp_path / "ro.json").read_text().splitlines()]
    assert "技能夜校" in answers[0]["answers"][0]["text"]
    assert "农民工工资" in answers[1]["answers"][0]["text"]
    assert (tmp_path / "ro.err").read_text() == ""  # complete: nothing to write, nothing said


@pytest.mark.skipif(not MOUNTABLE, reason="cannot mount a tmpfs here")
def test_an_incomplete_cache_on_a_read_only_disk_answers_from_memory_with_one_warning(tmp_path):
    docs = _docs(tmp_path / "docs")
    cache = tmp_path / "cache"
    cache.mkdir()
    result = _in_namespace(f"""
        mount -t tmpfs -o size=8m tmpfs {cache}
        {_ask(docs, cache, "技能夜校")} > /dev/null
        mount -o remount,ro {cache}
        {_ask(docs, cache, "王五说了什么？")} > /dev/null
        mount -o remount,rw {cache}
        rm -rf {cache}/*/passages/* {cache}/*/summary
        mount -o remount,ro {cache}
        {_ask(docs, cache, "王五说了什么？")} > {tmp_path}/ro.json 2> {tmp_path}/ro.err
    """)
    assert result.returncode == 0, result.stderr
    answer = json.loads((tmp_path / "ro.json").read_text())
    assert "技能夜校" in answer["answers"][0]["text"]
    warning = (tmp_path / "ro.err").read_text().strip().splitlines()
    assert len(warning) == 1 and "无法写入" in warning[0] and "只读" in warning[0]


@pytest.mark.skipif(not MOUNTABLE, reason="cannot mount a tmpfs here")
def test_a_full_disk_leaves_no_partial_files_and_says_so_once(tmp_path):
    docs = _docs(tmp_path / "docs")
    write(docs, "c.txt", WANG.replace("王五", "孙六").replace("赵九", "周八") * 30)
    cache = tmp_path / "cache"
    cache.mkdir()
    result = _in_namespace(f"""
        mount -t tmpfs -o size=1m tmpfs {cache}
        head -c 1007616 /dev/zero > {cache}/filler
        {_ask(docs, cache, "技能夜校")} > {tmp_path}/full.json 2> {tmp_path}/full.err
        find {cache} -name '*.tmp' > {tmp_path}/left.txt
        rm {cache}/filler
        {_ask(docs, cache, "欠薪问题")} > {tmp_path}/after.json 2> {tmp_path}/after.err
        find {cache} -name '*.tmp' >> {tmp_path}/left.txt
    """)
    assert result.returncode == 0, result.stderr
    assert "技能夜校" in json.loads((tmp_path / "full.json").read_text())["answers"][0]["text"]
    warning = (tmp_path / "full.err").read_text().strip().splitlines()
    assert len(warning) == 1 and "磁盘空间不足" in warning[0], warning
    assert (tmp_path / "left.txt").read_text() == ""
    assert "农民工工资" in json.loads((tmp_path / "after.json").read_text())["answers"][0]["text"]
    assert (tmp_path / "after.err").read_text() == ""


def test_a_full_disk_at_the_write_boundary_leaves_nothing_and_answers(tmp_path, monkeypatch,
                                                                       caplog):
    """Where no tmpfs can be mounted: each file's first 512 bytes are written, then the disk
    is full, as on a real one (the temporary file is really there, half written)."""
    docs = _docs(tmp_path / "docs")
    real_open = open

    class Filling:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def writelines(self, chunks):
            room = 512
            for chunk in chunks:
                self.handle.write(chunk[:room])
                room -= len(chunk)
                if room < 0:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(cache_files, "open",
                        lambda path, mode="r", *a, **k: Filling(real_open(path, mode, *a, **k)),
                        raising=False)
    answerer = build_answerer(_settings(docs, tmp_path / "cache"))
    assert "技能夜校" in _said(answerer, "王五")[0]
    assert caplog.text.count("磁盘空间不足") == 1
    assert not list((tmp_path / "cache").rglob("*.tmp"))


# -- several builders at once -----------------------------------------------------------------
def test_four_builders_at_once_never_crash(tmp_path):
    docs = _docs(tmp_path / "docs")
    cache = tmp_path / "cache"
    for text in (WANG, SWAPPED):  # a first build, then a rebuild that prunes
        write(docs, "a.txt", text)
        builders = [subprocess.Popen([sys.executable, "-m", "bot", "ask", "--json", "--documents",
                                      str(docs), "技能夜校"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     cwd=REPO, env=_env(cache)) for _ in range(4)]
        for builder in builders:
            out, err = builder.communicate(timeout=120)
            assert builder.returncode == 0, err
            hit = json.loads(out)["answers"][0]
            speaker = "王五" if text == WANG else "赵九"
            assert "技能夜校" in hit["text"] and hit["segments"][-1]["speaker"]["name"] == speaker


def test_builders_on_threads_of_one_process_never_crash(tmp_path, monkeypatch):
    import retrieval.index as index

    monkeypatch.setattr(index, "BM25S_FROM", 1)  # the index folder is written too
    docs = _docs(tmp_path / "docs")
    settings = _settings(docs, tmp_path / "cache")
    errors: list[BaseException] = []
    built = []

    def build() -> None:
        try:
            built.append(build_answerer(settings, IndexStore(settings.cache_dir, progress=False,
                                                             engine="bm25s", workers=1)))
        except BaseException as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)

    for _ in range(3):
        threads = [threading.Thread(target=build) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors and len(built) == 12
    assert all("技能夜校" in _said(answerer, "王五")[0] for answerer in built)


# -- input the batch must survive -------------------------------------------------------------
def test_ask_json_survives_an_undecodable_line(tmp_path):
    docs = _docs(tmp_path / "docs")
    lines = "技能夜校\n".encode() + b"\xff\xfe\xe6\x8a\n" + "欠薪问题\n".encode()
    done = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "--documents", str(docs)],
                          input=lines, capture_output=True, cwd=REPO, env=_env(tmp_path / "c"),
                          timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [row["kind"] for row in rows] == ["passages", "invalid", "passages"]
    assert "农民工工资" in rows[2]["answers"][0]["text"]


def test_ask_json_survives_a_line_of_lone_surrogates(tmp_path):
    import io

    from bot.cli import main

    docs = _docs(tmp_path / "docs")
    out = io.StringIO()
    status = main(["ask", "--json", "--documents", str(docs)],
                  stdin=io.StringIO("技能夜校\n\udcff\udcfe问题\n欠薪问题\n"), stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert status == 0 and [row["kind"] for row in rows] == ["passages", "invalid", "passages"]


def test_a_passage_lost_under_a_running_answerer_is_refused_in_chinese(tmp_path):
    docs = _docs(tmp_path / "docs")
    answerer = build_answerer(_settings(docs, tmp_path / "cache"))
    for part in answerer.passages._parts.parts:  # type: ignore[attr-defined]
        part.path.unlink()  # what no build does to a live generation: deleted by hand
    with pytest.raises(CacheUnavailable, match="重新加载"):
        answerer.ask("技能夜校")


def test_the_racy_window_reads_a_just_written_file_again(tmp_path, monkeypatch):
    monkeypatch.setattr(listing, "RACY_NS", 1_000_000_000)  # as outside tests
    docs = _docs(tmp_path / "docs")
    settings = _settings(docs, tmp_path / "cache")
    build_answerer(settings)
    store = IndexStore(settings.cache_dir, progress=False)
    build_answerer(settings, store)  # written within the second: read again, not chunked
    assert store.stats["documents_read"] == 2 and store.stats["documents_cut"] == 0
    monkeypatch.setattr(listing, "RACY_NS", 0)
    build_answerer(settings, IndexStore(settings.cache_dir, progress=False))
    settled = IndexStore(settings.cache_dir, progress=False)
    build_answerer(settings, settled)
    assert settled.stats["documents_read"] == 0


_HOLDER = """
import sys, time
from config.settings import load_settings
from retrieval.build import build_answerer
answerer = build_answerer(load_settings(documents_dir=sys.argv[1], cache_dir=sys.argv[2]))
open(sys.argv[3], "w").close()
time.sleep(float(sys.argv[4]))
"""


@pytest.mark.skipif(not MOUNTABLE, reason="cannot mount a tmpfs here")
def test_a_read_only_cache_with_an_unpruned_generation_still_answers(tmp_path):
    docs = _docs(tmp_path / "docs")
    cache = tmp_path / "cache"
    cache.mkdir()
    holder = tmp_path / "holder.py"
    holder.write_text(_HOLDER, encoding="utf-8")
    run = f"CHUCHU_CACHE_DIR={cache} PYTHONPATH={REPO} {sys.executable}"
    result = _in_namespace(f"""
        mount -t tmpfs -o size=8m tmpfs {cache}
        {_ask(docs, cache, "技能夜校")} > /dev/null
        {run} {holder} {docs} {cache} {tmp_path}/ready 3 &
        while [ ! -e {tmp_path}/ready ]; do sleep 0.1; done
        rm {docs}/b.txt
        {_ask(docs, cache, "技能夜校")} > /dev/null  # the holder's generation stays
        wait
        ls {cache}/*/generations | wc -l > {tmp_path}/generations.txt
        mount -o remount,ro {cache}
        {_ask(docs, cache, "欠薪问题")} > {tmp_path}/ro.json
    """)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "generations.txt").read_text().strip() == "2"  # one no longer in use
    assert "农民工工资" in json.loads((tmp_path / "ro.json").read_text())["answers"][0]["text"]
