"""One pydantic-settings object: environment variables prefixed `CHUCHU_`, or a `.env` file.

Secrets are `SecretStr` so they never print; the Telegram token is optional here and demanded
only by the Telegram command, so the console and the JSON commands need no configuration.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.paths import bundled_seeds, default_cache_dir

BUNDLED_SEEDS = bundled_seeds()


def default_data_dir() -> Path:
    """The user's data folder for chuchu (`~/.local/share/chuchu` on Linux)."""
    return Path(platformdirs.user_data_dir("chuchu", appauthor=False))


class SettingsError(Exception):
    """Settings that cannot be used; the message is one line naming the setting."""


class Settings(BaseSettings):
    """Everything chuchu can be told from outside."""

    model_config = SettingsConfigDict(
        env_prefix="CHUCHU_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    documents_dir: Path = Field(default=BUNDLED_SEEDS, description="folder of documents")
    top_k: int = Field(default=3, ge=1, le=50, description="passages shown per answer")
    log_level: str = Field(default="WARNING", description="DEBUG, INFO, WARNING or ERROR")
    cache_dir: Path = Field(
        default_factory=default_cache_dir, description="where the persisted index is kept"
    )
    telegram_token: SecretStr | None = Field(default=None, description="bot token from @BotFather")
    telegram_api_url: str = Field(
        default="https://api.telegram.org/bot", description="Bot API base URL"
    )
    telegram_file_url: str | None = Field(
        default=None, description="Bot API file download URL (default: the API URL's "
        "`/bot` made `/file/bot`)")
    telegram_allowed_users: list[int] = Field(default_factory=list)
    telegram_allowed_chats: list[int] = Field(default_factory=list)
    telegram_admins: list[int] = Field(default_factory=list)
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = Field(default=8443, ge=1, le=65535)
    telegram_webhook_secret: SecretStr | None = None
    # Adding documents by link (`retrieval.ingest.fetch_url`).
    fetch_timeout: float = Field(default=20.0, gt=0, le=300, description="seconds for a page")
    fetch_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1024, description="largest page")
    fetch_allowed_networks: list[str] = Field(
        default_factory=list,
        description="private networks links may point to, e.g. [\"10.0.0.0/8\"] for an intranet")
    # How long a token the Bot API refuses (HTTP 401) is tried before the bot stops (exit 2).
    telegram_unauthorized_attempts: int = Field(default=4, ge=1, le=100)
    telegram_unauthorized_pause: float = Field(default=5.0, ge=0, le=600)
    # The service's store (feedback, question log, corrections, access grants, pages).
    data_dir: Path = Field(default_factory=default_data_dir, description="folder of the store")
    log_format: str = Field(default="text", pattern="^(text|json)$",
                            description="text, or json for one JSON object per line")
    health_port: int | None = Field(default=None, ge=1, le=65535,
                                    description="port of the /healthz endpoint (off when unset)")
    health_listen: str = "127.0.0.1"
    # Fairness: past these a person (or a group) is asked to wait, so a flood holds nobody up.
    user_questions_in_flight: int = Field(default=3, ge=1, le=100)
    user_questions_per_minute: int = Field(default=20, ge=1, le=10_000)
    group_questions_per_minute: int = Field(default=60, ge=1, le=10_000)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
        return level

    @field_validator("fetch_allowed_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        import ipaddress

        for network in value:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError:
                raise ValueError(f"{network!r} is not a network such as 10.0.0.0/8") from None
        return value


def load_settings(**overrides: object) -> Settings:
    """Read the settings; raise `SettingsError` with one readable line when a value is invalid."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "CHUCHU_" + "_".join(str(part) for part in first["loc"][:1]).upper()
        raise SettingsError(f"invalid setting {name}: {first['msg']}") from None
