"""Settings for chuchu, read once at the entry point and passed down."""

from config.settings import Settings, load_settings

__all__ = ["Settings", "load_settings"]
