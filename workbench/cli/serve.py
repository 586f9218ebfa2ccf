"""`workbench serve`: the review screen in a browser, through textual-serve (issue #13).

Each browser tab gets its own ``workbench --db DB review --reviewer NAME`` process,
spoken to over pipes by textual-serve's web driver; the reviewers share the one
database as they would over ssh. The page is ours, not textual-serve's stock one
(that one loads its font from a CDN): every asset comes from this server.
"""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

import click

from ..errors import DatabaseError, WorkbenchError
from ..textsafety import one_line
from . import cli
from .common import db_path, login_name, open_db

MAX_NAME = 64
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})

# `review` refuses to start without a terminal on its standard streams; under the
# web driver the browser is the terminal, reached over pipes, so the session process
# lifts that check before running the ordinary `review` command.
_SESSION_LAUNCH = "from workbench.cli import main; main()"


def session_argv(database: Path, reviewer: str, *, blind: bool = False) -> list[str]:
    """The command one browser session runs (no shell; ``--reviewer=`` so a name like "-x" stays a name)."""
    argv = [sys.executable, "-c", _SESSION_LAUNCH, f"--db={database}", "review", f"--reviewer={reviewer}"]
    return [*argv, "--blind"] if blind else argv


def reviewer_name(raw: str | None) -> str | None:
    """A usable reviewer name from a URL, or None: printable text of at most MAX_NAME characters."""
    name = (raw or "").strip()
    if not name or len(name) > MAX_NAME or not name.isprintable():  # controls, bidi, zero-width: no
        return None
    return name


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_name(netloc: str) -> str:
    """The host part of ``host[:port]`` / ``[v6]:port``."""
    return urlsplit("//" + netloc).hostname or ""


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--reviewer-prompt/--no-reviewer-prompt",
    default=True,
    show_default=True,
    help="Ask each browser for a reviewer name when its URL has none (?reviewer=NAME);"
    " with --no-reviewer-prompt such sessions review as the login name.",
)
@click.option(
    "--blind",
    is_flag=True,
    help="Every session hides other reviewers' decisions on a claim until its reviewer has decided it.",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, reviewer_prompt: bool, blind: bool) -> None:
    """Serve the review screen to browsers: one review session per tab.

    Each reviewer opens http://HOST:PORT/?reviewer=NAME (or is asked for a name)
    and reviews the shared database live, as with `workbench review` over ssh.
    Listens on loopback only unless --host says otherwise; there is no login, so
    anyone who can reach the port can review. Needs the `serve` extra.

    \b
    Examples:
      workbench --db desk.db serve
      workbench --db desk.db serve --host 0.0.0.0 --port 8080
    """
    try:
        from textual_serve.server import Server  # noqa: F401  (only to check it is there)
    except ImportError:
        click.echo(
            "error: workbench serve needs textual-serve; install the extra: pip install 'workbench[serve]'",
            err=True,
        )
        ctx.exit(2)
    database = db_path(ctx).resolve()
    if not database.exists():
        raise DatabaseError(
            f"{database}: no such database; create it first (workbench --db {database} ingest FOLDER)"
        )
    open_db(ctx).close()  # the usual refusals (not a database, newer, read-only), and migrated once
    if not is_loopback(host):
        click.echo(
            f"warning: listening on {one_line(host)}: anyone who can reach port {port} can review"
            " and change verdicts (no login)",
            err=True,
        )
    server = make_server(
        database,
        host=host,
        port=port,
        default_reviewer=None if reviewer_prompt else login_name(),
        blind=blind,
    )
    try:
        server.serve()
    except OSError as exc:  # port in use, address not ours
        raise WorkbenchError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from exc


def make_server(database: Path, *, host: str, port: int, default_reviewer: str | None, blind: bool = False):
    """A textual-serve ``Server`` whose sessions run `review` on ``database``."""
    return _review_server_class()(
        database, host=host, port=port, default_reviewer=default_reviewer, blind=blind
    )


# --- the pages ----------------------------------------------------------------------
# Ours rather than textual-serve's stock page, which loads Roboto Mono from a font CDN:
# here the font comes from the fonts textual-serve ships, and the Content-Security-Policy
# lets the browser load nothing from anywhere but this server.

_FONTS = """
@font-face { font-family: "Roboto Mono"; font-style: normal; font-weight: 100 700;
  src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf") format("truetype"); }
@font-face { font-family: "Roboto Mono"; font-style: italic; font-weight: 100 700;
  src: url("/static/fonts/RobotoMono-Italic-VariableFont_wght.ttf") format("truetype"); }
body { margin: 0; background: #0c181f; color: rgba(255, 255, 255, 0.95);
  font-family: "Roboto Mono", menlo, monospace; }
.dialog { position: absolute; inset: 0; display: flex; flex-direction: column;
  align-items: center; justify-content: center; gap: 16px; }
a, button { color: inherit; background: #5e0ba7; border: none; padding: 12px 24px;
  font: inherit; text-decoration: none; cursor: pointer; }
"""

_NAME_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>workbench review</title>
<style>{fonts}
input {{ font: inherit; padding: 8px; width: 20em; }}
.problem {{ color: #ff8a80; }}</style></head>
<body><form class="dialog" method="get" action="/">
<label for="reviewer">Who is reviewing? Your name is recorded with every decision.</label>
<input id="reviewer" name="reviewer" maxlength="{max_name}" required autofocus autocomplete="name">
{problem}<button type="submit">Start reviewing</button>
</form></body></html>
"""

_TERMINAL_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>workbench review · {name}</title>
<link rel="stylesheet" href="/static/css/xterm.css">
<style>{fonts}
.closed, #start {{ display: none; }}
body.-closed .closed {{ display: flex; z-index: 10; background: #0c181f; }}
#start.-delay {{ display: block; }}</style>
<script src="/static/js/textual.js"></script></head>
<body><div class="dialog closed"><p>Session ended.</p><a href="{restart}">Review again</a></div>
<a id="start" href="{restart}">Start</a>
<div id="terminal" class="textual-terminal" data-session-websocket-url="{websocket}"
 data-font-size="{font_size}"></div></body></html>
"""


def _csp(websocket_origin: str) -> str:
    # textual.js injects its styles and xterm sets inline style attributes: 'unsafe-inline' for styles only.
    return (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self';"
        f" img-src 'self' data:; connect-src 'self' {websocket_origin}; form-action 'self';"
        " base-uri 'none'; frame-ancestors 'none'"
    )


def name_page(problem: str = "") -> str:
    from html import escape

    shown = f'<p class="problem">{escape(problem)}</p>' if problem else ""
    return _NAME_PAGE.format(fonts=_FONTS, max_name=MAX_NAME, problem=shown)


def terminal_page(name: str, websocket_url: str, font_size: int) -> str:
    from html import escape

    return _TERMINAL_PAGE.format(
        fonts=_FONTS,
        name=escape(name),
        restart=escape("/?reviewer=" + quote(name, safe="")),
        websocket=escape(websocket_url),
        font_size=font_size,
    )


def _review_server_class():
    """textual-serve's ``Server`` with our pages and one `review` process per tab.

    Built on first use: textual-serve (and aiohttp) load only when `serve` runs.
    """
    import asyncio
    import logging

    from aiohttp import WSCloseCode, web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server, to_int

    log = logging.getLogger("textual-serve")

    class ReviewSession(AppService):
        """One browser tab's review process, started without a shell."""

        def __init__(self, argv: list[str], **kwargs) -> None:
            super().__init__(" ".join(argv[4:]), **kwargs)
            self.argv = argv

        async def _open_app_process(self, width: int = 80, height: int = 24):
            self._process = process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=self._build_environment(width=width, height=height),
            )
            self._stdin = process.stdin
            return process

    class ReviewServer(Server):
        def __init__(
            self, database: Path, *, host: str, port: int, default_reviewer: str | None, blind: bool
        ) -> None:
            super().__init__("workbench review", host=host, port=port, title="workbench review")
            self.database = database
            self.blind = blind
            self.default_reviewer = default_reviewer
            self.loopback = is_loopback(host)
            self.websockets: set[web.WebSocketResponse] = set()

        async def _make_app(self) -> web.Application:
            app = web.Application(middlewares=[self.check_host])
            app.add_routes(
                [
                    web.get("/", self.handle_index),
                    web.get("/ws/{reviewer}", self.handle_websocket),
                    web.static("/static", self.statics_path),
                ]
            )
            app.on_startup.append(self.on_startup)
            app.on_shutdown.append(self.close_sessions)
            return app

        async def close_sessions(self, app: web.Application) -> None:
            # Ctrl+C: each tab's review process is told to quit (its writes end cleanly)
            # instead of the server waiting for browsers to hang up.
            for websocket in list(self.websockets):
                await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopped")

        @web.middleware
        async def check_host(self, request: web.Request, handler):
            # A loopback server answers only to loopback names: a web page whose own
            # name was re-pointed at 127.0.0.1 (DNS rebinding) gets nothing.
            if self.loopback and not is_loopback(_host_name(request.host)):
                raise web.HTTPForbidden(text="this server answers only to localhost")
            return await handler(request)

        async def on_startup(self, app: web.Application) -> None:
            click.echo(
                f"Serving the review screen of {one_line(str(self.database))} on {self.public_url}/ (Ctrl+C to stop)"
            )

        async def handle_index(self, request: web.Request) -> web.Response:
            raw = request.query.get("reviewer")
            name = reviewer_name(raw) if raw is not None else self.default_reviewer
            if name is None:
                problem = "" if raw is None else f"A name is printable text of at most {MAX_NAME} characters."
                return self._page(name_page(problem), request)
            scheme = "wss" if request.secure else "ws"
            websocket = f"{scheme}://{request.host}/ws/{quote(name, safe='')}"
            font_size = to_int(request.query.get("fontsize", "16"), 16)
            return self._page(terminal_page(name, websocket, font_size), request)

        def _page(self, html: str, request: web.Request) -> web.Response:
            scheme = "wss" if request.secure else "ws"
            response = web.Response(text=html, content_type="text/html")
            response.headers["Content-Security-Policy"] = _csp(f"{scheme}://{request.host}")
            response.headers["Cache-Control"] = "no-store"
            return response

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            name = reviewer_name(request.match_info["reviewer"])
            if name is None:
                raise web.HTTPBadRequest(text="not a usable reviewer name")
            # Browsers let any page open a websocket anywhere: only our own page may.
            origin = request.headers.get("Origin")
            if origin is not None and urlsplit(origin).netloc.lower() != request.host.lower():
                raise web.HTTPForbidden(text="websocket from another site")
            websocket = web.WebSocketResponse(heartbeat=15)
            width = to_int(request.query.get("width", "80"), 80)
            height = to_int(request.query.get("height", "24"), 24)
            session = None
            try:
                await websocket.prepare(request)
                self.websockets.add(websocket)
                session = ReviewSession(
                    session_argv(self.database, name, blind=self.blind),
                    write_bytes=websocket.send_bytes,
                    write_str=websocket.send_str,
                    close=websocket.close,
                    download_manager=self.download_manager,
                    debug=self.debug,
                )
                await session.start(width, height)
                await self._process_messages(websocket, session)
            except asyncio.CancelledError:
                await websocket.close()
            except Exception as error:  # one tab's failure must not stop the others
                log.exception(error)
            finally:
                self.websockets.discard(websocket)
                if session is not None:
                    await session.stop()
            return websocket

    return ReviewServer
