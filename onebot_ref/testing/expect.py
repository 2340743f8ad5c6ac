"""The expectations: wait for what the bot does, fail with a text that says why.

Each is one ``POST /sim/expect`` (docs/console-api.md), so a Koishi or Go test suite gets the
same behaviour and the same failure text over HTTP. It looks at what the bot did since the
last ``say()`` / ``event()``; each message and call meets one expectation at most, so two
``expect_message`` calls need two messages.

Every waiting method has an ``*_async`` twin for a bot that runs in the test's own event loop
(NoneBot2 with pytest-asyncio): the wait runs in a worker thread, the loop goes on.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import ConsoleClient

#: re flags that have an inline form ((?i) ...), the only ones a pattern can carry over HTTP
_INLINE = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"), (re.VERBOSE, "x"))


class ExpectMixin:
    """wait_for_bot, expect_message, expect_no_message, expect_call, and their async twins."""

    console: ConsoleClient

    def wait_for_bot(self, timeout: float = 10.0) -> str:
        """Wait until a bot has connected since the server started: a forward or reverse
        WebSocket opened, an HTTP API request came, or the HTTP POST receiver answered 2xx.
        Returns how it was seen ("forward WebSocket 127.0.0.1:50312 opened (#3)")."""
        __tracebackhide__ = True
        return self._expect({"kind": "bot", "timeout": timeout}, timeout)["bot"]

    def expect_message(self, text: str | re.Pattern | None = None, *,
                       to_user: int | None = None, to_group: int | None = None,
                       timeout: float = 5.0) -> dict:
        """The bot's next message since the last say() that meets all of: ``text`` (a str:
        equal to the message's plain text, whitespace around ignored; a re.Pattern: found in
        it; None: any), ``to_user`` (a private message to that user), ``to_group`` (in that
        group). Returns its /sim/messages entry; AssertionError after ``timeout`` seconds."""
        __tracebackhide__ = True
        body = {"kind": "message", **_text(text), **_targets(to_user, to_group),
                "timeout": timeout}
        return self._expect(body, timeout)

    def expect_no_message(self, within: float = 1.0, *, text: str | re.Pattern | None = None,
                          to_user: int | None = None, to_group: int | None = None) -> None:
        """No message (meeting the filters, as for expect_message) comes from the bot within
        ``within`` seconds, none not matched yet since the last say() included."""
        __tracebackhide__ = True
        body = {"kind": "no_message", **_text(text), **_targets(to_user, to_group),
                "within": within}
        self._expect(body, within)

    def expect_call(self, action: str, /, *, timeout: float = 5.0, **params: Any) -> dict:
        """The bot's next call of ``action`` since the last say() whose params contain
        ``params`` (equal after the server's coercion; a ``message`` equal whether sent as a
        CQ string, an array or one segment). Returns ``{"seq", "time", "action", "params",
        "response", "channel"}``; AssertionError after ``timeout`` seconds."""
        __tracebackhide__ = True
        body = {"kind": "call", "action": action, "params": params, "timeout": timeout}
        return self._expect(body, timeout)

    # --- the async twins ---------------------------------------------------------------------
    async def wait_for_bot_async(self, timeout: float = 10.0) -> str:
        __tracebackhide__ = True
        return await in_thread(self.wait_for_bot, timeout)

    async def expect_message_async(self, text: str | re.Pattern | None = None,
                                   **kwargs: Any) -> dict:
        __tracebackhide__ = True
        return await in_thread(self.expect_message, text, **kwargs)

    async def expect_no_message_async(self, within: float = 1.0, **kwargs: Any) -> None:
        __tracebackhide__ = True
        return await in_thread(self.expect_no_message, within, **kwargs)

    async def expect_call_async(self, action: str, /, **kwargs: Any) -> dict:
        __tracebackhide__ = True
        return await in_thread(self.expect_call, action, **kwargs)

    # --- the one way to the console ----------------------------------------------------------
    def _expect(self, body: dict, seconds: float) -> Any:
        __tracebackhide__ = True
        met, answer = self.console.expect(body, seconds)
        if not met:
            raise AssertionError(self._explain(answer))
        return answer

    def _explain(self, text: str) -> str:
        """The console's failure text, with this server's URLs when no bot came: what the bot
        should have been pointed at."""
        if "\nhint: no bot" not in text:
            return text
        urls = ", ".join(f"{name} {url}" for name, url in self.urls().items() if url)
        head, _, rest = text.partition("\n")
        return f"{head}\nthis server: {urls}\n{rest}"

    def urls(self) -> dict[str, str | None]:
        raise NotImplementedError


async def in_thread(fn, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` in a worker thread, the event loop free meanwhile; a failure is
    raised again from here, so the report shows the test's line and not asyncio's."""
    __tracebackhide__ = True
    try:
        return await asyncio.to_thread(fn, *args, **kwargs)
    except AssertionError as err:
        raise AssertionError(str(err)) from None


def _text(text: str | re.Pattern | None) -> dict:
    if text is None:
        return {}
    if isinstance(text, re.Pattern):
        flags = "".join(letter for flag, letter in _INLINE if text.flags & flag)
        return {"regex": (f"(?{flags})" if flags else "") + text.pattern}
    if not isinstance(text, str):
        raise TypeError(f"text: expected a str, a re.Pattern or None, got {type(text).__name__}")
    return {"text": text}


def _targets(to_user: int | None, to_group: int | None) -> dict:
    return {k: v for k, v in (("to_user", to_user), ("to_group", to_group)) if v is not None}
