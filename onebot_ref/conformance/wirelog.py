"""The evidence of one case: every request, answer and frame it caused, in time order, and how
to reproduce it by hand (a ``curl`` line, or the WebSocket frames to send).

Nothing here ever holds the access token or the secret: :class:`Mask` replaces them as the
entries are written (``***`` in the log, ``$TOKEN`` in a reproducer, which then reads as a
shell command with the token in a variable).
"""

from __future__ import annotations

import re
import shlex
import time
from dataclasses import dataclass, field

#: Characters of one body or frame kept in the log; the rest is cut with a note.
TEXT_LIMIT = 4000
_TOKEN_MARK = "\x00TOKEN\x00"


class Mask:
    """Hides the token and the secret in everything the report shows: inside an
    ``Authorization`` value and an ``access_token=`` parameter always, anywhere else when it is
    long enough not to be an everyday string (a token ``t`` must not turn every t into ***)."""

    #: where the token is put on the wire: a header value, a query parameter
    PLACES = (re.compile(r"(?i)(authorization:[ \t]*)([^\r\n']*)"),
              re.compile(r"(access_token=)([^&\s'\"#]*)"))
    ANYWHERE = 6  # characters: a secret this long is hidden wherever it appears

    def __init__(self, *secrets: str):
        self.secrets = [s for s in secrets if s]

    def _hide(self, text: str, shown: str) -> str:
        for place in self.PLACES:
            text = place.sub(lambda m: m.group(1) + self._in(m.group(2), shown), text)
        for secret in self.secrets:
            if len(secret) >= self.ANYWHERE:
                text = text.replace(secret, shown)
        return text

    def _in(self, value: str, shown: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            value = value.replace(secret, shown)
        return value

    def __call__(self, text: str) -> str:
        return self._hide(text, "***")

    def for_shell(self, text: str) -> str:
        return self._hide(text, _TOKEN_MARK)


@dataclass(frozen=True)
class Entry:
    time: float          # time.monotonic()
    direction: str       # "→" sent by the runner, "←" received from the target, "·" a note
    channel: str         # "http", "ws /api", "post", "reverse Universal", ...
    text: str


def clip(text: str, limit: int = TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text) - limit} more chars)"


def as_text(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", "backslashreplace") + "  (not UTF-8)"


@dataclass
class WireLog:
    mask: Mask
    entries: list[Entry] = field(default_factory=list)
    reproducers: list[str] = field(default_factory=list)

    def add(self, direction: str, channel: str, text: str, at: float | None = None) -> None:
        self.entries.append(Entry(time.monotonic() if at is None else at, direction, channel,
                                  clip(self.mask(text))))

    def note(self, text: str) -> None:
        self.add("·", "", text)

    def reproduce(self, text: str) -> None:
        shown = self.mask.for_shell(text).replace(_TOKEN_MARK, "$TOKEN")
        if shown not in self.reproducers:
            self.reproducers.append(shown)

    def lines(self, start: float) -> list[str]:
        """The log as text lines, times in ms since ``start``."""
        out = []
        for entry in sorted(self.entries, key=lambda e: e.time):
            head = f"{(entry.time - start) * 1000:8.1f} ms {entry.direction} {entry.channel}"
            out.append(f"{head}  {entry.text}" if "\n" not in entry.text
                       else f"{head}\n{entry.text}")
        return out


def curl(method: str, url: str, headers: dict[str, str], body: bytes, mask: Mask) -> str:
    """A curl command sending the same request (``-i``: show the status line and headers)."""
    args = ["curl", "-i", "-X", method, url]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    if body:
        args += ["--data-binary", as_text(body)]
    line = " ".join(shlex.quote(mask.for_shell(arg)) for arg in args)
    # inside single quotes a variable does not expand: close them around "$TOKEN"
    return line.replace(_TOKEN_MARK, "'\"$TOKEN\"'")


def ws_frames(url: str, headers: dict[str, str], frames: list[str]) -> str:
    """The frames to send by hand (any WebSocket client: websocat, wscat, a browser console)."""
    lines = [f"# connect {url}"] + [f"#   {name}: {value}" for name, value in headers.items()]
    lines += [f"send: {frame}" for frame in frames]
    return "\n".join(lines)
