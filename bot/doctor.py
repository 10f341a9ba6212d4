"""`chuchu doctor`: checks everything an operator would check first, one line each.

Settings (secrets redacted), the documents folder, the index cache, the store, and whether the
Bot API answers `getMe` with the configured token. Exit status 0 when nothing failed, 1
otherwise. The token never appears in the output: the URL is printed with it redacted.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import TextIO

from bot.logging_setup import REDACTED
from bot.storage import FILE_NAME, open_storage
from config.settings import Settings
from retrieval.overview import kind_of

OK, WARN, FAIL = "正常", "注意", "失败"


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def checks(settings: Settings, timeout: float = 5.0) -> list[tuple[str, str, str]]:
    """(status, what, detail) for each check, in order."""
    out: list[tuple[str, str, str]] = []
    shown = {k: ("***" if "token" in k or "secret" in k else str(v))
             for k, v in settings.model_dump().items() if v not in (None, [], "")}
    out.append((OK, "设置", ", ".join(f"{k}={v}" for k, v in sorted(shown.items()))))

    folder = settings.documents_dir
    if not folder.is_dir():
        out.append((FAIL, "文档目录", f"{folder} 不存在"))
    else:
        files = [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")]
        kinds = Counter(kind_of(p.name) for p in files)
        detail = f"{folder}：{len(files)} 个文件（" + "、".join(f"{k} {n}" for k, n in kinds.most_common()) + "）"
        out.append((OK if files else FAIL, "文档目录", detail))

    cache = settings.cache_dir
    writable = os.access(cache if cache.exists() else cache.parent, os.W_OK)
    out.append((OK if writable else FAIL, "索引缓存",
                f"{cache}：{_size(cache) / 1e6:.1f} MB" + ("" if writable else "，不可写")))

    storage = open_storage(settings.data_dir)
    if storage.problem:
        out.append((FAIL, "数据库", storage.problem))
    else:
        integrity = storage.check()
        counts = {table: storage.rows(f"SELECT COUNT(*) FROM {table}")[0][0]
                  for table in ("questions", "votes", "corrections", "grants")}
        out.append((OK if integrity == "ok" else FAIL, "数据库",
                    f"{settings.data_dir / FILE_NAME}：结构版本 {storage.schema_version()}，完整性 {integrity}，"
                    + "，".join(f"{t} {n}" for t, n in counts.items())))
    storage.close()

    out.append(bot_api(settings, timeout))
    return out


def bot_api(settings: Settings, timeout: float) -> tuple[str, str, str]:
    """Whether the Bot API answers getMe with the token (the token redacted in what is shown)."""
    base = settings.telegram_api_url.rstrip("/")
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value().strip():
        return (WARN, "Bot API", "未设置 CHUCHU_TELEGRAM_TOKEN（只有 chuchu telegram 需要）")
    token = settings.telegram_token.get_secret_value().strip()
    shown = f"{base}{token.split(':')[0]}:{REDACTED}/getMe"
    try:
        with urllib.request.urlopen(f"{base}{token}/getMe", timeout=timeout) as response:
            data = json.loads(response.read().decode("utf-8"))
        username = (data.get("result") or {}).get("username", "?")
        return (OK, "Bot API", f"{shown}：机器人 @{username}")
    except urllib.error.HTTPError as error:
        reason = "令牌被拒绝（已撤销或有误）" if error.code == 401 else f"HTTP {error.code}"
        return (FAIL, "Bot API", f"{shown}：{reason}")
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return (FAIL, "Bot API", f"{shown}：无法连接（{str(reason).replace(token, REDACTED)}）")


def run_doctor(settings: Settings, out: TextIO) -> int:
    results = checks(settings)
    for status, what, detail in results:
        out.write(f"[{status}] {what}：{detail}\n")
    return 1 if any(status == FAIL for status, _, _ in results) else 0
