"""HAR 1.2 in one module (``contract``): a file the writer makes is the file the reader reads, the reader's bounds
hold, an entry's bodies and fields pass the redaction given, and a failed write leaves a complete file."""

from __future__ import annotations

import errno
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from datasync_openapi.contract import (
    Entry,
    HarError,
    HarWriter,
    Message,
    Mode,
    appendable,
    entry_json,
    har_body,
    read_entries,
)
from datasync_openapi.contract import _har as har_module

CREATOR = {"name": "a test", "version": "0"}


class Verbatim:
    """A redaction that changes nothing."""

    def header(self, name: str, value: str) -> str:
        return value

    def query_pairs(self, query: str) -> list[tuple[str, str]]:
        return [tuple(pair.split("=", 1)) for pair in query.split("&") if pair]  # type: ignore[misc]

    def query(self, query: str) -> str:
        return query

    def body(self, body: bytes, media: str, token: bool = False, answer: bool = False) -> bytes:
        return body


class Marking(Verbatim):
    """A redaction that says where it was applied."""

    def __init__(self) -> None:
        self.bodies: list[tuple[bool, bool]] = []

    def header(self, name: str, value: str) -> str:
        return f"<{name}>"

    def query_pairs(self, query: str) -> list[tuple[str, str]]:
        return [("q", "<pairs>")]

    def query(self, query: str) -> str:
        return "q=<query>"

    def body(self, body: bytes, media: str, token: bool = False, answer: bool = False) -> bytes:
        self.bodies.append((token, answer))
        return b"<answer>" if answer else b"<request>"


def exchange(
    method: str = "GET",
    request: Message | None = None,
    response: Message | None = None,
    query: str = "",
) -> Entry:
    url = "https://upstream.example/v2/grades/exchanges" + (f"?{query}" if query else "")
    return Entry(
        started=datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
        method=method,
        url=url,
        path="/v2/grades/exchanges",
        query=query,
        request=request or Message([], b"", 0),
        status=200,
        response=response or Message([("Content-Type", "application/json")], b'{"data": []}', 12),
        wait_ms=1.5,
        receive_ms=0.25,
    )


def written(path: Path, entries: list[dict[str, Any]], mode: Mode = "new") -> HarWriter:
    writer = HarWriter(path, mode, CREATOR)
    for entry in entries:
        writer.write(entry)
    writer.close()
    return writer


def test_what_the_writer_writes_the_reader_reads_and_append_adds_to_it(tmp_path: Path) -> None:
    path = tmp_path / "traffic.har"
    first, second, third = (entry_json(exchange(query=f"page={n}"), Verbatim()) for n in (1, 2, 3))
    writer = written(path, [first, second])
    assert writer.entries == 2
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["log"]["version"] == "1.2"
    assert document["log"]["creator"] == CREATOR
    assert read_entries(path) == [first, second]
    assert appendable(path) is True
    written(path, [third], mode="append")
    assert read_entries(path) == [first, second, third]


def test_a_new_file_is_refused_where_one_exists_and_an_empty_one_is_appendable(tmp_path: Path) -> None:
    path = tmp_path / "traffic.har"
    written(path, [])
    assert read_entries(path) == []
    assert appendable(path) is False
    with pytest.raises(FileExistsError):
        HarWriter(path, "new", CREATOR)


def test_an_unfinished_file_is_named_as_such_by_the_reader_and_refused_for_append(tmp_path: Path) -> None:
    path = tmp_path / "traffic.har"
    written(path, [entry_json(exchange(), Verbatim())])
    path.write_bytes(path.read_bytes()[:-4])  # without its closing brackets, as SIGKILL leaves it
    with pytest.raises(HarError, match=r"is not complete JSON .*SIGKILL leaves its HAR file unfinished"):
        read_entries(path)
    with pytest.raises(ValueError, match="is not a complete HAR file of datasync proxy"):
        appendable(path)


def test_the_reader_holds_its_bounds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "traffic.har"
    path.write_text(json.dumps({"log": {"entries": [{}, {}, {}]}}), encoding="utf-8")
    monkeypatch.setattr(har_module, "MAX_HAR_ENTRIES", 2)
    with pytest.raises(HarError, match="has 3 entries; at most 2 are used"):
        read_entries(path)
    other = tmp_path / "other.json"
    other.write_text('{"entries": []}', encoding="utf-8")
    with pytest.raises(HarError, match="is not a HAR file"):
        read_entries(other)
    with pytest.raises(HarError, match="cannot read"):
        read_entries(tmp_path / "absent.har")
    monkeypatch.setattr(har_module, "MAX_HAR_BYTES", 10)
    with pytest.raises(HarError, match=r"^\S+ is \d+ bytes; at most 10 are read$"):  # the reason, not a parse error
        read_entries(path)


def test_a_recorded_body_is_decoded_within_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    assert har_body({"text": '{"a": 1}'}) == b'{"a": 1}'
    assert har_body({"text": "AAEC", "encoding": "base64"}) == b"\x00\x01\x02"
    assert har_body({"text": "not base64!", "encoding": "base64"}) is None
    assert har_body({"size": 0}) is None
    assert har_body("text") is None
    monkeypatch.setattr(har_module, "MAX_HAR_BODY", 3)
    assert har_body({"text": "four"}) is None
    assert har_body({"text": "two"}) == b"two"


def test_an_entry_keeps_text_as_text_and_anything_else_as_base64() -> None:
    binary = Message([("Content-Type", "application/gzip")], b"\x1f\x8b\x00", 3)
    entry = entry_json(exchange(response=binary), Verbatim())
    assert entry["response"]["content"] == {
        "size": 3,
        "mimeType": "application/gzip",
        "text": "H4sA",
        "encoding": "base64",
    }
    not_utf8 = Message([("Content-Type", "text/plain")], b"\xff", 1)
    assert entry_json(exchange(response=not_utf8), Verbatim())["response"]["content"]["encoding"] == "base64"
    entry = entry_json(exchange(), Verbatim())
    assert entry["response"]["content"]["text"] == '{"data": []}'
    assert entry["startedDateTime"] == "2026-01-02T03:04:05.678Z"
    assert entry["time"] == 1.75
    assert entry["response"]["statusText"] == "OK"
    assert "postData" not in entry["request"]  # a GET without a body
    assert "_datasync" not in entry


def test_an_omitted_body_says_why_and_a_form_body_also_has_params() -> None:
    omitted = Message([("Content-Type", "application/json")], None, 99_999_999, omitted="larger than the cap")
    entry = entry_json(exchange("POST", request=omitted, response=omitted), Verbatim())
    assert entry["request"]["postData"] == {
        "mimeType": "application/json",
        "text": "",
        "comment": "larger than the cap",
    }
    assert entry["response"]["content"] == {
        "size": 99_999_999,
        "mimeType": "application/json",
        "comment": "larger than the cap",
    }
    form = Message([("Content-Type", "application/x-www-form-urlencoded")], b"a=1&b=two", 9)
    entry = entry_json(exchange("POST", request=form), Verbatim())
    assert entry["request"]["postData"]["text"] == "a=1&b=two"
    assert entry["request"]["postData"]["params"] == [{"name": "a", "value": "1"}, {"name": "b", "value": "two"}]


def test_every_header_the_query_and_both_bodies_pass_the_redaction() -> None:
    redaction = Marking()
    request = Message([("Authorization", "Bearer secret-token"), ("Content-Type", "application/json")], b"{}", 2)
    response = Message([("Set-Cookie", "s=1"), ("Content-Type", "application/json")], b'{"token": "x"}', 14)
    entry = entry_json(exchange("POST", request, response, query="key=secret"), redaction, token=True)
    text = json.dumps(entry)
    for secret in ("secret-token", "key=secret", "s=1", '"x"'):
        assert secret not in text
    assert entry["request"]["url"] == "https://upstream.example/v2/grades/exchanges?q=<query>"
    assert entry["request"]["queryString"] == [{"name": "q", "value": "<pairs>"}]
    assert [h["value"] for h in entry["request"]["headers"]] == ["<Authorization>", "<Content-Type>"]
    assert [h["value"] for h in entry["response"]["headers"]] == ["<Set-Cookie>", "<Content-Type>"]
    assert entry["request"]["postData"]["text"] == "<request>"
    assert entry["response"]["content"]["text"] == "<answer>"
    assert redaction.bodies == [(True, False), (True, True)]


class Recording(HarWriter):
    def __init__(self, path: Path) -> None:
        self.stops: list[bool] = []
        super().__init__(path, "new", CREATOR)

    def stopped(self, completed: bool) -> None:
        self.stops.append(completed)


def test_a_failed_write_leaves_the_complete_entries_in_a_complete_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "traffic.har"
    writer = Recording(path)
    kept = entry_json(exchange(query="page=1"), Verbatim())
    writer.write(kept)
    room = path.stat().st_size + 100  # part of the next entry fits, then the disk is full
    real = har_module._write

    def write(fd: int, data: bytes, offset: int) -> None:
        fits = max(0, room - offset)
        real(fd, data[:fits], offset)
        if len(data) > fits:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(har_module, "_write", write)
    writer.write(entry_json(exchange(query="page=2"), Verbatim()))
    writer.write(entry_json(exchange(query="page=3"), Verbatim()))
    writer.close()
    assert writer.failed == "No space left on device"
    assert writer.writing is False
    assert writer.stops == [True]  # said once; the closing brackets fit where the cut entry was
    assert writer.entries == 1
    assert read_entries(path) == [kept]
