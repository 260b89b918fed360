"""Gzip decompression with a cap on what it inflates to (an artifact, or a gzip bomb)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from typing import Any, Final

from ._errors import DecompressedTooLarge

MiB: Final = 1 << 20
DEFAULT_MAX_DECOMPRESSED: Final = 128 * MiB
"""The default cap on what ``gunzip`` inflates (an artifact's JSON text). ``decode_artifact`` parses that
text whole into Python objects that take several times its size, so the cap keeps decoding within an
ordinary machine's memory, while one exchange's artifact (its data arrives in bodies of at most the
exchange's ``max_data_content_length``) is far smaller; past it, the data is a bomb to refuse, not a
document. Pass ``max_size=`` for a larger artifact, or stream it to a file (``workflows.save_artifact``)."""
_PIECE = 64 * 1024  # bytes ``gunzip`` inflates at a time
_GZIP_WBITS = 16 + zlib.MAX_WBITS  # zlib reads (and checks) the gzip header and trailer


def gunzip(data: bytes | Iterable[bytes], *, max_size: int = DEFAULT_MAX_DECOMPRESSED) -> Iterator[bytes]:
    """Decompress gzip data piece by piece, inflating at most ``max_size`` bytes in all: past it,
    ``DecompressedTooLarge`` naming the cap. However well the data compresses (a gzip bomb), no piece is
    larger than 64 KiB, so memory grows only with what the caller keeps. ``data`` is the whole input or an
    iterable of its chunks (a streamed download). Concatenated members are read as ``gzip.decompress`` reads
    them; data that is not gzip, is cut short or fails its checksum raises ``ValueError``. The default cap
    is ``DEFAULT_MAX_DECOMPRESSED``."""
    if max_size < 0:
        raise ValueError("max_size must be at least 0")
    chunks: Iterable[bytes] = (bytes(data),) if isinstance(data, bytes | bytearray) else data
    inflater: Any = None  # None: between members
    total = 0
    for chunk in chunks:
        pending = bytes(chunk)
        while True:
            if inflater is None:
                pending = pending.lstrip(b"\0")  # NUL padding after a member is allowed, as in gzip
                if not pending:
                    break
                inflater = zlib.decompressobj(wbits=_GZIP_WBITS)
            most = min(_PIECE, max_size - total + 1)  # one byte past the cap tells it is passed
            try:
                piece = inflater.decompress(pending, most)
            except zlib.error as exc:
                raise ValueError(f"not gzip data: {exc}") from None
            total += len(piece)
            if total > max_size:
                raise DecompressedTooLarge(max_size)
            if piece:
                yield piece
            if inflater.eof:  # a member ended: another may follow
                pending, inflater = inflater.unused_data, None
                continue
            pending = inflater.unconsumed_tail
            if not pending and len(piece) < most:  # all input taken and no output held back
                break
    if inflater is not None:
        raise ValueError("gzip data cut short: it ends inside a member")


__all__ = ["DEFAULT_MAX_DECOMPRESSED", "MiB", "gunzip"]
