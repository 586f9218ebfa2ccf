"""`workbench serve`: the review screen in a browser, through textual-serve (#13).

Without a browser: every asset the page loads comes from the server itself (no
CDN), names come from the URL or a form, only loopback names and our own page get
in, and a websocket session decides a verdict in the database. With headless
Chromium (skipped when none is installed): the page is opened, keys are pressed,
the verdict is found in the database and no request left the host.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
from click.testing import CliRunner

aiohttp = pytest.importorskip("aiohttp", reason="the serve extra (textual-serve) is not installed")
pytest.importorskip("textual_serve", reason="the serve extra (textual-serve) is not installed")

from workbench.cli import cli  # noqa: E402
from workbench.cli import serve as serve_cli  # noqa: E402
from workbench.storage import connect  # noqa: E402

WORKBENCH = Path(sys.executable).with_name("workbench")
START_S = 60.0  # a busy 2-core CI box: starting a server or a review session takes ~1-3 s


# --- a served database --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    """Live child processes of ``pid`` (zombies excluded)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> str:
    """The process's state letter, or "" once it is gone (a zombie counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return ""
    return "" if state == "Z" else state


class Served:
    def __init__(self, db_path: Path, *extra: str) -> None:
        self.db_path = db_path
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115  (closed in stop())
        self.proc = subprocess.Popen(
            [str(WORKBENCH), "--db", str(db_path), "serve", "--port", str(self.port), *extra],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # Sessions never read the developer's key config (a module-scoped server starts
            # before the autouse isolated_env fixture).
            env={**os.environ, "WORKBENCH_CONFIG": str(db_path.parent / "config.toml")},
        )
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"serve exited: {self.output()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.5):
                return
            time.sleep(0.1)
        raise AssertionError(f"serve did not listen within {START_S}s: {self.output()}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture
def served(seed_db_path):
    server = Served(seed_db_path)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def pages(_seeded_template, tmp_path_factory):
    """One server for the tests that only fetch pages (each start costs seconds on CI)."""
    path = tmp_path_factory.mktemp("pages") / "seeds.db"
    shutil.copy(_seeded_template, path)
    server = Served(path)
    yield server
    server.stop()


def _decisions(db_path: Path, reviewer: str) -> list[tuple[int, str]]:
    db = connect(db_path)
    try:
        return db.execute(
            "SELECT claim_id, status FROM decisions WHERE reviewer = ? AND status IS NOT NULL", [reviewer]
        ).fetchall()
    finally:
        db.close()


def _wait_for(check, timeout: float = START_S, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(step)
    return check()


# --- what a page loads ------------------------------------------------------------


class _Refs(HTMLParser):
    """URLs an HTML page makes the browser load (scripts, styles, images, fonts, frames)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if tag == "object" and attrs.get("data"):
            self.urls.append(attrs["data"])
        if attrs.get("style"):
            self.urls += css_urls(attrs["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.urls += css_urls(data)


def css_urls(css: str) -> list[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)  # licence comments name their project's site
    found = re.findall(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""", css)
    found += re.findall(r"""@import\s+['"]([^'"]+)['"]""", css)
    return found


def page_urls(html: str) -> list[str]:
    parser = _Refs()
    parser.feed(html)
    return parser.urls


def off_host(base: str, urls: list[str]) -> list[str]:
    host = urlsplit(base).netloc
    return [u for u in urls if urlsplit(urljoin(base, u)).netloc != host]


def test_the_stock_textual_serve_page_would_fail_the_no_cdn_check():
    """Why the page is ours: textual-serve's own template loads its font from a CDN."""
    import textual_serve

    stock = (Path(textual_serve.__file__).parent / "templates" / "app_index.html").read_text()
    assert off_host("http://127.0.0.1:8000/", page_urls(stock)) == [
        "https://fonts.googleapis.com/css?family=Roboto%20Mono"
    ]


async def test_every_asset_the_pages_load_comes_from_the_server_itself(pages):
    fetched: dict[str, int] = {}
    async with aiohttp.ClientSession() as http:

        async def crawl(url: str) -> None:
            if url in fetched:
                return
            async with http.get(url) as response:
                fetched[url] = response.status
                body = await response.read()
                kind = response.content_type
            text = body.decode("utf-8", "replace")
            refs = page_urls(text) if kind == "text/html" else css_urls(text) if kind == "text/css" else []
            assert off_host(url, refs) == [], url
            for ref in refs:
                await crawl(urljoin(url, ref))

        for start in ("/", "/?reviewer=ana"):
            await crawl(pages.base + start)
        async with http.get(pages.base + "/?reviewer=ana") as response:
            policy = response.headers["Content-Security-Policy"]
    assert all(status == 200 for status in fetched.values()), fetched
    loaded = {urlsplit(u).path for u in fetched}
    assert {"/static/js/textual.js", "/static/css/xterm.css"} <= loaded
    assert any(p.startswith("/static/fonts/RobotoMono") for p in loaded)  # the font, from here
    # The browser itself is told to load nothing from elsewhere.
    assert "default-src 'none'" in policy and "https:" not in policy


async def test_a_name_comes_from_the_url_or_is_asked_for(pages):
    async with aiohttp.ClientSession() as http:
        async with http.get(pages.base + "/") as response:
            asking = await response.text()
        async with http.get(pages.base + "/?reviewer=Zo%C3%AB%20M") as response:
            named = await response.text()
        bad = {}
        for raw in ("%E2%80%AEevil", "%1B%5B2J", "x" * 65, "%20%20"):
            async with http.get(pages.base + "/?reviewer=" + raw) as response:
                bad[raw] = await response.text()
    assert 'name="reviewer"' in asking and "textual-terminal" not in asking
    assert "textual-terminal" in named
    assert f'data-session-websocket-url="ws://127.0.0.1:{pages.port}/ws/Zo%C3%AB%20M"' in named
    for raw, page in bad.items():
        assert "textual-terminal" not in page and "at most 64 characters" in page, raw


async def test_without_the_prompt_a_nameless_url_reviews_as_the_login_name_blind_too(seed_db_path):
    server = Served(seed_db_path, "--no-reviewer-prompt", "--blind")
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(server.base + "/") as response:
                page = await response.text()
            websocket = f"/ws/{quote(serve_cli.login_name(), safe='')}"
            assert f'{websocket}"' in page
            # `review --blind` starts and draws its screen.
            async with http.ws_connect(server.base + websocket + "?width=100&height=30") as ws:
                await _first_screen(ws, server)
    finally:
        server.stop()


async def test_only_loopback_names_and_our_own_page_get_in(pages):
    async with aiohttp.ClientSession() as http:
        async with http.get(pages.base + "/", headers={"Host": f"rebound.example:{pages.port}"}) as r:
            rebound = r.status
        async with http.get(pages.base + "/", headers={"Host": f"localhost:{pages.port}"}) as r:
            local = r.status
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(pages.base + "/ws/ana", headers={"Origin": "https://evil.example"})
        with pytest.raises(aiohttp.WSServerHandshakeError) as nameless:
            await http.ws_connect(pages.base + "/ws/%E2%80%AE")
    assert (rebound, local) == (403, 200)
    assert refused.value.status == 403
    assert nameless.value.status == 400


async def _first_screen(ws, served: Served) -> None:
    """Wait until the review process has drawn its first screen."""
    received = 0
    deadline = time.monotonic() + START_S
    while received < 5000 and time.monotonic() < deadline:
        with contextlib.suppress(asyncio.TimeoutError):
            msg = await ws.receive(timeout=1)
            if msg.type == aiohttp.WSMsgType.BINARY:
                received += len(msg.data)
    assert received >= 5000, served.output()


async def _press_until_decided(press, db_path: Path, reviewer: str) -> list[tuple[int, str]]:
    """Press `s` until the reviewer's verdict is in the database: a key pressed while the app is
    still starting may go unread (a second `s` on the same claim changes nothing)."""
    found: list[tuple[int, str]] = []
    deadline = time.monotonic() + START_S
    while not found and time.monotonic() < deadline:
        await press()
        found = await asyncio.to_thread(_wait_for, lambda: _decisions(db_path, reviewer), 5)
    return found


async def test_a_websocket_session_records_the_verdict_as_its_reviewer(served):
    """The protocol the page speaks, without a browser: keys in, screen out, verdict in the database."""
    async with aiohttp.ClientSession() as http:
        origin = {"Origin": served.base}
        async with http.ws_connect(served.base + "/ws/ana?width=120&height=40", headers=origin) as ws:
            await _first_screen(ws, served)
            found = await _press_until_decided(
                lambda: ws.send_str(json.dumps(["stdin", "s"])), served.db_path, "ana"
            )
        assert [status for _, status in found] == ["sourced"]
    # Closing the tab ends its review process.
    assert _wait_for(lambda: not _children(served.proc.pid), 30), _children(served.proc.pid)


async def test_ctrl_c_with_a_tab_open_ends_its_review_process_promptly(served):
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(served.base + "/ws/ana?width=100&height=30")
        await _first_screen(ws, served)
        sessions = _children(served.proc.pid)
        assert len(sessions) == 1
        started = time.monotonic()
        served.proc.send_signal(signal.SIGINT)
        code = await asyncio.to_thread(served.proc.wait, 60)
        stopped = time.monotonic() - started
        await ws.close()
    assert code == 0
    # The tab is told the server stopped (was: the server waited ~20 s for the browser).
    assert stopped < 10, stopped
    assert _wait_for(lambda: not any(map(_alive, sessions)), 30), [_alive(pid) for pid in sessions]


# --- the command's refusals ---------------------------------------------------------


def test_a_missing_database_is_refused_with_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "none.db"), "serve"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "no such database" in result.output
    assert not (tmp_path / "none.db").exists()


def test_without_textual_serve_one_line_and_exit_2(seed_db_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)  # import fails as if not installed
    result = CliRunner().invoke(cli, ["--db", str(seed_db_path), "serve"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "pip install 'workbench[serve]'" in result.output


class _FakeServer:
    def __init__(self, error: OSError | None = None) -> None:
        self.error = error

    def serve(self) -> None:
        if self.error:
            raise self.error


@pytest.mark.parametrize(
    ("host", "warned"), [("127.0.0.1", False), ("localhost", False), ("::1", False), ("0.0.0.0", True)]
)
def test_a_non_loopback_host_gets_one_warning_line(seed_db_path, monkeypatch, host, warned):
    monkeypatch.setattr(serve_cli, "make_server", lambda *a, **k: _FakeServer())
    result = CliRunner().invoke(cli, ["--db", str(seed_db_path), "serve", "--host", host])
    assert result.exit_code == 0, result.output
    assert result.output.count("warning:") == int(warned)
    if warned:
        assert result.output.count("\n") == 1 and "no login" in result.output


def test_a_port_in_use_is_one_line(seed_db_path, monkeypatch):
    taken = OSError(98, "Address already in use")
    monkeypatch.setattr(serve_cli, "make_server", lambda *a, **k: _FakeServer(taken))
    result = CliRunner().invoke(cli, ["--db", str(seed_db_path), "serve", "--port", "8123"])
    assert result.exit_code == 2
    assert result.output == "error: cannot listen on 127.0.0.1:8123 (Address already in use)\n"


def test_the_session_command_passes_the_name_as_one_argument(tmp_path):
    argv = serve_cli.session_argv(tmp_path / "x.db", "-x; rm -rf ~")
    assert argv[0] == sys.executable and argv[-2:] == ["review", "--reviewer=-x; rm -rf ~"]
    assert serve_cli.session_argv(tmp_path / "x.db", "ana", blind=True)[-3:] == [
        "review",
        "--reviewer=ana",
        "--blind",
    ]


# --- a real browser -----------------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if path := shutil.which(name):
            return path
    return None


class DevTools:
    """Just enough of the Chrome DevTools protocol: commands, and the events they cause."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.next_id = 0
        self.events: list[dict] = []

    async def send(self, method: str, **params):
        self.next_id += 1
        mine = self.next_id
        await self.ws.send_json({"id": mine, "method": method, "params": params})
        while True:
            message = await self.ws.receive_json(timeout=START_S)
            if message.get("id") == mine:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    async def evaluate(self, expression: str):
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def until(self, expression: str, timeout: float = START_S) -> None:
        deadline = time.monotonic() + timeout
        while not await self.evaluate(expression):
            assert time.monotonic() < deadline, f"never true: {expression}"
            await asyncio.sleep(0.2)

    async def press(self, key: str) -> None:
        code = 13 if key == "Enter" else ord(key.upper())
        text = "\r" if key == "Enter" else key
        common = {"key": key, "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code}
        await self.send("Input.dispatchKeyEvent", type="keyDown", text=text, **common)
        await self.send("Input.dispatchKeyEvent", type="keyUp", **common)


@contextlib.asynccontextmanager
async def _browser(tmp_path: Path):
    exe = _chromium()
    if exe is None:
        pytest.skip("no Chromium installed (apt-get install chromium) for the browser test")
    proc = subprocess.Popen(
        [
            exe,
            "--headless=new",
            "--no-sandbox",  # CI runs as root
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--remote-debugging-port=0",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1280,900",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        endpoint = None
        deadline = time.monotonic() + START_S
        while endpoint is None and time.monotonic() < deadline:
            line = await asyncio.to_thread(proc.stderr.readline)
            if not line:
                break
            if match := re.search(r"DevTools listening on (ws://\S+)", line):
                endpoint = match.group(1)
        if endpoint is None:
            pytest.skip("Chromium did not start headless here")
        http_base = "http://" + urlsplit(endpoint).netloc
        async with aiohttp.ClientSession() as http:
            async with http.get(http_base + "/json/list") as response:
                targets = await response.json()
            page = next(t for t in targets if t["type"] == "page")
            async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                tools = DevTools(ws)
                await tools.send("Network.enable")
                await tools.send("Page.enable")
                yield tools
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def test_in_a_browser_the_name_is_asked_then_a_key_press_is_a_verdict(served, tmp_path):
    async with _browser(tmp_path) as tools:
        await tools.send("Page.navigate", url=served.base + "/")
        await tools.until("document.activeElement && document.activeElement.name === 'reviewer'")
        for key in "bea":
            await tools.press(key)
        await tools.press("Enter")  # the form goes to /?reviewer=bea
        await tools.until("location.search === '?reviewer=bea'")
        # The first screen is drawn once the review process has started.
        await tools.until("document.body.classList.contains('-first-byte')")
        await tools.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
        found = await _press_until_decided(lambda: tools.press("s"), served.db_path, "bea")
        requested = [
            e["params"]["request"]["url"] if "request" in e["params"] else e["params"]["url"]
            for e in tools.events
            if e.get("method") in ("Network.requestWillBeSent", "Network.webSocketCreated")
        ]
    assert [status for _, status in found] == ["sourced"]
    assert any("/static/js/textual.js" in u for u in requested)
    assert off_host(served.base + "/", requested) == [], (
        requested
    )  # nothing from a CDN, as the browser saw it
