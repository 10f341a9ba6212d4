"""Reaching Telegram through a SOCKS5 proxy (`ALL_PROXY=socks5://…`), the usual way from
mainland China: the bot's requests go through a small SOCKS5 relay this test starts, to the
fake Bot API server. Without python-telegram-bot's `socks` extra this was a traceback."""

from __future__ import annotations

import asyncio
import contextlib

from bot.telegram import build_application
from config.settings import load_settings
from fake_bot_api import TOKEN


class Socks5Relay:
    """A SOCKS5 server without authentication that relays CONNECTs and records their targets."""

    def __init__(self) -> None:
        self.targets: list[tuple[str, int]] = []
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> Socks5Relay:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            _, methods = await reader.readexactly(2)
            await reader.readexactly(methods)
            writer.write(b"\x05\x00")  # no authentication
            _, command, _, kind = await reader.readexactly(4)
            if kind == 1:
                host = ".".join(str(b) for b in await reader.readexactly(4))
            elif kind == 3:
                host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
            else:
                raise ConnectionError("IPv6 targets are not needed here")
            port = int.from_bytes(await reader.readexactly(2), "big")
            if command != 1:
                raise ConnectionError("only CONNECT")
            self.targets.append((host, port))
            upstream_reader, upstream_writer = await asyncio.open_connection(host, port)
            writer.write(b"\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00")
            await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()


async def test_bot_api_calls_go_through_a_socks5_proxy(server, answerer, corpus, tmp_path,
                                                       monkeypatch):
    relay = await Socks5Relay().start()
    try:
        for name in ("HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy",
                     "no_proxy", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("ALL_PROXY", f"socks5://127.0.0.1:{relay.port}")
        settings = load_settings(documents_dir=corpus, cache_dir=tmp_path / "cache",
                                 telegram_token=TOKEN, telegram_api_url=server.base_url)
        application = build_application(settings, answerer)
        await application.bot.initialize()
        try:
            me = await application.bot.get_me()
        finally:
            await application.bot.shutdown()
        assert me.username == server.username
        assert ("127.0.0.1", server.port) in relay.targets
    finally:
        await relay.stop()
