"""The Milky face's API: ``POST /api/:api`` (guide/communication.md, API 调用; MLK-2..10,
MLK-39/40), and ``GET /res/<kind>/<name>``, the files its temp and download URLs name (MLK-50).

:class:`MilkyApi` answers one request, the checks in the order of MLK-39:

    path (404) → method (405) → token (401) → Content-Type (415) → body size (413)
    → API name (404) → strict JSON object (200, -400) → parameters (200, -400) → the call

A refusal before the call is a one-line ``text/plain`` reason with its status (the spec gives
the statuses only; our OneBot 11 HTTP API does the same, HTTP-14); everything after is HTTP 200
with the JSON envelope of ``MilkyActions.call`` (MLK-6). The body is read as strict JSON
(``wire.loads``: RFC 8259, no NaN, no lone surrogate) and never coerced (MLK-22). With
``milky_revision: seed`` the path is ``/:api`` and the statuses are the seed's
(protocol/milky/transport.REVISIONS: 401/403, 406, 400 for bad parameters).
"""

from __future__ import annotations

import mimetypes
import os
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ..protocol import wire
from ..protocol.milky import transport
from ..protocol.milky.envelope import BAD_REQUEST, failed
from ..traffic import safe
from . import peer
from .milky_events import headers_of

if TYPE_CHECKING:
    from ..actions.milky import MilkyActions
    from ..config import Config
    from ..traffic import Traffic

CHANNEL = "milky"
_JSON_TYPE = "application/json; charset=utf-8"
_TEXT_TYPE = "text/plain; charset=utf-8"
#: Bytes per read of a resource file being sent.
FILE_CHUNK = 65536


class Refusal(Exception):
    """An answer before the call: the status and a one-line reason."""

    def __init__(self, status: int, reason: str, headers: tuple = ()):
        super().__init__(reason)
        self.status, self.reason, self.headers = status, reason, headers


def status_line(status: int) -> str:
    return f"{status} {HTTPStatus(status).phrase}"


class MilkyApi:
    """The ``/api/:api`` (or the seed's ``/:api``) answers of one face."""

    def __init__(self, config: Config, milky: MilkyActions, traffic: Traffic | None,
                 token: str):
        self.milky, self.traffic, self.token = milky, traffic, token
        self.revision = transport.REVISIONS[config.milky_revision]
        self.limit = config.max_body_bytes

    def api_name(self, environ: dict) -> str | None:
        """The API a path names (MLK-2: the raw path segment), or None: not an API path."""
        raw = environ.get("RAW_URI") or environ["PATH_INFO"]
        match = self.revision.api_path.fullmatch(raw.partition("?")[0])
        return match.group(1) if match else None

    def __call__(self, environ: dict, start_response, name: str) -> list[bytes]:
        frame: dict[str, Any] = {"method": environ["REQUEST_METHOD"], "api": name}
        try:
            body = self._checked_body(environ, name)
        except Refusal as refusal:
            self._journal_in(environ, frame)
            return self.refuse(environ, start_response, refusal)
        try:
            # MLK-40: a body that is not strict JSON is a parameter failure (200, -400)
            params = wire.loads(body, "body")
            frame["params"] = params
            envelope = self.milky.call(name, params, channel=CHANNEL)
        except wire.WireError as err:
            frame["body"] = _as_read(body)
            envelope = failed(BAD_REQUEST, f"the body is not strict JSON: {err.problem} "
                                           "(MLK-40)")
        self._journal_in(environ, frame)
        status = 200
        if envelope["retcode"] == BAD_REQUEST and self.revision.bad_params is not None:
            status = self.revision.bad_params  # the seed: "`400`：参数格式不正确。"
        verdict = (f"failed {envelope['retcode']}: {envelope['message']}"
                   if envelope["status"] == "failed" else None)
        if self.traffic is not None:
            self.traffic.record(CHANNEL, "out", peer(environ), envelope, verdict=verdict)
        data = wire.body(envelope)
        start_response(status_line(status), [("Content-Type", _JSON_TYPE),
                                             ("Content-Length", str(len(data)))])
        return [data]

    def _checked_body(self, environ: dict, name: str) -> bytes:
        """The request body once every check before the call passed (MLK-39)."""
        method = environ["REQUEST_METHOD"]
        if method != "POST":  # "请求使用 POST 方法"
            raise Refusal(405, f"method {method} not allowed: an API is called with POST "
                               f"({self._rule('MLK-2')})",
                          (("Allow", "POST"),))
        # MLK-10: "协议端需要在请求头中检查 `Authorization` 字段，格式为 `Bearer {access_token}`"
        given = transport.bearer(environ.get("HTTP_AUTHORIZATION"))
        status = transport.token_status(self.revision, self.token, given)
        if status is not None:
            why = "no access token" if given is None else "wrong access token"
            raise Refusal(status, f"{why} (Authorization: Bearer <token>) "
                                  f"({self._rule('MLK-4, MLK-10')})")
        if not transport.is_json(environ.get("CONTENT_TYPE")):  # MLK-5
            raise Refusal(self.revision.bad_content_type,
                          f"Content-Type {environ.get('CONTENT_TYPE') or '(none)'} not "
                          f"supported: send application/json ({self._rule('MLK-5')})")
        length = environ.get("CONTENT_LENGTH")
        size = int(length) if length and length.isdigit() else None
        if size is not None and size > self.limit:
            raise Refusal(413, f"body of {size} bytes is over max_body_bytes ({self.limit}) "
                               "(MLK-39)")
        if not self.milky.exists(name):  # MLK-3: "请求的 API 不存在"
            raise Refusal(404, f"no API {name[:60]!r}: see the API list of Milky 1.2 "
                               f"({self._rule('MLK-3')})")
        stream = environ["wsgi.input"]
        body = stream.read(size) if size is not None else stream.read(self.limit + 1)
        if len(body) > self.limit:  # a chunked body: the server read it within its limit
            raise Refusal(413, f"body over max_body_bytes ({self.limit}) (MLK-39)")
        return body

    def _rule(self, rules: str) -> str:
        """The rules a refusal cites: 1.2's, or the seed revision's transport (MLK-54)."""
        return "MLK-54" if self.revision.name == "seed" else rules

    # --- answering ---------------------------------------------------------------------------
    def refuse(self, environ: dict, start_response, refusal: Refusal) -> list[bytes]:
        if self.traffic is not None:
            self.traffic.record(CHANNEL, "out", peer(environ),
                                {"status": refusal.status, "reason": refusal.reason},
                                verdict=f"{refusal.status}: {refusal.reason}")
        data = (refusal.reason + "\n").encode("utf-8")
        start_response(status_line(refusal.status), [
            ("Content-Type", _TEXT_TYPE), ("Content-Length", str(len(data))),
            *refusal.headers])
        return [data]

    def _journal_in(self, environ: dict, frame: dict) -> None:
        if self.traffic is not None:
            self.traffic.record(CHANNEL, "in", peer(environ), frame,
                                headers=headers_of(environ),
                                path=environ.get("RAW_URI") or environ.get("PATH_INFO", ""))

    # --- GET /res/<kind>/<name> --------------------------------------------------------------
    def resource(self, environ: dict, start_response):
        """MLK-50: the file a temp or download URL names, only from inside data_dir (the
        actions' ``resource_path``: world/media.find); no token, as a QQ temp URL needs none."""
        frame = {"method": environ["REQUEST_METHOD"], "resource": environ["PATH_INFO"]}
        self._journal_in(environ, frame)
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return self.refuse(environ, start_response, Refusal(
                405, "resources are read with GET (MLK-50)", (("Allow", "GET, HEAD"),)))
        raw = (environ.get("RAW_URI") or environ["PATH_INFO"]).partition("?")[0]
        kind, _, name = raw[len("/res/"):].partition("/")
        try:
            name = unquote(name, errors="strict")
        except UnicodeDecodeError:
            name = ""
        path = self.milky.resource_path(kind, name) if name else None
        if path is None:
            return self.refuse(environ, start_response, Refusal(
                404, f"no resource {kind}/{name[:80]} (MLK-50)"))
        size = os.path.getsize(path)
        if self.traffic is not None:
            self.traffic.record(CHANNEL, "out", peer(environ),
                                {"status": 200, "file": f"{kind}/{name}", "bytes": size})
        kind_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        start_response("200 OK", [("Content-Type", kind_type), ("Content-Length", str(size))])
        return _file_chunks(path)


def _as_read(body: bytes) -> str:
    """A body that did not decode, as the journal keeps it (BAD-5): its text when it is UTF-8,
    else the description of its bytes."""
    try:
        return wire.text(body, "body")
    except wire.WireError:
        return safe(body)


def _file_chunks(path: str):
    with open(path, "rb") as fh:
        while True:
            data = fh.read(FILE_CHUNK)
            if not data:
                return
            yield data

