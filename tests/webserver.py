"""A local HTTP server for the web-ingest tests (127.0.0.1 only, never the internet).

Routes are a dict path -> handler result, changeable while the server runs
(``site.pages[path] = ...``), so one test can serve a page and then its new version.
"""

from __future__ import annotations

import http.server
import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a slow server)
    stream_bytes: int = 0  # send this many bytes after the body, no Content-Length
    declared_length: int | None = None  # a Content-Length header different from the body


def article(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body>"
        f"<nav>Home | World | Sport</nav><article><h1>{title}</h1>\n{body}</article>"
        "<footer>Copyright Example News</footer></body></html>"
    ).encode()


class Site:
    def __init__(self) -> None:
        self.pages: dict[str, Reply] = {}
        self.hits: list[str] = []
        self.host_headers: list[str] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                site.hits.append(self.path)
                site.host_headers.append(self.headers.get("Host", ""))
                reply = site.pages.get(self.path, Reply(404, b"not here", "text/plain"))
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    if reply.content_type:
                        self.send_header("Content-Type", reply.content_type)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    if not reply.stream_bytes:
                        length = (
                            reply.declared_length if reply.declared_length is not None else len(reply.body)
                        )
                        self.send_header("Content-Length", str(length))
                    self.end_headers()
                    self.wfile.write(reply.body)
                    left = reply.stream_bytes
                    chunk = b"x" * 65536
                    while left > 0:
                        self.wfile.write(chunk[:left])
                        left -= len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading (too large): expected

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def loopback_only(monkeypatch) -> list:
    """Make any connection to an address off this machine fail the test instead of leaving it.

    The SSRF tests name 10.x and 169.254.x addresses; the guard must refuse them before
    connecting, and if it ever did not, no packet may go out. Returns the list of
    addresses the code tried to connect to.
    """
    tried: list = []
    real_connect = socket.socket.connect

    def connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        tried.append(host)
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise AssertionError(f"test tried to connect off this machine: {address}")
        return real_connect(self, address)

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        # No DNS query leaves the machine either: only local names resolve.
        if host not in ("localhost", "127.0.0.1", "::1"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return tried
