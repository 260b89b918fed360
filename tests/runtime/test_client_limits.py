"""The client runtime against hostile servers (issue 21, items 8-11): gzip bombs, bodies without end, a
CSV field without end, lists that never end, and 404s whose text lies about what is missing. (The runtime's
newer names are used as ``runtime.X`` so that each test, not the module's import, fails without them.)

Every hostile body is made lazily, piece by piece, and bounded in count, so a test that the old code would
have read whole stays cheap and ends.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import pkgutil
import struct
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import datasync_grades.api.artifacts
import httpx
import pytest
from datasync_grades import runtime, workflows
from datasync_grades.api.artifacts import get_exchange_details
from datasync_grades.api.exchanges import get_exchange, list_exchanges
from datasync_grades.client import Client
from datasync_grades.runtime import ApiError, ArtifactNotAvailable, ResponseParseError, call

from datasync_openapi import cli
from datasync_openapi.mock.seed import EXCHANGE_COMPLETED, EXCHANGE_CREATED
from datasync_openapi.server import running

MiB = 1 << 20
BASE = "https://api.test/v2/grades"


# -- hostile bodies, made piece by piece ----------------------------------------------------------------------
def gzip_bomb(mib: int) -> Iterator[bytes]:
    """One gzip member inflating to ``mib`` MiB of zeros, in pieces of about a KiB per MiB: a deflate block
    of one MiB of zeros ending in a full flush (no reference before it) is the same bytes every time, so
    the bomb is that block repeated, built at no cost. Its CRC is that of the zeros (checked only at the
    end, which a capped reader never reaches; ``test_gunzip_reads_what_gzip_reads`` checks a small one)."""
    block = _zeros_block()
    yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # magic, deflate, no flags, no mtime, max compression
    for _ in range(mib):
        yield block
    yield b"\x03\x00"  # an empty final block
    yield struct.pack("<II", _zeros_crc(mib), (mib * MiB) & 0xFFFFFFFF)


@functools.cache
def _zeros_block() -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(bytes(MiB)) + packer.flush(zlib.Z_FULL_FLUSH)


def _zeros_crc(mib: int) -> int:
    return 0 if mib > 64 else zlib.crc32(bytes(mib * MiB))  # a big bomb's CRC is never reached


def _endless(piece: bytes, pieces: int, made: list[int]) -> Iterator[bytes]:
    """``piece`` again and again, ``pieces`` times at most (so the old code's whole read still ends);
    ``made[0]`` counts the pieces the server produced."""
    for _ in range(pieces):
        made[0] += 1
        yield piece


def _client(handler: Callable[[httpx.Request], httpx.Response]) -> Client:
    transport = httpx.MockTransport(handler)
    return runtime.connect(BASE, token="t", transport=transport, async_transport=transport)


def _peak(run: Callable[[], object]) -> tuple[int, BaseException | None]:
    """Peak traced memory (bytes) while ``run()`` runs, and what it raised."""
    tracemalloc.start()
    try:
        run()
    except Exception as exc:  # returned to be checked
        raised: BaseException | None = exc
    else:
        raised = None
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak, raised


# -- 8: a gzip bomb is refused at the decompression cap -------------------------------------------------------
def test_decode_artifact_refuses_a_gzip_bomb_at_its_cap() -> None:
    bomb = b"".join(gzip_bomb(1024))  # 1 GiB of zeros; the old decode_artifact took 2 GiB of memory on it
    assert len(bomb) < 1100 * 1024
    started = time.monotonic()
    peak, raised = _peak(lambda: workflows.decode_artifact(bomb, max_size=4 * MiB))
    assert time.monotonic() - started < 5
    assert isinstance(raised, runtime.DecompressedTooLarge)
    assert isinstance(raised, runtime.LimitExceeded)
    assert isinstance(raised, runtime.DataSyncError)
    assert isinstance(raised, ValueError)  # as every artifact that cannot be decoded
    assert (raised.limit, raised.argument) == (4 * MiB, "max_size")
    assert "4 MiB cap (max_size=4194304)" in str(raised)
    assert peak < 8 * MiB  # what it inflated (up to the cap) and one piece, not the bomb's gigabyte
    assert workflows.decode_artifact(gzip.compress(b'{"a": 1}'), max_size=8) == {"a": 1}  # 8 bytes: at the cap


def test_gunzip_streams_a_bomb_with_flat_memory() -> None:
    inflated = 0

    def drain() -> None:
        nonlocal inflated
        for piece in runtime.gunzip(gzip_bomb(1024), max_size=32 * MiB):
            assert len(piece) <= 64 * 1024
            inflated += len(piece)

    peak, raised = _peak(drain)
    assert isinstance(raised, runtime.DecompressedTooLarge)
    assert inflated == 32 * MiB  # everything up to the cap was handed out, nothing past it
    assert peak < 1 * MiB  # pieces handed on are not kept: memory does not grow with the output


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(gzip.compress(b"one") + gzip.compress(b" two"), b"one two", id="two-members"),
        pytest.param(gzip.compress(b"x") + b"\0\0\0", b"x", id="nul-padding"),
        pytest.param(b"", b"", id="empty"),
        pytest.param(gzip.compress(bytes(200_000)), bytes(200_000), id="many-pieces"),
        pytest.param(b"".join(gzip_bomb(3)), bytes(3 * MiB), id="the-tests-bomb"),  # CRC and all
    ],
)
def test_gunzip_reads_what_gzip_reads(data: bytes, expected: bytes) -> None:
    assert gzip.decompress(data) == expected
    assert b"".join(runtime.gunzip(data)) == expected
    split = [data[i : i + 7] for i in range(0, len(data), 7)]  # streamed in small chunks
    assert b"".join(runtime.gunzip(split)) == expected


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"not gzip", id="not-gzip"),
        pytest.param(gzip.compress(b"truncated")[:-5], id="cut-short"),
        pytest.param(gzip.compress(b"x")[:-8] + b"\0\0\0\0\1\0\0\0", id="bad-crc"),
        pytest.param(gzip.compress(b"x") + b"garbage", id="trailing-garbage"),
    ],
)
def test_gunzip_refuses_what_gzip_refuses(data: bytes) -> None:
    with pytest.raises(Exception):  # noqa: B017, PT011 - gzip's own errors vary (BadGzipFile, EOFError, zlib)
        gzip.decompress(data)
    with pytest.raises(ValueError, match="gzip") as caught:
        b"".join(runtime.gunzip(data))
    assert not isinstance(caught.value, runtime.DecompressedTooLarge)


def _bomb_site(mib: int) -> Any:
    """An ASGI app answering any GET with a gzip bomb of ``mib`` MiB, streamed piece by piece."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/gzip")]})
        for piece in gzip_bomb(mib):
            await send({"type": "http.response.body", "body": piece, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    return app


def test_the_cli_refuses_a_gzip_bomb_in_one_line_and_keeps_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "details.json"
    target.write_text("the earlier download\n", encoding="utf-8")
    with running(_bomb_site(1024)) as base:
        monkeypatch.setenv("DATASYNC_URL", base)
        monkeypatch.setenv("DATASYNC_TOKEN", "t")
        command = ["artifacts", "details", EXCHANGE_COMPLETED, "--max-size", "4"]
        codes: list[int] = []
        peak, raised = _peak(lambda: codes.append(cli.main([*command, "-o", str(target)])))
        assert raised is None
        assert codes == [1]
        assert peak < 16 * MiB  # streamed to a temporary file, never held whole
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert "Traceback" not in err
        assert err.startswith(f"datasync: the details artifact of {EXCHANGE_COMPLETED} is refused: ")
        assert "4 MiB cap (max_size=4194304)" in err
        assert target.read_text(encoding="utf-8") == "the earlier download\n"  # untouched
        assert sorted(p.name for p in tmp_path.iterdir()) == ["details.json"]  # no part file left
        assert cli.main(command) == 1  # to standard output: the same refusal
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.count("\n") == 1
        assert "max_size=4194304" in captured.err


# -- 9: downloads and the CSV report are capped; a huge CSV field is a typed error ----------------------------
@pytest.mark.parametrize("declared", [False, True], ids=["streamed", "content-length"])
@pytest.mark.parametrize("what", ["details", "consumerlogs", "csv"])
def test_a_download_without_end_is_cut_at_its_cap(what: str, declared: bool) -> None:
    made = [0]
    piece = b"x" * 65536

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Length": str(2048 * len(piece))} if declared else {}
        return httpx.Response(200, headers=headers, content=_endless(piece, 2048, made))  # 128 MiB at most

    download: Callable[..., Any] = {
        "details": lambda c: workflows.download_details(c, EXCHANGE_COMPLETED, max_bytes=MiB),
        "consumerlogs": lambda c: workflows.download_consumer_logs(c, EXCHANGE_COMPLETED, max_bytes=MiB),
        "csv": lambda c: workflows.course_ids_report(c, EXCHANGE_COMPLETED, max_bytes=MiB),
    }[what]
    with _client(handler) as client, pytest.raises(runtime.BodyTooLarge) as caught:
        download(client)
    error = caught.value
    assert isinstance(error, ApiError)
    assert isinstance(error, runtime.LimitExceeded)
    assert (error.status, error.limit, error.argument) == (200, MiB, "max_bytes")
    assert "1 MiB cap (max_bytes=1048576)" in str(error)
    assert made[0] == (0 if declared else MiB // len(piece) + 1)  # refused unread, or read to the cap only


def test_an_endless_error_body_is_read_only_as_far_as_an_envelope_goes() -> None:
    made = [0]
    envelope = b'{"error": {"code": "not_found", "message": "no details"}}'

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, content=_endless(envelope + b" " * 65536, 2048, made))

    with _client(handler) as client, pytest.raises(ArtifactNotAvailable) as caught:
        workflows.download_details(client, EXCHANGE_COMPLETED)
    assert made[0] <= 2
    assert caught.value.status == 404


def test_default_caps_are_sane() -> None:
    assert 1 * MiB <= runtime.DEFAULT_MAX_DOWNLOAD <= runtime.DEFAULT_MAX_DECOMPRESSED <= 512 * MiB
    assert workflows.decode_artifact.__kwdefaults__ == {"max_size": runtime.DEFAULT_MAX_DECOMPRESSED}
    assert workflows.course_ids_report.__kwdefaults__ == {"max_bytes": runtime.DEFAULT_MAX_DOWNLOAD}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'course_id\n"' + b"x" * 200_000 + b'"\n', id="quoted-field-past-the-csv-limit"),
        pytest.param(b"course_id\n" + b"x" * 200_000 + b"\n", id="bare-field-past-the-csv-limit"),
    ],
)
def test_a_huge_csv_field_is_a_typed_error(body: bytes) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/csv"}, content=body)

    with _client(handler) as client, pytest.raises(ResponseParseError) as caught:
        workflows.course_ids_report(client, "b1000000-0000-4000-8000-000000000001")
    assert "field larger than field limit" in str(caught.value)
    assert caught.value.status == 200


# -- 10: one loop guard for every pagination ------------------------------------------------------------------
def _item(n: int) -> dict[str, Any]:
    return {
        "id": f"e1000000-0000-4000-8000-{n:012d}",
        "state": "created",
        "error_count": 0,
        "max_data_content_length": 1000,
    }


Page = Callable[[int, httpx.Request], dict[str, Any]]


def _list_site(page: Page, limit: int = 200) -> tuple[Client, list[str]]:
    """A server answering the n-th list request with ``page(n, request)``; after ``limit`` requests a last
    page, so that a client without a guard still ends. Returns the client and the requested URLs."""
    requested: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        if len(requested) > limit:
            return httpx.Response(200, json={"data": [_item(10**6 + len(requested))], "paging": {"next": None}})
        return httpx.Response(200, json=page(len(requested), request))

    return _client(handler), requested


def _read(how: str, client: Client, got: list[str] | None = None, **kwargs: Any) -> list[str]:
    """The ids a pagination function yields (into ``got``, so they are known when it raises)."""
    got = [] if got is None else got
    if how == "paginate":
        got.extend(str(e.id) for e in runtime.paginate(list_exchanges, client, **kwargs))
    elif how == "apaginate":

        async def read() -> None:
            items: AsyncIterator[Any] = runtime.apaginate(list_exchanges, client, **kwargs)
            async for e in items:
                got.append(str(e.id))

        asyncio.run(read())
    else:
        got.extend(i["id"] for i in runtime.paginate_json(client, "/exchanges", **kwargs))
    return got


HOWS = ["paginate", "apaginate", "paginate_json"]


def _stopped(how: str, client: Client, got: list[str], **kwargs: Any) -> Exception:
    """What stopped reading the list (it must not end on its own)."""
    with client:
        try:
            _read(how, client, got, **kwargs)
        except Exception as exc:  # returned to be checked after the request count
            return exc
    raise AssertionError(f"read to the end: {len(got)} items")


@pytest.mark.parametrize("how", HOWS)
def test_a_server_that_ignores_page_is_stopped_at_the_first_repeat(how: str) -> None:
    same = {"data": [_item(1), _item(2)], "paging": {"next": f"{BASE}/exchanges?page=1"}}
    client, requested = _list_site(lambda n, request: same)
    got: list[str] = []
    error = _stopped(how, client, got)
    assert len(requested) == 2  # the old paginate asked again and again (here: till the site gave up)
    assert got == [_item(1)["id"], _item(2)["id"]]  # the first page's items, once
    assert isinstance(error, runtime.PaginationLoop)
    assert "page 2 is the same as a page read before" in str(error)
    assert (error.pages, error.status) == (2, 200)
    assert isinstance(error, ApiError)


@pytest.mark.parametrize("how", HOWS)
def test_pages_that_hold_only_items_already_read_are_stopped(how: str) -> None:
    def page(n: int, request: httpx.Request) -> dict[str, Any]:  # a fresh link each time, the same items
        return {"data": [_item(1), _item(2)], "paging": {"next": f"{BASE}/exchanges?page={n}&token={n}"}}

    client, requested = _list_site(page)
    error = _stopped(how, client, [])
    assert len(requested) == 2
    assert isinstance(error, runtime.PaginationLoop)
    assert "page 2 holds only items already read" in str(error)


@pytest.mark.parametrize("how", HOWS)
def test_a_list_that_invents_items_forever_stops_at_max_pages(how: str) -> None:
    def page(n: int, request: httpx.Request) -> dict[str, Any]:
        return {"data": [_item(2 * n), _item(2 * n + 1)], "paging": {"next": f"{BASE}/exchanges?page={n}"}}

    client, requested = _list_site(page)
    got: list[str] = []
    error = _stopped(how, client, got, max_pages=5)
    assert len(requested) == 5
    assert len(set(got)) == 10  # every item of the pages read was handed out
    assert isinstance(error, runtime.PaginationLoop)
    assert "paging.next still names a next page after max_pages=5" in str(error)
    assert runtime.DEFAULT_MAX_PAGES >= 1000
    with pytest.raises(ValueError, match="max_pages"):
        _read(how, client, max_pages=0)


@pytest.mark.parametrize("how", HOWS)
def test_a_link_back_is_refused_but_a_shifted_list_is_read(how: str) -> None:
    def back(n: int, request: httpx.Request) -> dict[str, Any]:  # page 2 links back to page 1
        return {"data": [_item(n)], "paging": {"next": f"{BASE}/exchanges?page=1"}}

    client, requested = _list_site(back)
    error = _stopped(how, client, [])
    assert len(requested) == 2
    assert isinstance(error, runtime.PaginationLoop)
    assert "links back to a page already read" in str(error)

    def shifted(n: int, request: httpx.Request) -> dict[str, Any]:  # an item inserted while reading
        pages = [[_item(1), _item(2)], [_item(2), _item(3)], [_item(4)]]
        following = f"{BASE}/exchanges?page={n}" if n < 3 else None
        return {"data": pages[n - 1], "paging": {"next": following}}

    client, requested = _list_site(shifted)
    with client:
        assert _read(how, client) == [_item(i)["id"] for i in (1, 2, 2, 3, 4)]
    assert len(requested) == 3


# -- 11: ArtifactNotAvailable is chosen by the operation and the status -------------------------------------
PRISM_404 = {"type": "https://stoplight.io/prism/errors#NOT_FOUND", "title": "Not Found", "status": 404}
OURS_404 = {"error": {"code": "not_found", "message": "Exchange not found"}}
MENTIONS = {"error": {"code": "not_found", "message": "Exchange not found; its artifacts are gone too"}}


def _answering(status: int, body: dict[str, Any]) -> Client:
    return _client(lambda request: httpx.Response(status, json=body))


@pytest.mark.parametrize("body", [PRISM_404, OURS_404, MENTIONS], ids=["prism", "ours", "mentions"])
def test_a_404_from_an_artifact_operation_is_artifact_not_available(body: dict[str, Any]) -> None:
    with _answering(404, body) as client:
        with pytest.raises(ArtifactNotAvailable):
            call(get_exchange_details, EXCHANGE_COMPLETED, client=client)
        with pytest.raises(ArtifactNotAvailable):
            workflows.download_details(client, EXCHANGE_COMPLETED)
        with pytest.raises(ArtifactNotAvailable):
            workflows.download_consumer_logs(client, EXCHANGE_COMPLETED)
    response = httpx.Response(404, json=body, request=httpx.Request("GET", f"{BASE}/exchanges/x/details"))
    assert isinstance(runtime.error_for(response, get_exchange_details), ArtifactNotAvailable)
    assert isinstance(runtime.error_for(response, "get_exchange_consumer_logs"), ArtifactNotAvailable)
    # no operation named: nothing says it is about an artifact
    assert type(runtime.error_for(response)) is ApiError


def test_other_operations_and_statuses_are_plain_api_errors() -> None:
    for status in (404, 400, 401, 500):  # the body mentions artifacts every time: it does not matter
        with _answering(status, MENTIONS) as client:
            with pytest.raises(ApiError) as caught:
                call(get_exchange, EXCHANGE_CREATED, client=client)
            assert type(caught.value) is ApiError, status
            if status == 404:
                continue
            with pytest.raises(ApiError) as caught:
                workflows.download_details(client, EXCHANGE_COMPLETED)
            assert type(caught.value) is ApiError, status
            with pytest.raises(ApiError) as caught:
                call(get_exchange_details, EXCHANGE_COMPLETED, client=client)
            assert type(caught.value) is ApiError, status


def test_the_artifact_operations_are_the_generated_ones() -> None:
    """A renamed operationId would silently end ArtifactNotAvailable: the names must be the modules'."""
    modules = {m.name for m in pkgutil.iter_modules(datasync_grades.api.artifacts.__path__)}
    assert modules == set(runtime.ARTIFACT_OPERATIONS) == {"get_exchange_details", "get_exchange_consumer_logs"}
