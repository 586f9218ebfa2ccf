"""Reading files into documents and splitting them into passages and claims.

Supported: ``.txt``, ``.md``, ``.html``/``.htm`` (main text only) and
``.jsonl`` corpora (one document per line). Every document goes in as one
transaction; a bad file is reported as one line and the others still go in.
"""

from __future__ import annotations

import json
import os
import re
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from .errors import MB, InputError, amount, open_regular, read_regular, unreadable
from .extraction import is_boilerplate
from .models import PassageDraft, RawDocument
from .passages import ParallelSplitter, paragraphs, split_passages  # noqa: F401  (re-exported)
from .storage import corpus, versions
from .storage.connection import LockSharer, bulk_load, write
from .storage.corpus import content_hash

if TYPE_CHECKING:
    from sqlite_utils import Database

TEXT_SUFFIXES = {".txt", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl"}
SUPPORTED = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES


@dataclass
class IngestReport:
    added: int = 0
    skipped: int = 0
    passages: int = 0
    claims: int = 0
    errors: list[str] = field(default_factory=list)
    versions: int = 0  # of the documents added, how many are a page's new version
    changed: int = 0  # claims and links whose sentence changed in a new version
    gone: int = 0  # ... or is no longer there

    def summary(self) -> str:
        versions = ""
        if self.versions:
            versions = (
                f", {self.versions} new versions of documents already stored"
                f" ({self.changed} claims or links changed, {self.gone} gone: see `workbench stale`)"
            )
        return (
            f"{self.added} documents added, {self.skipped} skipped (already stored), "
            f"{self.passages} passages, {self.claims} claims"
            + versions
            + (f", {len(self.errors)} errors" if self.errors else "")
        )


# --- finding and reading files -------------------------------------------------


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """Supported files under ``paths`` (folders recursively), plus errors for bad paths."""
    files: list[Path] = []
    errors: list[str] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            errors.append(f"{path}: no such file or folder")
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)
            if not found:
                errors.append(f"{path}: no supported files (expected {', '.join(sorted(SUPPORTED))})")
            files.extend(found)
        elif path.suffix.lower() not in SUPPORTED:
            errors.append(f"{path}: unsupported file type {path.suffix or '(none)'!r}")
        else:
            files.append(path)
    return files, errors


#: Largest document file read whole (.txt, .md): ingest holds about six times a
#: document in memory (figures in benchmarks/README.md), so about 600 MB at most.
MAX_DOCUMENT_BYTES = 100 * MB
#: Largest HTML file: the parse takes about 30 times the page in memory, so about
#: 700 MB at most; real articles are well under 5 MB.
MAX_HTML_BYTES = 20 * MB
#: Largest single JSONL line (one document); the file itself is streamed, any size.
MAX_JSONL_LINE_BYTES = 100 * MB


def read_text(path: Path, limit: int | None = None) -> str:
    """The file's text, or an InputError naming what is wrong with it.

    Only a regular file is read (a device or FIFO is refused by name), and at
    most ``limit`` bytes of it (default ``MAX_DOCUMENT_BYTES``).
    """
    limit = MAX_DOCUMENT_BYTES if limit is None else limit
    return decode(read_regular(path, limit, "one document"), str(path))


def decode(data: bytes, label: str) -> str:
    # The whole file, not a prefix: a NUL 70 KB in went in as text (a memchr: cheap).
    if b"\x00" in data:
        raise InputError(f"{label}: binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{label}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start});"
            " convert it to UTF-8 first"
        ) from None
    if not text.strip():
        raise InputError(f"{label}: empty file")
    return text


# --- parsing one file into documents -------------------------------------------


def parse_text(path: Path, text: str) -> RawDocument:
    return RawDocument(name=path.name, text=text, title=guess_title(text[:20_000].splitlines()))


def guess_title(lines: Iterable[str]) -> str | None:
    """The first line that reads like a headline (not navigation or a byline)."""
    for line in lines:
        line = line.strip()
        if len(line.split()) >= 4 and not is_boilerplate(line):
            return line[:300]
    return None


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def parse_markdown(path: Path, text: str) -> RawDocument:
    meta: dict[str, str] = {}
    body = text
    m = _FRONT_MATTER.match(text)
    if m:
        for line in m.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip().strip("\"'")
        body = text[m.end() :]
    heading = re.search(r"^#\s+(.+)$", body, re.MULTILINE)
    title = meta.get("title") or (
        heading.group(1).strip() if heading else guess_title(body[:20_000].splitlines())
    )
    return RawDocument(
        name=path.name,
        text=body,
        title=title,
        source=meta.get("source") or meta.get("outlet"),
        url=meta.get("url"),
        published=meta.get("published") or meta.get("date"),
    )


def parse_html(path: Path, text: str) -> RawDocument:
    return extract_html(str(path), path.name, text)


def extract_html(label: str, name: str, text: str) -> RawDocument:
    """The article in ``text`` (HTML) as a document called ``name``; errors name ``label``."""
    path = label
    try:
        import trafilatura  # slow to import; only HTML needs it

        result = trafilatura.bare_extraction(
            text, include_comments=False, include_tables=False, favor_precision=True, with_metadata=True
        )
    except ImportError as exc:
        # trafilatura -> justext -> lxml.html.clean, a separate package (lxml_html_clean)
        # since lxml 5.2 that older installers leave out: this file fails, the rest go in.
        # lxml's own message names no module and runs over two lines: name the one it means.
        missing = exc.name or ("lxml_html_clean" if "lxml_html_clean" in str(exc) else str(exc))
        raise InputError(
            f"{path}: HTML support is incomplete (cannot import {missing}); reinstall the workbench"
            " so its dependencies are installed"
        ) from None
    except RecursionError:
        raise InputError(f"{path}: HTML nested too deeply to extract its text") from None
    body = getattr(result, "text", None) if result is not None else None
    if not body or not body.strip():
        raise InputError(f"{path}: no article text found in the HTML")

    def meta(name: str) -> str | None:
        value = getattr(result, name, None)
        return str(value) if value else None

    return RawDocument(
        name=name,
        text=body,
        title=meta("title"),
        source=meta("sitename"),
        url=meta("url"),
        published=meta("date"),
    )


def parse_jsonl(path: Path) -> Iterator[RawDocument | InputError]:
    """One document per line, streamed; a bad line yields an error naming its number.

    A line over ``MAX_JSONL_LINE_BYTES`` is skipped (read past, never held) and
    reported; so is one nested too deeply to parse. The lines after it still go in.
    """
    try:
        handle = open_regular(path)
    except InputError as exc:
        yield exc
        return
    with handle:
        seen_any = False
        try:
            for number, raw in _lines(handle, MAX_JSONL_LINE_BYTES):
                if raw is None:
                    seen_any = True
                    yield InputError(
                        f"{path}:{number}: line is over the {amount(MAX_JSONL_LINE_BYTES)} limit"
                        " for one document; skipped"
                    )
                    continue
                if not raw.strip():
                    continue
                seen_any = True
                yield _jsonl_document(raw, f"{path}:{number}")
        except OSError as exc:
            yield unreadable(path, exc)
            return
        if not seen_any:
            yield InputError(f"{path}: empty file")


def _lines(handle: BinaryIO, limit: int, piece: int = 1 << 20) -> Iterator[tuple[int, bytes | None]]:
    """(number, line) for each line of ``handle``; ``None`` for a line over ``limit`` bytes.

    An over-long line is read past a piece at a time, so memory stays near
    ``limit`` however long it is.
    """
    number = 0
    while raw := handle.readline(limit + 1):
        number += 1
        if len(raw) <= limit or raw.endswith(b"\n"):
            yield number, raw
            continue
        while (rest := handle.readline(piece)) and not rest.endswith(b"\n"):
            pass
        yield number, None


def _jsonl_document(raw: bytes, where: str) -> RawDocument | InputError:
    """One JSONL line as a document, or the error that names what is wrong with it."""
    try:
        obj = json.loads(decode(raw, where))
    except InputError as exc:
        return exc
    except RecursionError:
        return InputError(f"{where}: JSON nested too deeply")
    except ValueError as exc:
        return InputError(f"{where}: malformed JSON ({exc.args[0].split(':')[0]})")
    if not isinstance(obj, dict):
        return InputError(f"{where}: expected a JSON object")
    doc_id, body = obj.get("id"), obj.get("text")
    if doc_id is None or not isinstance(body, str) or not body.strip():
        return InputError(f'{where}: needs an "id" and a non-empty "text"')
    try:
        # JSON escapes can smuggle in lone surrogates that SQLite cannot store.
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
        return RawDocument(
            name=str(doc_id),
            text=body,
            title=_optional(obj, "title"),
            source=_optional(obj, "source"),
            url=_optional(obj, "url"),
            published=_optional(obj, "published"),
        )
    except UnicodeEncodeError:
        return InputError(f"{where}: invalid Unicode (a lone surrogate escape)")
    except RecursionError:  # nesting just under the parser's limit, too deep to print
        return InputError(f"{where}: JSON nested too deeply")


def _optional(obj: dict, key: str) -> str | None:
    value = obj.get(key)
    return str(value) if value not in (None, "") else None


def parse_file(path: Path) -> Iterator[RawDocument | InputError]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from parse_jsonl(path)
        return
    try:
        text = read_text(path, MAX_HTML_BYTES if suffix in HTML_SUFFIXES else MAX_DOCUMENT_BYTES)
        if suffix in HTML_SUFFIXES:
            yield parse_html(path, text)
        elif suffix in MARKDOWN_SUFFIXES:
            yield parse_markdown(path, text)
        else:
            yield parse_text(path, text)
    except InputError as exc:
        yield exc


# --- the whole run -------------------------------------------------------------

#: Inputs at least this large are segmented and scored on every core.
PARALLEL_MIN_BYTES = 4_000_000


def ingest_document(db: Database, doc: RawDocument, *, markdown: bool = False) -> tuple[int, int] | None:
    """Store one document; (passages, claims) added, or None if already stored."""
    return _store(db, doc, split_passages(doc.text, blank_line_separated=markdown))


def _store(db: Database, doc: RawDocument, drafts: Iterable[PassageDraft]) -> tuple[int, int] | None:
    result = corpus.add_document(db, _storable(doc), content_hash(doc.text), drafts)
    return None if result is None else result[1:]


def _storable(doc: RawDocument) -> RawDocument:
    if not is_utf8(doc.name):
        # A file name that is not UTF-8 reaches us with surrogate escapes, which SQLite
        # cannot store: keep the name readable, its bad bytes shown as U+FFFD.
        doc = replace(doc, name=os.fsencode(doc.name).decode("utf-8", "replace"))
    return doc


class FileVersions:
    """Stores documents read from files, an edited file as the next version of its document.

    A file is known by its absolute path, document name and source
    (``storage.versions``): the same text again is skipped, changed text is a new
    version whose claims and links are re-anchored as for a page (``web.anchoring``).
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self.known: dict[versions.FileKey, int] | None = None  # read on first use

    def store(
        self, doc: RawDocument, drafts: Iterable[PassageDraft], location: str, report: IngestReport
    ) -> None:
        db = self.db
        doc = _storable(doc)
        key = (location, doc.name, doc.source)
        digest = content_hash(doc.text)
        with write(db):
            if self.known is None:
                self.known = versions.file_documents(db)
            previous = versions.newest(db, self.known[key]) if key in self.known else None
            result = None
            if previous is None or previous.content_hash != digest:
                web = corpus.WebSource(fetched_url=location, fetched_at="", http_status=0)
                result = corpus.add_document(db, doc, digest, drafts, web=web, previous=previous)
            if result is None:
                report.skipped += 1
                if previous is None and (adopted := versions.adopt(db, digest, key)) is not None:
                    self.known[key] = adopted
                return
            self.known[key] = result[0]
            _count_added(db, report, result, previous)


def file_location(path: Path) -> str:
    """Where a file was read from, as stored: its absolute path as a ``file:`` URI."""
    try:
        return path.resolve().as_uri()
    except (OSError, RuntimeError):  # a symlink loop on the way: the path as given
        return path.absolute().as_uri()


def is_utf8(text: str) -> bool:
    """False for text carrying lone surrogates (undecodable bytes), which SQLite cannot store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def ingest_paths(
    db: Database,
    paths: Iterable[str | Path],
    *,
    on_progress: Callable[[int], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    parallel: bool | None = None,
) -> IngestReport:
    """Ingest every supported file under ``paths``. ``on_progress`` gets bytes done.

    ``parallel`` (default: when the input is large and there is more than one
    core) segments and scores documents in worker processes while this one
    writes; the stored result is identical either way.
    """
    report = IngestReport()

    def fail(message: str) -> None:
        report.errors.append(message)
        if on_error:
            on_error(message)

    sharer = LockSharer()
    files_stored = FileVersions(db)

    def store(doc: RawDocument, drafts: Iterable[PassageDraft], source: tuple[str, int]) -> None:
        location, source_bytes = source
        files_stored.store(doc, drafts, location, report)
        sharer.after_commit()
        if on_progress:
            on_progress(source_bytes)

    files, errors = discover(paths)
    for message in errors:
        fail(message)
    if parallel is None:
        parallel = (os.cpu_count() or 1) > 1 and sum(map(_size, files)) >= PARALLEL_MIN_BYTES
    documents = _documents(files, fail)
    with bulk_load(db):
        if not parallel:
            for doc, markdown, source in documents:
                store(doc, split_passages(doc.text, blank_line_separated=markdown), source)
            return report
        splitter = _splitter_deaf_to_ctrl_c()
        try:
            for (doc, markdown, source, stored), drafts in splitter.run(_unless_stored(db, documents)):
                if stored:  # not segmented; it is skipped unless deleted meanwhile, then split here
                    drafts = split_passages(doc.text, blank_line_separated=markdown)
                store(doc, drafts, source)
        finally:
            splitter.close()
    return report


def _unless_stored(db: Database, documents: Iterable[tuple]) -> Iterator[tuple[tuple, str, bool]]:
    """Splitter jobs for ``documents``; one whose text is already stored is sent as a
    stand-in sentence, so that ingesting a folder again segments only what changed."""
    for doc, markdown, source in documents:
        stored = corpus.document_exists(db, content_hash(doc.text))
        yield (doc, markdown, source, stored), "Stored." if stored else doc.text, markdown


#: Worker processes of a parallel ingest.
WORKERS = 2


def _splitter_deaf_to_ctrl_c() -> ParallelSplitter:
    """A ParallelSplitter whose worker processes ignore SIGINT.

    Ctrl-C signals the terminal's whole process group: each worker took it as a
    KeyboardInterrupt and printed a traceback (often mid-import). The workers are
    started here, while SIGINT is ignored, and keep ignoring it (an ignored signal
    survives exec, and Python leaves it so); this process alone stops, rolls back
    the document in hand, closes the pool and says "interrupted" (exit 130).
    """
    splitter = ParallelSplitter(workers=WORKERS)
    if threading.current_thread() is not threading.main_thread():
        return splitter  # signals go to the main thread only; nothing to arrange
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        # The pool starts a worker for each task submitted while none is idle.
        for _ in range(WORKERS):
            splitter.pool.submit(int)
    finally:
        signal.signal(signal.SIGINT, previous)
    return splitter


def _documents(
    files: list[Path], fail: Callable[[str], None]
) -> Iterator[tuple[RawDocument, bool, tuple[str, int]]]:
    """Every readable document with its Markdown flag and (file location, source size);
    errors go to ``fail``."""
    for path in files:
        suffix = path.suffix.lower()
        location = file_location(path)
        for item in parse_file(path):
            if isinstance(item, InputError):
                fail(str(item))
            elif suffix in JSONL_SUFFIXES:
                yield item, False, (location, len(item.text.encode("utf-8")))
            else:
                yield item, suffix in MARKDOWN_SUFFIXES, (location, _size(path))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def total_size(paths: Iterable[str | Path]) -> int:
    files, _ = discover(paths)
    return sum(_size(p) for p in files)


# --- pages from the web (issue #15) -------------------------------------------------

#: Pages fetched at once: fetching waits on the network, so a few threads keep
#: the writer busy; extraction in those threads overlaps with the writes too.
FETCH_THREADS = 4


def is_url(arg: str) -> bool:
    """Whether a command-line argument names a URL (any scheme, so file:// is refused by name)."""
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", arg) is not None


def read_url_list(path: str | Path) -> list[str]:
    """The URLs of a file, one a line; blank lines and ``#`` comments skipped."""
    text = read_text(Path(path), MAX_URL_LIST_BYTES)
    urls = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            urls.append(line)
    if not urls:
        raise InputError(f"{path}: no URLs in the file")
    return urls


MAX_URL_LIST_BYTES = 10 * MB


def page_document(page) -> RawDocument:
    """The article of a fetched page, named and located by its final URL."""
    final = page.final.url
    if page.content_type == "text/plain":
        if not page.text.strip():
            raise InputError(f"{page.requested_url}: empty page")
        doc = RawDocument(name=final, text=page.text, title=guess_title(page.text[:20_000].splitlines()))
    else:
        doc = extract_html(page.requested_url, final, page.text)
    from urllib.parse import urlsplit

    return replace(doc, url=final, source=doc.source or urlsplit(final).hostname)


def _fetch_and_extract(url: str, limits) -> tuple:
    from .web import fetch

    page = fetch.fetch(url, limits)
    try:
        return page, page_document(page), None
    except InputError as exc:  # the response is archived even when no article came out of it
        return page, None, exc


def ingest_urls(
    db: Database,
    urls: Iterable[str],
    *,
    limits=None,
    on_progress: Callable[[int], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    threads: int = FETCH_THREADS,
) -> IngestReport:
    """Fetch, archive and store every URL; a failed URL is one error, the rest still go in.

    Each response (redirects included) goes into a WARC file in ``archive/``
    beside the database; a page whose text changed since it was last fetched
    becomes a new version, its claims and links re-anchored (``web.anchoring``).
    """
    from .storage.connection import database_file
    from .web import archive, fetch

    limits = limits or fetch.Limits()
    report = IngestReport()
    urls = list(urls)

    def fail(message: str) -> None:
        report.errors.append(message)
        if on_error:
            on_error(message)

    location = database_file(db)
    if location is None:
        raise InputError("fetching URLs needs a database file (the archive goes beside it)")
    warc = archive.Archive(archive.archive_folder(location))
    sharer = LockSharer()
    fetched = _fetch_ahead(urls, lambda url: _fetch_and_extract(url, limits), threads)
    try:
        with bulk_load(db):
            for url, future in fetched:
                try:
                    page, doc, problem = future.result()
                except InputError as exc:
                    fail(str(exc))
                except Exception as exc:  # a bug or an odd library error: this URL only
                    fail(f"{url}: fetch failed ({type(exc).__name__}: {exc})")
                else:
                    records = [warc.write(r) for r in page.responses]
                    if problem is not None:
                        fail(str(problem))
                    else:
                        store_version(db, doc, web_source(url, page, records[-1]), report)
                        sharer.after_commit()
                if on_progress:
                    on_progress(1)
    finally:
        fetched.close()
        warc.close()
    return report


def _fetch_ahead(urls: list[str], work: Callable, threads: int) -> Iterator[tuple[str, object]]:
    """(url, future of ``work(url)``) in order, with up to ``2 * threads`` fetches running ahead.

    Daemon threads, not a ThreadPoolExecutor: its workers are joined at exit, so
    Ctrl-C would wait for a slow server's timeout. Fetches not started are cancelled
    when the caller stops early.
    """
    import queue
    from collections import deque
    from concurrent.futures import Future

    jobs: queue.Queue = queue.Queue()

    def worker() -> None:
        while (job := jobs.get()) is not None:
            url, future = job
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(work(url))
                except BaseException as exc:
                    future.set_exception(exc)

    threads = max(1, threads)
    for _ in range(threads):
        threading.Thread(target=worker, name="workbench-fetch", daemon=True).start()
    pending: deque = deque()
    todo = iter(urls)
    try:
        while True:
            # A bounded window ahead of the writer: memory stays a few pages.
            while len(pending) < threads * 2 and (url := next(todo, None)) is not None:
                future: Future = Future()
                jobs.put((url, future))
                pending.append((url, future))
            if not pending:
                return
            yield pending.popleft()
    finally:
        for _, future in pending:
            future.cancel()
        for _ in range(threads):
            jobs.put(None)


def store_version(db: Database, doc: RawDocument, web, report: IngestReport) -> None:
    """Store a fetched page: new, unchanged (skipped) or the next version of a stored one."""
    digest = content_hash(doc.text)
    with write(db):
        previous = corpus.current_version(db, doc.url)
        result = None
        if previous is None or previous.content_hash != digest:
            result = corpus.add_document(
                db, doc, digest, split_passages(doc.text), web=web, previous=previous
            )
        if result is None:
            report.skipped += 1
            return
        _count_added(db, report, result, previous)


def _count_added(db, report: IngestReport, result: tuple, previous) -> None:
    """Count a stored document; a new version of an earlier one gets its claims and links
    re-anchored onto it."""
    report.added += 1
    report.passages += result[1]
    report.claims += result[2]
    if previous is not None:
        from .web import anchoring  # rapidfuzz: loaded only when a version needs it

        outcome = anchoring.reanchor(db, previous.id, result[0])
        report.versions += 1
        report.changed += outcome.changed
        report.gone += outcome.gone


def web_source(url: str, page, record) -> corpus.WebSource:
    """Where and when ``page`` was fetched (as asked: ``url``) and the WARC ``record`` holding it."""
    return corpus.WebSource(
        fetched_url=url,
        fetched_at=page.final.fetched_at,
        http_status=page.final.status,
        warc_file=record.file,
        warc_offset=record.offset,
        warc_record_id=record.record_id,
    )
