"""A health endpoint for supervisors (Docker's HEALTHCHECK, a load balancer, a monitor).

`GET /healthz` answers 200 with a small JSON body while the bot can work, and 503 when it
cannot: the Bot API has not answered for too long (polling stuck, token refused). It listens on
its own port (`CHUCHU_HEALTH_PORT`), in webhook mode beside the webhook listener and in polling
mode alike, and needs no library beyond asyncio.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)


class HealthServer:
    """Answers `GET /healthz` with `status()`: (healthy, details)."""

    def __init__(self, listen: str, port: int,
                 status: Callable[[], tuple[bool, dict[str, object]]]) -> None:
        self.listen = listen
        self.port = port
        self._status = status
        self._server: asyncio.base_events.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.listen, self.port)
        logger.info("health endpoint on http://%s:%d/healthz", self.listen, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), 5)
            while (await asyncio.wait_for(reader.readline(), 5)) not in (b"\r\n", b"\n", b""):
                pass  # headers: nothing in them matters here
            parts = request.decode("latin-1").split()
            if len(parts) >= 2 and parts[0] in ("GET", "HEAD") and parts[1].split("?")[0] == "/healthz":
                healthy, details = self._status()
                code, body = (200, "OK") if healthy else (503, "Service Unavailable")
                payload = json.dumps({"status": "ok" if healthy else "unhealthy", **details})
            else:
                code, body, payload = 404, "Not Found", '{"status": "not found"}'
            data = payload.encode()
            writer.write(
                f"HTTP/1.1 {code} {body}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode()
                + (data if parts and parts[0] != "HEAD" else b""))
            await writer.drain()
        except (TimeoutError, ConnectionError, UnicodeError) as error:
            logger.debug("health request dropped: %s", error)
        finally:
            writer.close()
