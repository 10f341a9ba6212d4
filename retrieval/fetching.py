"""Fetching a web page for `/add URL`, safely: a link someone sends must not reach inside.

Only `http` and `https`; the host is resolved once and every address is checked, then the
connection goes to an address that passed (never to a second lookup, which a hostile DNS
could point at 127.0.0.1); each redirect is checked the same way. Addresses that are not
public (loopback, private, link-local, carrier-grade NAT, reserved, multicast) are refused
unless a network holding them is allowed by the `fetch_allowed_networks` setting, for an
organisation's intranet. The whole fetch has one deadline and one size limit. Built on the
standard library's `http.client`, whose connection is handed the checked socket.
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
import time
import urllib.parse
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from retrieval.errors import IngestError

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
USER_AGENT = "Mozilla/5.0 (compatible; chuchu/0.1; document ingest)"
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]


@dataclass(frozen=True)
class Fetched:
    """A page's bytes, the URL they came from (after redirects) and what the server said of them."""

    url: str
    data: bytes
    content_type: str = ""
    charset: str = ""


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (the system's resolver)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def allowed(address: Address, networks: Sequence[str] = ()) -> bool:
    """Whether a link may lead to `address`: a public address, or one in `networks`."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in ipaddress.ip_network(n, strict=False) for n in networks):
        return True
    return address.is_global and not address.is_multicast


def fetch(url: str, *, timeout: float = 20.0, max_bytes: int = 20 * 1024 * 1024,
          allowed_networks: Sequence[str] = (), resolver: Resolver = resolve) -> Fetched:
    """GET `url`, following redirects; raises `IngestError` (in Chinese) when it may not or
    cannot be fetched, is not a 200, or is larger than `max_bytes`.

    Args:
        timeout: seconds for the whole fetch, redirects included.
        allowed_networks: networks (`10.0.0.0/8`) that links may reach besides public ones.
        resolver: host and port to addresses (a test may resolve names its own way).
    """
    deadline = time.monotonic() + timeout
    for _ in range(MAX_REDIRECTS + 1):
        response, connection = _request(url, deadline, allowed_networks, resolver)
        try:
            if response.status in _REDIRECTS and response.getheader("Location"):
                url = urllib.parse.urljoin(url, response.getheader("Location", ""))
                continue
            if response.status != 200:
                raise IngestError(f"网页返回 HTTP {response.status}（{response.reason}），无法添加")
            data = _decoded(_body(response, connection, deadline, max_bytes),
                            response.getheader("Content-Encoding", ""), max_bytes)
            message = response.msg
            return Fetched(url, data, message.get_content_type(),
                           message.get_content_charset() or "")
        finally:
            connection.close()
    raise IngestError(f"网页重定向超过 {MAX_REDIRECTS} 次，无法添加")


def _target(url: str) -> tuple[urllib.parse.SplitResult, str, int]:
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        raise IngestError("只能添加 http 或 https 开头的网页链接")
    if parts.username or parts.password:
        raise IngestError("链接中不能带用户名或密码")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise IngestError("链接的端口号无效") from None
    if not parts.hostname:
        raise IngestError("链接中没有网站地址")
    return parts, parts.hostname, port


def _address(host: str, port: int, networks: Sequence[str], resolver: Resolver) -> str:
    """The first address of `host` a link may reach; raises `IngestError` when none may."""
    try:
        addresses = resolver(host, port)
    except (OSError, UnicodeError):
        raise IngestError(f"无法解析网站地址 {host}") from None
    refused = ""
    for text in addresses:
        try:
            address = ipaddress.ip_address(text.split("%")[0])
        except ValueError:
            continue
        if allowed(address, networks):
            return text
        refused = refused or text
    if refused:
        raise IngestError(f"链接指向内网或本机地址（{refused}），出于安全不予访问")
    raise IngestError(f"无法解析网站地址 {host}")


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise IngestError("读取网页超时")
    return left


def _request(url: str, deadline: float, networks: Sequence[str],
             resolver: Resolver) -> tuple[http.client.HTTPResponse, http.client.HTTPConnection]:
    """Send the GET for `url` to a checked address; returns the response and its connection."""
    parts, host, port = _target(url)
    address = _address(host, port, networks, resolver)
    connection = http.client.HTTPConnection(host, port, timeout=_remaining(deadline))
    try:
        sock = socket.create_connection((address, port), timeout=_remaining(deadline))
        if parts.scheme.lower() == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
        connection.sock = sock  # http.client then sends to this socket, with Host: `host`
        path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        connection.request("GET", path, headers={
            "User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
            "Accept-Encoding": "identity", "Accept-Language": "zh-CN,zh;q=0.9"})
        sock.settimeout(_remaining(deadline))
        return connection.getresponse(), connection
    except IngestError:
        connection.close()
        raise
    except ssl.SSLError as exc:
        connection.close()
        raise IngestError(f"网站的 HTTPS 证书无效（{exc.reason or exc}）") from None
    except TimeoutError:
        connection.close()
        raise IngestError("连接网站超时") from None
    except (OSError, http.client.HTTPException) as exc:
        connection.close()
        raise IngestError(f"无法连接网站（{getattr(exc, 'strerror', None) or exc}）") from None


def _body(response: http.client.HTTPResponse, connection: http.client.HTTPConnection,
          deadline: float, max_bytes: int) -> bytes:
    """The response's body, within the deadline and `max_bytes`."""
    too_large = IngestError(f"网页超过 {max_bytes / 2**20:.0f} MB，不予添加")
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            if connection.sock is not None:
                connection.sock.settimeout(_remaining(deadline))
            chunk = response.read1(_CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > max_bytes:
                raise too_large
            chunks.append(chunk)
    except TimeoutError:
        raise IngestError("读取网页超时") from None
    except (OSError, http.client.HTTPException) as exc:
        raise IngestError(f"读取网页时连接中断（{exc}）") from None


def _decoded(data: bytes, encoding: str, max_bytes: int) -> bytes:
    """The body without the gzip or deflate a server applied although asked not to, within
    `max_bytes` once unpacked."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return data
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise IngestError(f"网站用了无法解开的压缩方式（{encoding}）")
    unpacker = zlib.decompressobj(zlib.MAX_WBITS | 32 if "gzip" in encoding else zlib.MAX_WBITS)
    try:
        body = unpacker.decompress(data, max_bytes + 1)
    except zlib.error:
        raise IngestError("网页的压缩数据已损坏") from None
    if len(body) > max_bytes or unpacker.unconsumed_tail:
        raise IngestError(f"网页超过 {max_bytes / 2**20:.0f} MB，不予添加")
    return body
