"""Server-controlled text made inert for each output a report is written to: one helper per format, here only.

A finding carries what a server sent (a JSON key, a Content-Type, an id discovered in a list, an error
message): data, never markup or terminal control. Every writer in ``report`` passes such text through the
helper of its format:

* ``xml``: characters XML 1.0 cannot hold (most C0 controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD,
  so the JUnit file stays well-formed (ElementTree escapes ``<&>"`` itself);
* ``markdown`` (prose and table cells), ``markdown_code`` (an inline code span) and ``markdown_block`` (a
  fenced block): no raw HTML, link or image can come out of a server's text, and it cannot close the
  span, block or table cell it is in;
* ``html``: escaped for an element or a quoted attribute;
* ``terminal``: escape sequences (CSI, OSC, ...) and other control characters removed, one line;
* ``printable``: for a log line, the same characters quoted as ``\\xNN``/``\\uNNNN`` (evidence kept, no line forged);
* ``json_text``: lone surrogates escaped so the file is valid UTF-8 (json escapes every control itself).
"""

from __future__ import annotations

import html as _html
import re

# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# ESC sequences: CSI (ESC [ ... final), OSC/DCS/APC/PM/SOS (ESC ] ... BEL or ST), two-character ESC x; C1 CSI/OSC.
_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|[\x1b][\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
)
# other C0 and C1 controls, DEL, and the bidirectional controls that reorder what a terminal shows
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("\r\n|[\r\n\u2028\u2029\x85]")
REPLACEMENT = "\ufffd"
# C0 and C1 controls, DEL, and the Unicode line separators and bidirectional overrides a terminal obeys
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def xml(text: object) -> str:
    """Text an XML 1.0 document can hold (element text or attribute value)."""
    return _NOT_XML.sub(REPLACEMENT, str(text))


def _controls(text: str, keep_lines: bool) -> str:
    """Control characters shown as U+FFFD; line breaks kept as ``\n`` or made spaces."""
    text = _LINE_BREAKS.sub("\n" if keep_lines else " ", _SURROGATE.sub(REPLACEMENT, text))
    return _CONTROL.sub(REPLACEMENT, text if keep_lines else text.replace("\t", " "))


def terminal(text: object) -> str:
    """One line a terminal shows as it is: escape sequences and control characters removed."""
    cleaned = _ESCAPE.sub("", _SURROGATE.sub(REPLACEMENT, str(text)))
    return _CONTROL.sub("", _LINE_BREAKS.sub(" ", cleaned).replace("\t", " "))


def printable(text: str) -> str:
    """``text`` for a log line or the terminal: control characters, escape sequences, line breaks and
    bidirectional overrides shown as ``\\xNN``/``\\uNNNN`` escapes, so a peer cannot forge a line or drive the
    terminal."""
    if text.isprintable():
        return text
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def html(text: object) -> str:
    """Text for an HTML element or a quoted attribute."""
    return _html.escape(_controls(str(text), keep_lines=True), quote=True)


def markdown(text: object, *, table: bool = False) -> str:
    """Markdown prose on one line (a list item, a heading, a table cell with ``table=True``): the server's
    ``<`` ``>`` ``&`` are entities, so no HTML tag can form, and ``](`` cannot make a link or an image. The
    code spans our own hints use still render."""
    escaped = _html.escape(_controls(str(text), keep_lines=False), quote=False).replace("](", "]\\(")
    return escaped.replace("|", "\\|") if table else escaped


def _fence(text: str, minimum: int) -> str:
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    return "`" * max(minimum, longest + 1)


def markdown_code(text: object, *, table: bool = False) -> str:
    """An inline code span holding ``text`` verbatim: HTML in a code span is shown, never rendered; the fence is
    longer than any run of backticks inside, so the text cannot close it."""
    inner = _controls(str(text), keep_lines=False)
    if table:
        inner = inner.replace("|", "\\|")
    fence = _fence(inner, 1)
    pad = " " if inner.startswith("`") or inner.endswith("`") or not inner.strip() else ""
    return f"{fence}{pad}{inner}{pad}{fence}"


def markdown_block(text: object, info: str = "") -> list[str]:
    """A fenced code block (its lines) holding ``text`` verbatim; it cannot close its fence."""
    inner = _controls(str(text), keep_lines=True)
    fence = _fence(inner, 3)
    return [fence + info, *inner.split("\n"), fence]


def json_text(text: str) -> str:
    """A JSON document as valid UTF-8 text: lone surrogates (schemathesis generates them) as ``\\udxxx``."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


__all__ = [
    "REPLACEMENT",
    "html",
    "json_text",
    "markdown",
    "markdown_block",
    "markdown_code",
    "printable",
    "terminal",
    "xml",
]
