"""The SSRF guard of `workbench ingest URL` (issue #15): hostile URLs by class.

Without --allow-private, no URL may reach this machine, a private network, a
link-local (cloud metadata) or other non-public address, directly, through a
name that resolves there, through a redirect, or by a DNS answer that changes
between the check and the connection. Only loopback is ever connected to: any
other connection attempt fails the test (webserver.loopback_only), so a guard
that let a 10.x address through would fail here without sending a packet.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from webserver import Reply, Site, article, loopback_only

from workbench.cli import cli
from workbench.web import fetch

PAGE = article(
    "Harbour reopens",
    [
        "The port authority said the harbour reopened to cargo ships on Sunday after two weeks.",
        "Shipping firms expect the backlog of 40 vessels to clear by the end of the month.",
    ],
)


@pytest.fixture
def site(monkeypatch):
    tried = loopback_only(monkeypatch)
    with Site() as s:
        s.pages["/page"] = Reply(body=PAGE)
        s.tried = tried
        yield s


def ingest(tmp_path, *args):
    return CliRunner().invoke(cli, ["--db", str(tmp_path / "w.db"), "ingest", "--no-link", *args])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/page",
        "http://localhost:{port}/page",
        "http://[::1]:{port}/page",
        "http://[::ffff:127.0.0.1]:{port}/page",
        "http://127.1.2.3:{port}/page",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://0.0.0.0:{port}/page",
        "http://224.0.0.1/",
        "http://100.64.0.1/",
        "http://[::ffff:10.0.0.1]/",
        "http://[2002:a00:1::]/",  # 6to4 wrapping 10.0.0.1
    ],
)
def test_private_addresses_are_refused_without_the_flag(tmp_path, site, url):
    url = url.format(port=site.port)
    result = ingest(tmp_path, url)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {url}: refused: "), result.stderr
    assert "--allow-private" in result.stderr and len(result.stderr.splitlines()) == 1
    assert site.hits == [] and site.tried == []  # refused before any connection


def test_the_flag_lets_loopback_through(tmp_path, site):
    result = ingest(tmp_path, "--allow-private", site.url("/page"))
    assert result.exit_code == 0, result.output
    assert site.hits == ["/page"]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://127.0.0.1/",
        "ftp://example.org/x",
        "data:text/html,<p>x</p>",
        "javascript://alert(1)",
        "http://user:secret@127.0.0.1/",
        "http:///nohost",
    ],
)
def test_other_schemes_and_odd_urls_are_refused_even_with_the_flag(tmp_path, site, url):
    result = ingest(tmp_path, "--allow-private", url, site.url("/page"))
    assert result.exit_code == 1, result.output
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output
    assert site.hits == ["/page"]


@pytest.fixture
def loopback_counts_as_public(monkeypatch):
    """Let the test server at 127.0.0.1 pass as a public site, so the guard is on for the hops after it."""
    real = fetch.blocked_reason

    def blocked(ip):
        return None if str(ip) == "127.0.0.1" else real(ip)

    monkeypatch.setattr(fetch, "blocked_reason", blocked)


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/page",
        "http://127.0.0.2:{port}/page",
        "file:///etc/passwd",
    ],
)
def test_a_redirect_to_a_private_address_is_refused(tmp_path, site, loopback_counts_as_public, target):
    target = target.format(port=site.port)
    site.pages["/jump"] = Reply(302, headers={"Location": target})
    result = ingest(tmp_path, site.url("/jump"))
    assert result.exit_code == 2, result.output
    assert "refused" in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr
    assert site.hits == ["/jump"] and set(site.tried) == {"127.0.0.1"}


def test_a_name_resolving_to_a_private_address_is_refused(tmp_path, site, monkeypatch):
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "news.example":  # answers a public and a private address
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port)),
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    result = ingest(tmp_path, "http://news.example/story")
    assert result.exit_code == 2
    assert "refused: news.example is a private address (10.1.2.3)" in result.stderr
    assert site.tried == []


def test_the_connection_goes_to_the_address_checked(tmp_path, site, loopback_counts_as_public, monkeypatch):
    """DNS rebinding: a second lookup would answer 10.0.0.1; there is no second lookup."""
    answers = iter(["127.0.0.1", "10.0.0.1", "10.0.0.1"])
    lookups = []

    def getaddrinfo(host, port, *args, **kwargs):
        try:
            ipaddress.ip_address(host)  # an address is its own answer: no lookup
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (host, port))]
        except ValueError:
            lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    result = ingest(tmp_path, f"http://rebind.example:{site.port}/page")
    assert result.exit_code == 0, result.output
    assert lookups == ["rebind.example"] and set(site.tried) == {"127.0.0.1"}
    assert site.host_headers == [f"rebind.example:{site.port}"]  # the server saw the name, not the address


_BLOCKED_NETS = [
    "127.0.0.0/8",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "169.254.0.0/16",
    "100.64.0.0/10",
    "0.0.0.0/8",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::1/128",
    "fe80::/10",
    "fc00::/7",
    "ff00::/8",
]


@settings(max_examples=300, deadline=None)
@given(net=st.sampled_from(_BLOCKED_NETS), offset=st.integers(min_value=0), mapped=st.booleans())
def test_every_address_in_a_non_public_range_is_refused(net, offset, mapped):
    network = ipaddress.ip_network(net)
    ip = network[offset % network.num_addresses]
    if mapped and ip.version == 4:
        ip = ipaddress.IPv6Address(f"::ffff:{ip}")
    assert fetch.blocked_reason(ip) is not None
    with pytest.raises(fetch.FetchError, match="refused"):
        fetch.resolve(str(ip), 80, "http://x/", allow_private=False)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_as_a_url_is_a_fetch_error_or_a_refusal_never_a_crash(text):
    # Schemes other than http(s) and http URLs with a hostile tail: refused before any lookup
    # (controls, spaces, credentials, bad ports), or naming an address the guard refuses.
    for url in (
        "ftp://" + text,
        "http://user@" + text,
        "http://127.0.0.1:" + text + " ",
        "http://[::1]/" + text,
        "http://10.0.0.1/" + text,
    ):
        with pytest.raises(fetch.FetchError):
            fetch.fetch(url, fetch.Limits(timeout=0.1, total=0.5))


def test_ctrl_c_while_a_server_is_slow_stops_at_once(tmp_path, site):
    """The fetch threads do not hold the process until the slow server's timeout."""
    import subprocess
    import sys
    import time

    site.pages["/stall"] = Reply(body=PAGE, delay=60.0)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from workbench.cli import main; main()",
            "--db",
            str(tmp_path / "w.db"),
            "ingest",
            "--no-link",
            "--allow-private",
            "--timeout",
            "50",
            site.url("/stall"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while "/stall" not in site.hits and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "/stall" in site.hits
    started = time.monotonic()
    proc.send_signal(2)  # SIGINT, as Ctrl-C
    _out, err = proc.communicate(timeout=40)
    assert time.monotonic() - started < 10  # not the 50 s timeout, nor the 60 s stall
    assert proc.returncode == 130 and err.strip().splitlines()[-1] == "interrupted", err
    assert "Traceback" not in err
