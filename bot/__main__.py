"""`python -m bot` runs the `chuchu` command."""

from bot.cli import run

run()
