"""Fetching one URL within limits, refusing private addresses (SSRF guard).

A URL is untrusted input: it may name ``file://``, a host that resolves to the
machine itself or a cloud metadata address (169.254.169.254), or redirect there.
Every hop is checked: the scheme must be http(s) and every address the host
resolves to must be public, unless ``allow_private``. The connection then goes to
the address that was checked (not a second DNS answer: no rebinding between check
and connect), with the Host header and TLS server name set to the host.

Limits: a connect/read timeout and a total deadline, a size cap on the body as
sent (and again after decompression), a fixed set of content types, at most
``max_redirects`` redirects followed by hand and a loop refused.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NameResolutionError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)

from ..errors import MB, InputError, amount

#: What we ingest: web pages and plain text (PDFs and images are refused by type).
CONTENT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
REDIRECTS = (301, 302, 303, 307, 308)
USER_AGENT = "workbench-factcheck/0.1 (+archiving fetch)"


class FetchError(InputError):
    """One URL could not be fetched; the message names the URL and why."""


@dataclass(frozen=True)
class Limits:
    timeout: float = 20.0  # seconds to connect, and between two reads
    total: float = 60.0  # seconds for the whole URL, redirects included (a slow drip)
    max_bytes: int = 20 * MB  # body as sent, and again once decompressed (as HTML files)
    max_redirects: int = 5
    allow_private: bool = False


@dataclass(frozen=True)
class Response:
    """One HTTP response as received: what the WARC archive keeps."""

    url: str
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes  # as sent (still gzip-encoded if it was)
    ip: str
    fetched_at: str
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_line: str = ""


@dataclass(frozen=True)
class Page:
    """The page a URL ended at, and every response on the way (redirects first)."""

    requested_url: str
    responses: list[Response]
    text: str  # body decoded to text
    content_type: str

    @property
    def final(self) -> Response:
        return self.responses[-1]


# --- the guard ---------------------------------------------------------------------


def blocked_reason(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why ``ip`` is not a public address ("loopback", "private", ...), or ``None``."""
    if isinstance(ip, ipaddress.IPv6Address):
        # ::ffff:127.0.0.1 and 64:ff9b::/96-style embeddings reach the IPv4 address.
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            return blocked_reason(embedded)
    for kind in ("loopback", "link_local", "private", "multicast", "reserved", "unspecified"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    if not ip.is_global:  # e.g. 100.64.0.0/10 (carrier-grade NAT)
        return "non-public"
    return None


def resolve(host: str, port: int, url: str, allow_private: bool) -> str:
    """The address to connect to for ``host``, every answer checked; FetchError if refused."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
        answers = [literal]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError(f"{url}: cannot resolve host {host!r} ({_strerror(exc)})") from None
        answers = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
        if not answers:
            raise FetchError(f"{url}: cannot resolve host {host!r}") from None
    if not allow_private:
        # Every answer, not just the first: a host answering a public and a private
        # address could be steered to the private one.
        for ip in answers:
            if reason := blocked_reason(ip):
                raise FetchError(
                    f"{url}: refused: {host} is a {reason} address ({ip}); "
                    "pass --allow-private to fetch from your own network"
                )
    return str(answers[0])


def _strerror(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


# --- one URL -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str  # as in the Host header / TLS server name
    port: int
    path: str  # request target: path and query


def parse_url(url: str) -> _Target:
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in url):
        raise FetchError(f"{url}: URL contains spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"{url}: not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(
            f"{url}: refused: only http and https URLs are fetched, not {scheme or 'a bare path'}:"
        )
    if not parts.hostname:
        raise FetchError(f"{url}: no host in the URL")
    if parts.username is not None or parts.password is not None:
        raise FetchError(f"{url}: refused: URLs with a user name or password are not fetched")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchError(f"{url}: host name {parts.hostname!r} is not valid") from None
    default = 443 if scheme == "https" else 80
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Target(url, scheme, host, port or default, path)


def fetch(url: str, limits: Limits = Limits()) -> Page:
    """Fetch ``url``: the page it ends at, or a FetchError naming the URL and the reason."""
    deadline = time.monotonic() + limits.total
    responses: list[Response] = []
    seen = {url}
    current = url
    while True:
        response = _get(parse_url(current), limits, deadline, url)
        responses.append(response)
        if response.status in REDIRECTS:
            location = _header(response.headers, "location")
            if not location:
                raise FetchError(f"{url}: HTTP {response.status} redirect without a Location")
            current = urljoin(current, location.strip())
            if current in seen:
                raise FetchError(f"{url}: redirect loop (back to {current})")
            if len(responses) > limits.max_redirects:
                raise FetchError(f"{url}: more than {limits.max_redirects} redirects")
            seen.add(current)
            continue
        if response.status not in (200, 203):
            raise FetchError(f"{url}: HTTP {response.status} {response.reason}".rstrip())
        mime = (_header(response.headers, "content-type") or "").split(";")[0].strip().lower()
        if mime not in CONTENT_TYPES:
            raise FetchError(
                f"{url}: content type {mime or '(none)'} is not a web page or text"
                f" (expected {', '.join(CONTENT_TYPES)})"
            )
        body = _decoded(response, url, limits.max_bytes)
        return Page(url, responses, _text(body, response, mime, url), mime)


def _get(target: _Target, limits: Limits, deadline: float, asked: str) -> Response:
    ip = resolve(
        target.host,
        target.port,
        asked if asked == target.url else f"{asked} -> {target.url}",
        limits.allow_private,
    )
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    if ":" in target.host and not target.host.startswith("["):
        host_header = f"[{target.host}]" + ("" if target.port == default_port else f":{target.port}")
    timeout = urllib3.Timeout(connect=limits.timeout, read=limits.timeout)
    common = dict(port=target.port, timeout=timeout, retries=False, maxsize=1)
    if target.scheme == "https":
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            ip, server_hostname=target.host, assert_hostname=target.host, cert_reqs="CERT_REQUIRED", **common
        )
    else:
        pool = urllib3.HTTPConnectionPool(ip, **common)
    request_headers = [
        ("Host", host_header),
        ("User-Agent", USER_AGENT),
        ("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9"),
        # Identity first: the archive then holds the page as plain bytes in most cases.
        ("Accept-Encoding", "identity, gzip;q=0.5"),
    ]
    fetched_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    try:
        with pool:
            raw = pool.urlopen(
                "GET",
                target.path,
                headers=dict(request_headers),
                redirect=False,
                retries=False,
                preload_content=False,
                decode_content=False,
                assert_same_host=False,
            )
            try:
                headers = list(raw.headers.items())
                if raw.status in REDIRECTS:
                    body = b""
                else:
                    body = _read_capped(raw, limits.max_bytes, deadline, target.url)
            finally:
                raw.release_conn()
    except FetchError:
        raise
    except NameResolutionError:  # (urllib3 subclasses: these two before the timeout)
        raise FetchError(f"{target.url}: cannot resolve host {target.host!r}") from None
    except NewConnectionError as exc:
        raise FetchError(f"{target.url}: cannot connect ({_reason(exc)})") from None
    except (ConnectTimeoutError, ReadTimeoutError, TimeoutError):
        raise FetchError(f"{target.url}: timed out after {limits.timeout:g} s") from None
    except SSLError as exc:
        raise FetchError(f"{target.url}: TLS failed ({_reason(exc)})") from None
    except (HTTPError, OSError) as exc:
        if "timed out" in str(exc):
            raise FetchError(f"{target.url}: timed out after {limits.timeout:g} s") from None
        raise FetchError(f"{target.url}: connection failed ({_reason(exc)})") from None
    return Response(
        url=target.url,
        status=raw.status,
        reason=raw.reason or "",
        headers=headers,
        body=body,
        ip=ip,
        fetched_at=fetched_at,
        request_headers=request_headers,
        request_line=f"GET {target.path} HTTP/1.1",
    )


def _reason(exc: BaseException) -> str:
    """The last, most specific part of urllib3's chained message ("Connection refused")."""
    inner = exc
    while inner.__context__ is not None and isinstance(inner.__context__, OSError):
        inner = inner.__context__
    text = getattr(inner, "strerror", None) or str(inner)
    return text.rsplit("] ", 1)[-1].rsplit(": ", 1)[-1][:200]


def _read_capped(raw, limit: int, deadline: float, url: str) -> bytes:
    declared = raw.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(f"{url}: too large ({amount(int(declared))}, the limit is {amount(limit)})")
    chunks: list[bytes] = []
    size = 0
    while chunk := raw.read(64 * 1024, decode_content=False):
        size += len(chunk)
        if size > limit:
            raise FetchError(f"{url}: too large (over the {amount(limit)} limit)")
        if time.monotonic() > deadline:
            raise FetchError(f"{url}: timed out (still sending after the total limit)")
        chunks.append(chunk)
    return b"".join(chunks)


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name), None)


def _decoded(response: Response, url: str, limit: int) -> bytes:
    """The body with its Content-Encoding undone, at most ``limit`` bytes (no zip bomb)."""
    encoding = (_header(response.headers, "content-encoding") or "identity").strip().lower()
    if encoding in ("identity", ""):
        return response.body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"{url}: unsupported content encoding {encoding!r}")
    wbits = 47 if encoding != "deflate" else zlib.MAX_WBITS  # 47: gzip or zlib header
    try:
        inflater = zlib.decompressobj(wbits)
        data = inflater.decompress(response.body, limit + 1)
    except zlib.error:
        raise FetchError(f"{url}: body is not valid {encoding} data") from None
    if len(data) > limit:
        raise FetchError(f"{url}: too large once decompressed (over the {amount(limit)} limit)")
    return data


def _text(body: bytes, response: Response, mime: str, url: str) -> str:
    content_type = _header(response.headers, "content-type") or ""
    charset = next(
        (
            p.split("=", 1)[1].strip().strip("\"'")
            for p in content_type.split(";")[1:]
            if p.strip().lower().startswith("charset=")
        ),
        None,
    )
    if b"\x00" in body and not (charset or "").lower().startswith("utf-16"):
        raise FetchError(f"{url}: binary body (contains NUL bytes), not text")
    if charset:
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown charset: guess as below
    if mime != "text/plain":
        from trafilatura.utils import decode_file  # meta charset, then detection

        text = decode_file(body)
        return text if isinstance(text, str) else text.decode("utf-8", "replace")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.decode("cp1252", "replace")
