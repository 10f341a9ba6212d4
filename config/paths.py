"""Where chuchu finds its bundled documents and keeps its cache, installed or from a checkout.

An installed chuchu (a wheel, `pip install .`) carries the bundled documents as package data,
`config/seeds/` (mapped from the repository's top-level `seeds/` by `pyproject.toml`); a
checkout or an editable install reads `seeds/` in place. The cache goes to the user's cache
folder (`~/.cache/chuchu` on Linux, platformdirs), never into site-packages or the checkout.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE.parent


def bundled_seeds() -> Path:
    """The bundled documents: package data when installed, the checkout's `seeds/` otherwise."""
    installed = PACKAGE / "seeds"
    return installed if installed.is_dir() else REPO_ROOT / "seeds"


def default_cache_dir() -> Path:
    """The user's cache folder for chuchu (`$XDG_CACHE_HOME/chuchu`, `~/.cache/chuchu`…)."""
    import platformdirs

    return platformdirs.user_cache_path("chuchu", appauthor=False)


def unwritable(folder: Path) -> str | None:
    """Why files cannot be written in `folder` (created if missing), in Chinese; None if they can."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-", delete=True):
            pass
    except FileExistsError:
        return "同名文件已存在，不是文件夹"
    except NotADirectoryError:
        return "路径中有一段是文件，不是文件夹"
    except PermissionError:
        return "没有写入权限"
    except OSError as exc:
        return exc.strerror or str(exc)
    if not os.access(folder, os.W_OK | os.X_OK):
        return "没有写入权限"
    return None
