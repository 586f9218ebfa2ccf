"""Raw HTTP responses kept in a WARC file (gzip, one member per record), via warcio.

One file per ingest run in ``archive/`` beside the database, created when the
first response arrives. Each document records the file name and the byte offset
and WARC-Record-ID of its response record, so the page as it was can be found
again (``warcio extract FILE OFFSET``) whatever happens to the live URL.
"""

from __future__ import annotations

import io
import itertools
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ..errors import InputError
from .fetch import Response

#: Headers that describe the transfer, not the body we keep: urllib3 has already
#: undone chunking, so a reader that dechunked again would break the payload.
_TRANSFER_HEADERS = {"transfer-encoding"}


@dataclass(frozen=True)
class Record:
    file: str  # file name inside the archive folder
    offset: int  # byte offset of the response record (its gzip member)
    record_id: str  # WARC-Record-ID, <urn:uuid:...>


def archive_folder(database: Path) -> Path:
    return database.parent / "archive"


class Archive:
    """A WARC file written one response at a time; opened on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path: Path | None = None
        self._handle = None
        self._writer: WARCWriter | None = None

    def _open(self) -> WARCWriter:
        if self._writer is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                for n in itertools.count(1):  # two runs in the same second get two files
                    self.path = self.folder / f"workbench-{stamp}-{os.getpid()}-{n}.warc.gz"
                    try:
                        self._handle = open(self.path, "xb")  # noqa: SIM115  (closed by close())
                        break
                    except FileExistsError:
                        continue
            except OSError as exc:
                raise InputError(
                    f"{self.folder}: cannot write the web archive ({exc.strerror or exc})"
                ) from None
            self._writer = WARCWriter(self._handle, gzip=True, warc_version="1.1")
            info = self._writer.create_warcinfo_record(
                self.path.name, {"software": "workbench", "format": "WARC File Format 1.1"}
            )
            self._writer.write_record(info)
        return self._writer

    def write(self, response: Response) -> Record:
        """Append ``response`` (and the request that asked for it); where it is."""
        writer = self._open()
        date = {"WARC-Date": response.fetched_at, "WARC-IP-Address": response.ip}
        headers = [(k, v) for k, v in response.headers if k.lower() not in _TRANSFER_HEADERS]
        record = writer.create_warc_record(
            response.url,
            "response",
            payload=io.BytesIO(response.body),
            length=len(response.body),
            http_headers=StatusAndHeaders(
                f"{response.status} {response.reason}".strip(), headers, protocol="HTTP/1.1"
            ),
            warc_headers_dict=dict(date),
        )
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        offset = self._handle.tell()
        writer.write_record(record)
        if response.request_line:
            request = writer.create_warc_record(
                response.url,
                "request",
                payload=io.BytesIO(b""),
                length=0,
                http_headers=StatusAndHeaders(
                    response.request_line, response.request_headers, is_http_request=True
                ),
                warc_headers_dict={**date, "WARC-Concurrent-To": record_id},
            )
            writer.write_record(request)
        self._handle.flush()
        return Record(self.path.name, offset, record_id)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            self._handle = self._writer = None
