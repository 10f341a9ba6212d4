"""A real install: the wheel answers on its bundled documents with no configuration, the cache
goes to the user's cache folder, and the command line takes its options where people put them."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from bot.cli import main
from config.settings import load_settings
from tests.helpers import write

REPO = Path(__file__).resolve().parent.parent
SEED_NAMES = sorted(p.name for p in (REPO / "seeds").iterdir())
QUESTION = "丽水建成了多少个职工疗休养基地？"
CORPUS = "# 职工书屋\n\n东城区总工会主席韩梅表示，今年将新建职工书屋二十家。\n"


def _run(argv, stdin=""):
    out = io.StringIO()
    return main(argv, stdin=io.StringIO(stdin), stdout=out), out.getvalue()


def test_the_seeds_folder_holds_the_five_documents_only():
    assert len(SEED_NAMES) == 5 and all(name.endswith(".txt") for name in SEED_NAMES)


def test_defaults_are_the_bundled_seeds_and_the_user_cache_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("CHUCHU_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    settings = load_settings()
    assert sorted(p.name for p in settings.documents_dir.iterdir()) == SEED_NAMES
    assert settings.cache_dir == tmp_path / "xdg" / "chuchu"


@pytest.mark.parametrize("where", ["before", "after"])
def test_documents_before_or_after_the_command(tmp_path, where):
    write(tmp_path / "docs", "a.txt", CORPUS)
    option = ["--documents", str(tmp_path / "docs")]
    argv = option + ["ask", "--json", "职工书屋"] if where == "before" \
        else ["ask", "--json", "职工书屋"] + option
    status, out = _run(argv)
    assert status == 0 and json.loads(out)["answers"][0]["document"]["id"] == "a.txt"


def test_version(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.startswith("chuchu 0.")


def test_a_cache_that_cannot_be_written_is_one_line_and_answers_still_come(
        tmp_path, monkeypatch, capsys):
    write(tmp_path / "docs", "a.txt", CORPUS)
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("CHUCHU_CACHE_DIR", str(tmp_path / "file" / "cache"))
    status, out = _run(["ask", "--json", "--documents", str(tmp_path / "docs"), "职工书屋"])
    assert status == 0 and "二十家" in json.loads(out)["answers"][0]["text"]
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "无法写入" in err[0] and "临时缓存" in err[0]


def _copy_source(target: Path) -> Path:
    """What `pip install .` builds from, away from the checkout's build litter."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist")
    for name in ("bot", "retrieval", "config", "seeds"):
        shutil.copytree(REPO / name, target / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, target / name)
    return target


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_answers_on_the_bundled_documents(tmp_path):
    """Build the wheel, install it (no dependencies: they come from this venv) into a new
    venv, and ask from another folder: the bundled documents are found in the package and
    the cache goes to the user's cache folder, not into site-packages."""
    source = _copy_source(tmp_path / "source")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path / "dist"), str(source)], check=True, timeout=120,
                   capture_output=True)
    wheel = next((tmp_path / "dist").glob("chuchu-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=60)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)], check=True, timeout=120,
                   capture_output=True)
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                                "['purelib'])"], check=True, capture_output=True, text=True,
                               timeout=30).stdout.strip())
    # The dependencies from this venv, as a plain path: its editable chuchu stays out.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    assert sorted(p.name for p in (site / "config" / "seeds").iterdir()) == SEED_NAMES
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CHUCHU_")}
    environment.update(HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "xdg"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run([str(venv / "bin" / "chuchu"), "ask", "--json", QUESTION], cwd=elsewhere,
                         env=environment, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert answer["answers"] and "疗休养" in answer["answers"][0]["text"]
    assert run.stderr == ""
    assert any((tmp_path / "xdg" / "chuchu").iterdir())
    assert not any(site.rglob("corpus-*")) and not any(elsewhere.iterdir())
    where = subprocess.run([str(python), "-c", "import retrieval; print(retrieval.__file__)"],
                           cwd=elsewhere, env=environment, capture_output=True, text=True,
                           check=True, timeout=30)
    assert where.stdout.startswith(str(site))
    version = subprocess.run([str(venv / "bin" / "chuchu"), "--version"], env=environment,
                             capture_output=True, text=True, timeout=30)
    assert version.stdout.strip() == "chuchu 0.1.0"


def test_no_cache_at_all_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    write(tmp_path / "docs", "a.txt", CORPUS)
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("CHUCHU_CACHE_DIR", str(tmp_path / "file" / "cache"))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "file" / "tmp"))
    status, _ = _run(["ask", "--json", "--documents", str(tmp_path / "docs"), "职工书屋"])
    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "CHUCHU_CACHE_DIR" in err[0]
