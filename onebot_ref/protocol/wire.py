"""The JSON and the text of the wire, both ways: the one encoder of everything onebot_ref writes
(API responses, events, WebSocket frames, stored messages, the console's answers) and the one
strict decoder of everything it reads (HTTP bodies, WebSocket frames, console bodies, HTTP POST
answers), plus the User-Agent of every request it makes.

GEN-3: every API response, event and WebSocket frame is JSON (communication/ws.md:
"通过 WebSocket 消息发送的数据全部使用 JSON 格式"; http.md: "响应内容为 JSON 格式").
onebot_ref writes one form of it everywhere: compact separators and UTF-8 text, not
``\\uXXXX`` escapes, so Chinese stays readable in the traffic journal and the bytes are the ones
Koishi re-creates when it checks an HTTP POST signature (POST-7: it signs
``JSON.stringify(body)``, which is exactly this form).

BAD-1/2: what comes in is read strictly, in one place per kind of input, before any action sees
it. :func:`text` decodes bytes as UTF-8 (RFC 3629: no invalid sequence, no encoded surrogate);
:func:`loads` reads JSON as RFC 8259 defines it: no ``NaN``, ``Infinity`` or ``-Infinity``
(Python's ``json`` accepts them), no number beyond a double, no string holding a lone surrogate
(``"\\ud800"`` is a valid escape of no Unicode character), nesting at most :data:`MAX_DEPTH`
deep. A refusal is one :class:`WireError` whose message names the problem; each transport turns
it into its answer (HTTP 400, WebSocket 1400, console 400, an ignored quick operation).

Because everything read is strict, everything written is too: the encoder refuses NaN and the
infinities (``allow_nan=False``), so a value that is not JSON is a bug that raises, never
invalid JSON sent to a client (BAD-5).
"""

from __future__ import annotations

import json
import math
import re
from json.encoder import c_make_encoder as _c_make_encoder
from json.encoder import encode_basestring as _encode_string
from typing import Any

#: POST-3 / WSR-6 [LEGACY]: legacy CQHTTP's User-Agent ("CQHttp/<plugin version>"),
#: sent by HTTP POST and by the reverse WebSocket clients; go-cqhttp sends the same.
USER_AGENT = "CQHttp/4.15.0"

_ENCODER = json.JSONEncoder(
    ensure_ascii=False,      # UTF-8 text, not \\uXXXX escapes
    separators=(",", ":"),   # compact: no spaces (the form JSON.stringify writes)
    allow_nan=False,         # BAD-5: NaN and the infinities are not JSON (RFC 8259 §6)
)

#: The same encoder's C core, made once: ``JSONEncoder.encode`` makes a new one at every call,
#: a few µs of every response, event and stored message. No circular-reference markers: they
#: would be shared by every thread (and left behind by a failed call); onebot_ref encodes
#: JSON it decoded or built, which has no cycles.
_C_ENCODER = None if _c_make_encoder is None else _c_make_encoder(
    None, _ENCODER.default, _encode_string, None, _ENCODER.key_separator,
    _ENCODER.item_separator, False, False, False)


def dumps(value: Any) -> str:
    """The JSON text of ``value`` (ValueError for NaN or an infinity: a bug, never sent)."""
    if _C_ENCODER is None:  # an interpreter without json's C accelerator
        return _ENCODER.encode(value)
    return "".join(_C_ENCODER(value, 0))


def body(value: Any) -> bytes:
    """The JSON of ``value`` as the UTF-8 bytes of an HTTP body or a WebSocket payload."""
    return dumps(value).encode("utf-8")


# --- reading -------------------------------------------------------------------------------

#: BAD-2: the deepest nesting of arrays and objects read (a real request nests a handful).
MAX_DEPTH = 64


#: What :meth:`WireError.field` answers for a field that could not be read.
UNREAD = object()


class WireError(ValueError):
    """Input that is not strict UTF-8 text or strict JSON: ``"<what>: <the problem> (BAD-N)"``,
    the rule it breaks at the end (BAD-1: not UTF-8, BAD-2: not strict JSON), so that the 400,
    the 1400 and the journal name it. ``problem`` is without the rule (the Milky face cites its
    own). ``value``: what the text reads as when only strictness failed (NaN, a lone surrogate).
    """

    def __init__(self, what: str, problem: str, value: Any = UNREAD, rule: str = "BAD-2"):
        super().__init__(f"{what}: {problem} ({rule})")
        self.what, self.problem, self.value, self.rule = what, problem, value, rule

    def field(self, key: str) -> Any:
        """``value[key]`` when the refused text was an object with that key and its value is
        itself strict JSON (what a 1400 may echo, A-12), else :data:`UNREAD`."""
        if not isinstance(self.value, dict) or key not in self.value:
            return UNREAD
        item = self.value[key]
        try:
            dumps(item)  # no NaN or infinity in it
        except ValueError:
            return UNREAD
        return item if lone_surrogate(item) is None else UNREAD


class _Refused(Exception):
    """Raised inside the decoder's hooks; :func:`loads` adds what was being read."""


def text(data: bytes, what: str = "text") -> str:
    """``data`` decoded as strict UTF-8. RFC 3629 §3: "The octet values C0, C1, F5 to FF never
    appear"; an encoded surrogate (``ED A0 80``) is no UTF-8 either (Python's codec agrees)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise WireError(what, f"not valid UTF-8 (byte 0x{data[err.start]:02x} at offset "
                              f"{err.start})", rule="BAD-1") from None


def _no_constant(name: str) -> Any:
    # RFC 8259 §6: "Numeric values that cannot be represented in the grammar below (such as
    # Infinity and NaN) are not permitted."
    raise _Refused(f"{name} is not JSON (RFC 8259)")


def _finite(literal: str) -> float:
    value = float(literal)
    if math.isinf(value):  # 1e400: beyond a double, it would read as an infinity
        raise _Refused(f"number {literal[:24]} is out of range (RFC 8259 §6: beyond a double)")
    return value


_DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite)
_LENIENT = json.JSONDecoder()  # only to read what else a refused text says (WireError.value)
#: A ``\uD800``..``\uDFFF`` escape: only then can a decoded string hold a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def loads(data: str | bytes, what: str = "JSON") -> Any:
    """The value of strict JSON text (bytes: UTF-8; a str must already be decoded text, as a
    WebSocket text frame is). One leading byte order mark is ignored (RFC 8259 §8.1 allows it).
    Raises :class:`WireError` naming ``what`` and the problem."""
    source = text(data, what) if isinstance(data, (bytes, bytearray)) else data
    if source[:1] == "\ufeff":
        source = source[1:]
    try:
        value = _DECODER.decode(source)
    except _Refused as refused:
        try:
            value = _LENIENT.decode(source)
        except (ValueError, RecursionError):
            value = UNREAD
        raise WireError(what, str(refused), value) from None
    except json.JSONDecodeError as err:
        raise WireError(what, f"does not parse: {err.msg} at line {err.lineno} column "
                              f"{err.colno}") from None
    except RecursionError:
        raise WireError(what, f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError:  # int(): more digits than Python converts (sys.get_int_max_str_digits)
        raise WireError(what, "a number has too many digits") from None
    # Only text with more than MAX_DEPTH brackets can nest that deep: skip the walk otherwise.
    if source.count("[") + source.count("{") > MAX_DEPTH and _too_deep(value):
        raise WireError(what, f"nested deeper than {MAX_DEPTH} levels")
    # Hot path: no \uD800..\uDFFF escape, no lone surrogate (a pair has two such escapes).
    if "\\u" in source and _SURROGATE_ESCAPE.search(source):
        found = lone_surrogate(value)
        if found is not None:
            path, char = found
            raise WireError(what, f"lone surrogate {char} at {path or 'the top level'} (RFC 8259 "
                                  f"§8.2: not Unicode text)", value)
    return value


def _too_deep(value: Any) -> bool:
    """True when containers nest more than MAX_DEPTH levels (iterative: no recursion)."""
    stack = [(value, 1)] if isinstance(value, (dict, list)) else []
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def lone_surrogate(value: Any, root: str = "") -> tuple[str, str] | None:
    """Where a decoded value (JSON, YAML) holds a lone surrogate: ``(path, "\\ud800")`` with
    a path such as ``params.message[0].data.text`` ("" for the value itself), or None. Such a
    string is no Unicode text and cannot be written as UTF-8."""
    stack = [(value, root)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            match = _SURROGATE.search(item)
            if match:
                return path, f"\\u{ord(match.group()):04x}"
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and _SURROGATE.search(key):
                    return f"a key of {path or 'the top level'}", lone_surrogate(key)[1]
                stack.append((child, f"{path}.{key}" if path else str(key)))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{index}]") for index, child in enumerate(item))
    return None
