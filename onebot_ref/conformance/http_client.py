"""The runner's HTTP client: exact requests to the target's HTTP API, every one logged.

Built on the standard library's ``http.client`` rather than requests, so that what goes out is
exactly what the case wrote: no header added but ``Host``, ``Accept-Encoding: identity`` and
``Content-Length``, the path sent as given, any method. One connection per request
(``Connection: close``): a case never depends on how the target handles keep-alive.

Whatever the target does, a request ends in an :class:`HttpAnswer` or a signal: a refused or
reset connection, or bytes that are not HTTP, is :class:`~.model.Fail` naming it; no answer
within the timeout is :class:`~.model.TimedOut`.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote, urlencode, urlsplit

from .model import TimedOut, Unreachable
from .wirelog import WireLog, as_text, clip, curl

HOWS = ("query", "form", "json")  # GET + query string, POST + urlencoded form, POST + JSON


def strict_json(data: bytes) -> Any:
    """Parse a body or frame as strict JSON (UTF-8, no NaN); ValueError says why not."""
    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(data.decode("utf-8") if isinstance(data, bytes) else data,
                      parse_constant=refuse)


def form_text(value: Any) -> str:
    """A value as a query string or a form carries it: JSON text for booleans, arrays and
    objects (``true``, ``[...]``), the decimal or the text itself otherwise."""
    if isinstance(value, (bool, list, dict)) or value is None:
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass(frozen=True)
class HttpAnswer:
    method: str
    path: str
    status: int
    reason: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    elapsed: float

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def json(self) -> Any:
        return strict_json(self.body)

    def summary(self) -> str:
        """One line for the report: status, type and the start of the body."""
        body = clip(as_text(self.body).strip(), 300)
        kind = f" ({self.content_type})" if self.content_type else ""
        return f"HTTP {self.status}{kind}" + (f": {body}" if body else ", empty body")


class HttpClient:
    """Requests to one target base URL (``http://host:5700``), logged into ``log``."""

    def __init__(self, base_url: str, token: str, timeout: float, log: WireLog,
                 seen: Callable[[HttpAnswer], None] = lambda answer: None):
        self.base = base_url.rstrip("/")
        parts = urlsplit(self.base)
        self.https = parts.scheme == "https"
        self.host, self.port = parts.hostname or "", parts.port
        self.prefix = parts.path
        self.token, self.timeout, self.log, self.seen = token, timeout, log, seen

    def auth_headers(self, auth: str) -> tuple[dict[str, str], str]:
        """("header": Authorization: Bearer; "query": ?access_token=; "none") → (headers,
        query string part); nothing at all when no token is known."""
        if not self.token or auth == "none":
            return {}, ""
        if auth == "query":
            return {}, "access_token=" + quote(self.token, safe="")
        return {"Authorization": f"Bearer {self.token}"}, ""

    def call(self, action: str, params: dict[str, Any] | None = None, how: str = "json", *,
             auth: str = "header", headers: dict[str, str] | None = None) -> HttpAnswer:
        """Call ``action`` with ``params`` sent ``how`` (one of :data:`HOWS`)."""
        params = params or {}
        extra, query = self.auth_headers(auth)
        extra.update(headers or {})
        if how == "query":
            pairs = urlencode({k: form_text(v) for k, v in params.items()})
            query = "&".join(p for p in (pairs, query) if p)
            return self.request("GET", f"/{action}", query=query, headers=extra)
        if how == "form":
            body = urlencode({k: form_text(v) for k, v in params.items()}).encode()
            kind = "application/x-www-form-urlencoded"
        elif how == "json":
            body, kind = json.dumps(params, ensure_ascii=False).encode(), "application/json"
        else:
            raise ValueError(f"how must be one of {HOWS}")
        return self.request("POST", f"/{action}", query=query, body=body,
                            headers={"Content-Type": kind, **extra})

    def request(self, method: str, path: str, *, query: str = "", body: bytes = b"",
                headers: dict[str, str] | None = None, auth: str | None = None) -> HttpAnswer:
        """One request, exactly as given (``auth``: add the token as :meth:`auth_headers`)."""
        headers = dict(headers or {})
        if auth is not None:
            extra, token_query = self.auth_headers(auth)
            headers.update(extra)
            query = "&".join(p for p in (query, token_query) if p)
        target = self.prefix + path + (f"?{query}" if query else "")
        url = self.base[: len(self.base) - len(self.prefix)] + target
        self.log.reproduce(curl(method, url, headers, body, self.log.mask))
        shown = "\n".join([f"{method} {target}"] + [f"{k}: {v}" for k, v in headers.items()])
        self.log.add("→", "http", shown + (f"\n\n{as_text(body)}" if body else ""))
        started = time.monotonic()
        try:
            answer = self._send(method, target, body, headers)
        except (socket.timeout, TimeoutError):
            elapsed = time.monotonic() - started
            self.log.add("·", "http", f"no answer after {elapsed:.2f} s")
            raise TimedOut(f"{method} {path}", elapsed) from None
        except (OSError, http.client.HTTPException, ssl.SSLError) as err:
            self.log.add("·", "http", f"failed: {_why(err)}")
            raise Unreachable(f"{method} {url}: {_why(err)}") from None
        answer = HttpAnswer(method, path, *answer, time.monotonic() - started)
        lines = [f"HTTP {answer.status} {answer.reason}"] + [
            f"{k}: {v}" for k, v in answer.headers.items()]
        self.log.add("←", "http", "\n".join(lines) + (
            f"\n\n{as_text(answer.body)}" if answer.body else ""))
        self.seen(answer)
        return answer

    def _send(self, method: str, target: str, body: bytes, headers: dict[str, str]):
        kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        conn = kind(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, target, body=body or None,
                         headers={"Connection": "close", **headers})
            response = conn.getresponse()
            data = response.read()
            return (response.status, response.reason,
                    {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            conn.close()


def _why(err: BaseException) -> str:
    if isinstance(err, ConnectionRefusedError):
        return "connection refused (is the target running, on this port?)"
    if isinstance(err, http.client.RemoteDisconnected):
        return "the target closed the connection without answering"
    if isinstance(err, http.client.BadStatusLine):
        return f"not an HTTP answer: {str(err)[:120]!r}"
    if isinstance(err, http.client.HTTPException):
        return f"not a valid HTTP answer ({type(err).__name__}: {str(err)[:120]})"
    return f"{type(err).__name__}: {err}"
