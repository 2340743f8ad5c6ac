"""HTTP/1.1 message syntax (RFC 9112, with RFC 9110's field rules) as pure functions: a request's
head, how its body is framed, the chunked coding, a response's head. No sockets here:
:mod:`onebot_ref.modes.http_server` reads and writes the bytes.

Every refusal is :class:`BadRequest` with its status and a one-line reason; the server answers
it and closes the connection (after a framing error the next request cannot be found).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

# RFC 9110 5.6.2: token = 1*tchar
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_TOKEN_NAME = re.compile(_TOKEN)
# RFC 9112 3: request-line = method SP request-target SP HTTP-version
_REQUEST_LINE = re.compile(r"(" + _TOKEN + r") ([^\x00-\x20\x7f]+) HTTP/([0-9])\.([0-9])")
# RFC 9112 5: field-line = field-name ":" OWS field-value OWS (for trailer fields, as bytes)
_FIELD_LINE = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\x00\r\n]*")
# RFC 9112 7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF; chunk-size = 1*HEXDIG
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(?:;[^\r\n]*)?")
MAX_LINE = 8192  # bytes of a chunk-size line or a trailer line
#: The fields this module reads (the rest go to the app as they are).
_FRAMING_FIELDS = frozenset(("connection", "host", "expect", "transfer-encoding",
                             "content-length"))


class BadRequest(Exception):
    """A request the server answers without the application: ``status`` and ``reason``."""

    def __init__(self, status: int, reason: str):
        super().__init__(f"{status}: {reason}")
        self.status, self.reason = status, reason


def chunk_error(detail: str) -> BadRequest:
    """A malformed chunked body, in the HTTP API's words for it (modes/http_params.py)."""
    return BadRequest(400, f"chunked body is malformed or cut short (RFC 9112 §7.1): {detail} "
                           "(BAD-6)")


@dataclass(slots=True)
class Head:
    """One parsed request head. Header names and values are ``str`` (latin-1, as WSGI wants)."""

    method: str
    target: str
    minor: int  # HTTP/1.<minor>
    headers: list[tuple[str, str]]
    keep_alive: bool = True
    content_length: int | None = None
    chunked: bool = False
    expect_continue: bool = False
    path: str = ""  # the target's path, raw (percent-escapes kept)
    query: str = ""
    #: the values of the fields that frame the message (``_FRAMING_FIELDS``), by lower-case name
    seen: dict[str, list[str]] = field(default_factory=dict)


def head_end(buf: bytes, start: int = 0) -> int:
    """Where the head that starts at ``start`` ends (the index after its blank line), or -1."""
    end = buf.find(b"\r\n\r\n", start)
    if end >= 0:
        return end + 4
    # RFC 9112 2.2: "a recipient MAY recognize a single LF as a line terminator"
    end = buf.find(b"\n\n", start)
    if end >= 0:
        return end + 2
    end = buf.find(b"\n\r\n", start)
    return end + 3 if end >= 0 else -1


def _tokens(values: list[str]) -> list[str]:
    """A list-valued field (RFC 9110 5.6.1: "#element"), lower-cased, empty members dropped."""
    return [t for v in values for t in (p.strip().lower() for p in v.split(",")) if t]


@functools.lru_cache(maxsize=512)  # bounded: clients choose header names
def _field_name(name: str) -> str | None:
    """The lower-case form of a valid field name (RFC 9110 5.1: a token), else None."""
    return name.lower() if _TOKEN_NAME.fullmatch(name) else None


def parse_head(raw: bytes) -> Head:
    """The request line and header fields of ``raw`` (a whole head, blank line included)."""
    # RFC 9112 2.2: "a server that is expecting to receive and parse a request-line SHOULD
    # ignore at least one empty line (CRLF) received prior to the request-line"
    text = raw.lstrip(b"\r\n").decode("latin-1")  # PEP 3333: header strings are latin-1
    # RFC 9112 2.2: "a recipient MAY recognize a single LF as a line terminator and ignore any
    # preceding CR" (a CR anywhere else stays, and is refused below)
    lines = text.replace("\r\n", "\n").split("\n")
    match = _REQUEST_LINE.fullmatch(lines[0])
    if match is None:
        raise BadRequest(400, "malformed request line (BAD-7)")
    method, target, major, minor = match.groups()
    if major != "1":
        # RFC 9110 15.6.6: 505 "the server does not support [...] the major version of HTTP"
        raise BadRequest(505, f"HTTP/{major} is not supported: use HTTP/1.1 (BAD-7)")
    head = Head(method, target, int(minor), [])
    seen, headers = head.seen, head.headers
    for line in lines[1:]:
        if not line:
            continue  # the blank line(s) closing the head
        name, colon, value = line.partition(":")
        lower = _field_name(name) if colon else None
        if lower is None:
            if line[0] in " \t":
                # RFC 9112 5.2: "A server that receives an obs-fold in a request message [...]
                # MUST either reject the message by sending a 400 (Bad Request) [...] or replace"
                raise BadRequest(400, "obsolete line folding in a header field (BAD-7)")
            # RFC 9112 5.1: "A server MUST reject, with a response status code of 400 (Bad
            # Request), any received request message that contains whitespace between a header
            # field name and colon."
            raise BadRequest(400, f"malformed header line {line[:40]!r} (BAD-7)")
        value = value.strip(" \t")
        if "\r" in value or "\0" in value:
            # RFC 9110 5.5: "a recipient of CR, LF, or NUL within a field value MUST either
            # reject the message or replace each of those characters with SP"
            raise BadRequest(400, f"CR or NUL in the value of {name} (BAD-7)")
        headers.append((name, value))
        if lower in _FRAMING_FIELDS:
            seen.setdefault(lower, []).append(value)
    _target(head)
    _framing(head)
    return head


def _target(head: Head) -> None:
    target = head.target
    if not target.startswith("/"):
        if target.startswith(("http://", "https://")):
            # RFC 9112 3.2.2: "A server MUST accept the absolute-form in requests"
            target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
        elif not (target == "*" and head.method == "OPTIONS"):  # 3.2.4, asterisk-form
            raise BadRequest(400, f"request target {head.target[:40]!r} is not a path (BAD-7)")
    head.path, _, head.query = target.partition("?")


def _framing(head: Head) -> None:
    """Connection persistence, Host, Expect and the body's length (RFC 9112 6.3, 9.3)."""
    seen, minor = head.seen, head.minor
    connection = _tokens(seen["connection"]) if "connection" in seen else ()
    # RFC 9112 9.3: "If the "close" connection option is present [...], the connection will not
    # persist after the current response; else, If the received protocol is HTTP/1.1 (or
    # later), the connection will persist [...]; else, If the received protocol is HTTP/1.0,
    # the "keep-alive" connection option is present, [...] the connection will persist"
    head.keep_alive = "close" not in connection and (minor >= 1 or "keep-alive" in connection)
    if minor >= 1 and len(seen.get("host", ())) != 1:
        # RFC 9112 3.2: "A server MUST respond with a 400 (Bad Request) status code to any
        # HTTP/1.1 request message that lacks a Host header field and to any request message
        # that contains more than one Host header field line"
        raise BadRequest(400, "an HTTP/1.1 request needs exactly one Host header (BAD-7)")
    expect = _tokens(seen["expect"]) if "expect" in seen else ()
    if expect and minor >= 1:  # RFC 9110 10.1.1: an HTTP/1.0 expectation "MUST" be ignored
        if expect != ["100-continue"]:
            # RFC 9110 10.1.1: "A server that receives an Expect field value containing a member
            # other than 100-continue MAY respond with a 417 (Expectation Failed)"
            raise BadRequest(417, f"unsupported expectation {', '.join(expect)} (BAD-7)")
        head.expect_continue = True
    codings = _tokens(seen["transfer-encoding"]) if "transfer-encoding" in seen else ()
    lengths = seen.get("content-length", ())
    if len(lengths) > 1 or (lengths and "," in lengths[0]):  # RFC 9110 8.6: a list
        lengths = [v.strip() for value in lengths for v in value.split(",")]
    if codings:
        if minor == 0:
            # RFC 9112 6.1: "A server or client that receives an HTTP/1.0 message containing a
            # Transfer-Encoding header field MUST treat the message as if the framing is faulty"
            raise BadRequest(400, "Transfer-Encoding in an HTTP/1.0 request (BAD-7)")
        if lengths:
            # RFC 9112 6.1: "A server MAY reject a request that contains both Content-Length
            # and Transfer-Encoding [...]. Regardless, the server MUST close the connection"
            raise BadRequest(400, "both Content-Length and Transfer-Encoding (BAD-7)")
        if codings[-1] != "chunked":
            # RFC 9112 6.3: "If a Transfer-Encoding header field is present in a request and the
            # chunked transfer coding is not the final encoding, [...] the server MUST respond
            # with the 400 (Bad Request) status code and then close the connection."
            raise BadRequest(400, "Transfer-Encoding does not end with chunked (BAD-7)")
        if len(codings) > 1:
            # RFC 9112 6.1: "A server that receives a request message with a transfer coding it
            # does not understand SHOULD respond with 501 (Not Implemented)."
            raise BadRequest(501, f"transfer coding {codings[0]} is not supported (BAD-7)")
        head.chunked = True
    elif lengths:
        # RFC 9110 8.6: Content-Length = 1*DIGIT (ASCII digits: "١٢" or "²" is no length);
        # RFC 9112 6.3: an invalid one is "an unrecoverable error [...] the server MUST respond
        # with a 400 (Bad Request) status code and then close the connection"
        bad = [v for v in lengths if not (v.isascii() and v.isdigit())]
        if bad:  # the HTTP API's words for it (modes/http_params.py)
            raise BadRequest(400, f"Content-Length {bad[0][:40]!r} is not a number (BAD-6)")
        if len(set(lengths)) > 1:
            raise BadRequest(400, f"Content-Length values differ: "
                                  f"{', '.join(lengths)[:40]} (BAD-7)")
        if len(lengths[0]) > 18:  # past any body size (and int() refuses 4301 digits or more)
            raise BadRequest(413, f"Content-Length of {len(lengths[0])} digits is over any "
                                  "limit (max_body_bytes) (BAD-8)")
        head.content_length = int(lengths[0])


def path_info(path: str) -> str:
    """WSGI's PATH_INFO of a raw path: the percent-decoded bytes as latin-1 (PEP 3333)."""
    return unquote_to_bytes(path).decode("latin-1") if "%" in path else path


@functools.lru_cache(maxsize=512)  # bounded: clients choose header names
def environ_key(name: str) -> str | None:
    """The WSGI environ key of a header (CGI's rule), or None for a name with ``_`` (which
    would pass for the ``-`` spelling of another header: dropped, as werkzeug does)."""
    if "_" in name:
        return None
    key = name.upper().replace("-", "_")
    return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key


def _line_end(buf: bytes, pos: int, what: str) -> int:
    """Where the line starting at ``pos`` ends (its LF), -1 when it has not all arrived."""
    end = buf.find(b"\n", pos, pos + MAX_LINE)
    if end < 0 and len(buf) - pos >= MAX_LINE:
        raise chunk_error(f"{what} line too long")
    return end


def parse_chunked(buf: bytes, start: int, limit: int) -> tuple[bytes, int] | None:
    """A chunked body starting at ``buf[start]``: ``(decoded body, index after it)``, or None
    when ``buf`` does not hold all of it yet. :class:`BadRequest` for a malformed body (400) or
    one whose data passes ``limit`` bytes (413), even while incomplete."""
    parts, size, pos = [], 0, start
    while True:
        line_end = _line_end(buf, pos, "chunk-size")
        if line_end < 0:
            return None
        match = _CHUNK_SIZE.fullmatch(buf, pos, line_end - (buf[line_end - 1:line_end] == b"\r"))
        if match is None:
            raise chunk_error("malformed chunk-size line")
        length = int(match.group(1), 16)
        size += length
        if size > limit:
            raise BadRequest(413, f"body is over the limit of {limit} bytes (max_body_bytes) (BAD-8)")
        pos = line_end + 1
        if length == 0:
            break
        if len(buf) < pos + length + 2:
            return None
        parts.append(buf[pos:pos + length])
        pos += length
        if buf[pos:pos + 2] == b"\r\n":  # RFC 9112 7.1: chunk-data CRLF
            pos += 2
        elif buf[pos:pos + 1] == b"\n":
            pos += 1
        else:
            raise chunk_error("chunk data longer than its chunk-size")
    # RFC 9112 7.1.2: trailer-section = *( field-line CRLF ), then the final CRLF
    while True:
        line_end = _line_end(buf, pos, "trailer")
        if line_end < 0:
            return None
        line = buf[pos:line_end].rstrip(b"\r")
        pos = line_end + 1
        if not line:
            return b"".join(parts), pos
        # RFC 9112 7.1.2: a recipient "MAY discard" trailer fields it does not process
        if _FIELD_LINE.fullmatch(line) is None:
            raise chunk_error("malformed trailer field")


#: RFC 9110 6.4.1: "a 204 (No Content) response [...] and 304 (Not Modified) [...] [and] all 1xx
#: (Informational) [...] responses do not include content"
def bodyless(status: str, method: str) -> bool:
    """No content follows the head of this response (RFC 9112 6.3, rules 1 and 2)."""
    return method == "HEAD" or status[:1] == "1" or status[:3] in ("204", "304")
