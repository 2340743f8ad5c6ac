"""The HTTP API: ``GET|POST /:action`` (communication/http.md, HTTP-*, AUTH-*, DATA-*).

:class:`HttpApi` is a plain WSGI application (``app(environ, start_response)``) with one method
per step of the spec's order of checks, as the legacy server makes them (HTTP-13):

    path (404) → method (405) → access token (401/403) → Content-Type (406) → body size (413)
    → body (400) → action (404) → 200 with the envelope of ``actions.call``

(the Content-Type, size and body checks, and the merging of the parameters, are
:func:`.http_params.request_params`). A step that refuses raises :class:`.http_params.Reject`;
:meth:`HttpApi.__call__` turns it into the answer, in one place.

onebot_ref choices where the spec is silent (for the README):

- 4xx responses carry a one-line ``text/plain`` reason (the spec and legacy send an empty body,
  HTTP-14; SDKs look only at the status), e.g. which Content-Types are accepted.
- Bodies over ``max_body_bytes`` get 413; a path, query or body (JSON or form) that is not
  strict UTF-8, and a JSON body that is not strict JSON (RFC 8259: no NaN or Infinity, no lone
  surrogate, at most 64 levels deep) get 400 naming the problem (BAD-1/2).
- An action name is the path segment verbatim (HTTP-2): ``/send%5Fmsg`` is not ``send_msg``.
"""

from __future__ import annotations

import functools
import os
import re
from http import HTTPStatus

from ..faults.answers import http_answer
from ..protocol import wire
from ..protocol.auth import authorize
from ..protocol.coerce import Params
from ..protocol.http1 import environ_key
from ..protocol.response import Retcode
from ..traffic import mask_secret
from . import Parts, peer
from .http_params import Reject, query_params, request_params

# HTTP-2: "^/([^/\s]+)/?$", the action being the path segment.
_ACTION_PATH = re.compile(r"/([^/\s]+)/?")
# DATA-1: "^/(data/(?:bface|image|record|show)/.+)$"
_DATA_PATH = re.compile(r"/data/(bface|image|record|show)/(.+)", re.DOTALL)


@functools.cache
def _data_route():
    """werkzeug's routing decides what is a data-file path at all (merge_slashes off, so that
    /data/image//etc/passwd reaches the DATA-3 check rather than being read as /etc/passwd).
    Built on the first data-file request: the API itself does not import werkzeug."""
    from werkzeug.routing import Map, Rule

    return Map([Rule("/data/<path:rest>", endpoint="data_file")], merge_slashes=False)


def _auth_headers(environ: dict) -> dict[str, str]:
    """The one header :func:`authorize` reads (AUTH-2), as the environ has it."""
    value = environ.get("HTTP_AUTHORIZATION")
    return {} if value is None else {"Authorization": value}


_JSON_TYPE = "application/json; charset=UTF-8"  # HTTP-15
_CORS = (("Access-Control-Allow-Methods", "*"), ("Access-Control-Allow-Headers", "*"))
_BODY_HEADERS = {"CONTENT_TYPE": "Content-Type", "CONTENT_LENGTH": "Content-Length"}
_STATUS_LINES = {code: f"{code} {code.phrase}" for code in HTTPStatus if code >= 200}


@functools.lru_cache(maxsize=512)  # bounded: clients choose header names
def _header_name(key: str) -> str:
    """``HTTP_X_SELF_ID`` → ``X-Self-Id``, the spelling werkzeug's EnvironHeaders gives."""
    return key[5:].replace("_", "-").title()


def _journal_headers(environ: dict) -> dict[str, str]:
    """The request headers as the traffic journal shows them, empty values left out: what
    ``dict(EnvironHeaders(environ))`` gives, at half its cost."""
    headers = {}
    for key, value in environ.items():
        if value:
            if key.startswith("HTTP_"):
                headers[_header_name(key)] = value
            elif key in _BODY_HEADERS:
                headers[_BODY_HEADERS[key]] = value
    return headers


def _journal_headers_of(fields: list[tuple[str, str]]) -> dict[str, str]:
    """The same view made from the header fields as received (our server hands them over as
    ``environ["onebot_ref.headers"]``), so that it can wait until someone reads the journal:
    joined and spelled as the environ has them, empty values left out."""
    view: dict[str, str] = {}
    for name, value in fields:
        key = environ_key(name)
        if key is not None:
            shown = _BODY_HEADERS.get(key) or _header_name(key)
            view[shown] = f"{view[shown]},{value}" if shown in view else value
    return {name: value for name, value in view.items() if value}


class HttpApi:
    """The HTTP API of one runner: a mode (:class:`~.Mode`) whose ``app`` is itself, a WSGI app
    (any WSGI server can serve it).

    ``/:action`` is answered here without Flask: it is the hot path, and Flask's per-request
    context, routing and signals would cost more than the whole OneBot layer
    (``bench/bench_http.py`` shows the numbers).
    """

    def __init__(self, parts: Parts):
        config = parts.config
        self.actions, self.traffic, self.faults = parts.actions, parts.traffic, parts.faults
        self.token, self.limit, self.cors = (config.access_token, config.max_body_bytes,
                                             config.enable_cors)
        self.cors_headers = [("Access-Control-Allow-Origin", "*")] if self.cors else []
        #: None: data files are not served (DATA-2), and /data/... is just another path.
        self.data_dir = os.path.realpath(config.data_dir) if config.serve_data_files else None

    @property
    def app(self) -> HttpApi:
        return self

    def start(self) -> None:
        """Nothing to start: every request runs in a thread of the server."""

    def stop(self) -> None:
        """Nothing to stop: the server's threads end with the server."""

    def __call__(self, environ: dict, start_response) -> list[bytes]:
        if self.data_dir is not None and environ["PATH_INFO"].startswith("/data/"):
            return self._data_file(environ, start_response)  # DATA-1
        frame: dict = {"method": environ["REQUEST_METHOD"], "action": None}
        try:
            action = frame["action"] = self._route(environ)
            self._check_method(environ)
            query, bad_query = query_params(environ)
            self._authorize(environ, query)
            if bad_query is not None:  # BAD-1: after the token (AUTH-8), before the body
                raise Reject(400, bad_query)
            params = request_params(environ, query, self.limit)
        except Reject as rejection:
            return self._refuse(environ, start_response, frame, rejection)
        return self._answer(environ, start_response, frame, action, params)

    # --- the steps, in the spec's order (HTTP-13) -------------------------------------------
    @staticmethod
    def _route(environ: dict) -> str:
        """The action named by the path (HTTP-2: the raw path segment, not percent-decoded)."""
        raw_path = environ.get("RAW_URI", "")
        raw_path = raw_path.partition("?")[0] if raw_path.startswith("/") else environ["PATH_INFO"]
        if not raw_path.isascii():
            # BAD-1: the path is strict UTF-8 too (PEP 3333: its bytes arrive as latin-1).
            try:
                raw_path = wire.text(raw_path.encode("latin-1"), "path")
            except wire.WireError as err:
                raise Reject(400, str(err)) from None
        match = _ACTION_PATH.fullmatch(raw_path)
        if match is None:
            # HTTP-3: any other path is 404.
            raise Reject(404, f"no such path {raw_path}: the API is /:action")
        return match.group(1)

    def _check_method(self, environ: dict) -> None:
        method = environ["REQUEST_METHOD"]
        if method == "OPTIONS" and self.cors:
            # DATA-6: the CORS pre-flight, answered at once.
            raise Reject(200, "ok", _CORS)
        if method not in ("GET", "POST"):
            # HTTP-20 / A-41: other methods get 405.
            raise Reject(405, f"method {method} not allowed: use GET or POST",
                         (("Allow", "GET, POST, OPTIONS" if self.cors else "GET, POST"),))

    def _authorize(self, environ: dict, query: dict[str, str]) -> None:
        # AUTH-8: the token is checked before anything else about the request.
        # communication/http.md: "如果 access token 未提供，状态码为 401" /
        # "如果 access token 不符合，状态码为 403"
        if not self.token:  # AUTH-1: nothing to check
            return
        refusal = authorize(self.token, _auth_headers(environ), query)
        if refusal is not None:
            raise Reject(*refusal)

    def _answer(self, environ: dict, start_response, frame: dict, action: str,
                params: Params) -> list[bytes]:
        if self.traffic is not None:
            values = params.values
            frame["params"] = (values if "access_token" not in values else
                               {**values, "access_token": mask_secret(values["access_token"])})
            self._record_in(environ, frame)
        if self.faults.active:  # one read while no fault is on (FAULT-4): faults/answers.py
            return http_answer(self, environ, start_response, action, params)
        return self._reply(environ, start_response, params, self.actions.call(action, params, "http"))

    def _reply(self, environ: dict, start_response, params: Params, envelope: dict,
               body: bytes | None = None) -> list[bytes]:
        """The answer carrying ``envelope`` (``body``: other bytes, from a bad_answer fault)."""
        # communication/http.md: "如果 API 不存在，状态码为 404"
        if envelope.get("retcode") == Retcode.NOT_FOUND:
            return self._refuse(environ, start_response, None, Reject(
                404, envelope.get("message") or "no such action"))
        # communication/http.md: "剩下的所有情况，无论操作实际成功与否，状态码都是 200"
        if self.traffic is not None:
            self.traffic.record("http", "out", peer(environ), envelope,
                                verdict="; ".join(params.notes) if params.notes else None)
        body = wire.body(envelope) if body is None else body
        start_response("200 OK", [("Content-Type", _JSON_TYPE),
                                  ("Content-Length", str(len(body))), *self.cors_headers])
        return [body]

    # --- answering a refusal, and the journal -----------------------------------------------
    def _refuse(self, environ: dict, start_response, frame: dict | None,
                rejection: Reject) -> list[bytes]:
        """A one-line text answer (every non-200, and the pre-flight), journalled as the
        verdict. ``frame``: the request's journal entry, or None when it is already recorded."""
        self._journal_refusal(environ, frame, rejection)
        body = (rejection.reason + "\n").encode("utf-8")
        start_response(_STATUS_LINES[rejection.status], [
            ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
            *self.cors_headers, *rejection.headers])
        return [body]

    def _journal_refusal(self, environ: dict, frame: dict | None, rejection: Reject) -> None:
        if self.traffic is not None:
            if frame is not None:
                self._record_in(environ, frame)
            status, reason = rejection.status, rejection.reason
            self.traffic.record("http", "out", peer(environ),
                                {"status": status, "reason": reason},
                                verdict=f"{status}: {reason}")

    def _record_in(self, environ: dict, frame: dict) -> None:
        fields = environ.get("onebot_ref.headers")  # formatted when the journal is read
        self.traffic.record("http", "in", peer(environ), frame,
                            headers=_journal_headers(environ) if fields is None
                            else functools.partial(_journal_headers_of, fields),
                            path=environ.get("RAW_URI") or environ.get("PATH_INFO", ""))

    # --- the cold path: data files (DATA-1..5) -----------------------------------
    def _data_file(self, environ: dict, start_response):
        """``/data/<kind>/<path>``, answered with werkzeug's routing, ``Response`` and
        ``send_file`` (HEAD, status lines and file streaming as werkzeug does them)."""
        from werkzeug.exceptions import NotFound
        from werkzeug.utils import send_file

        method = environ["REQUEST_METHOD"]
        try:
            _, args = _data_route().bind_to_environ(environ).match()
        except NotFound:  # "/data/", "/data//x", a newline in the path: no data-file path
            return self._refuse_data(environ, start_response, {"method": method, "action": None},
                                     Reject(404, "no such path: the API is /:action"))
        frame = {"method": method, "data_file": args["rest"]}
        try:
            target, shown = self._data_target(environ, method)
        except Reject as rejection:
            return self._refuse_data(environ, start_response, frame, rejection)
        if self.traffic is not None:
            self._record_in(environ, frame)
            self.traffic.record("http", "out", peer(environ),
                                {"status": 200, "file": shown, "bytes": os.path.getsize(target)})
        # DATA-4: application/octet-stream, Content-Disposition: attachment, Content-Length.
        response = send_file(target, environ, mimetype="application/octet-stream",
                             as_attachment=True, download_name=os.path.basename(target),
                             conditional=False, etag=False, max_age=0)
        response.headers.extend(self.cors_headers)
        return response(environ, start_response)

    def _refuse_data(self, environ: dict, start_response, frame: dict, rejection: Reject):
        from werkzeug.wrappers import Response

        self._journal_refusal(environ, frame, rejection)
        return Response(rejection.reason + "\n", rejection.status, self.cors_headers,
                        mimetype="text/plain")(environ, start_response)

    def _data_target(self, environ: dict, method: str) -> tuple[str, str]:
        """The real path of the file a data-file request names, and ``kind/relative``."""
        match = _DATA_PATH.fullmatch(environ["PATH_INFO"])
        if match is None:  # DATA-1: only the four kinds
            raise Reject(404, "data files are /data/<bface|image|record|show>/<path>")
        if method != "GET":  # DATA-3: GET only
            raise Reject(404, "data files are served on GET only")
        kind, relative = match.groups()
        # AUTH-12: the query access_token is not consulted for data files.
        refusal = authorize(self.token, _auth_headers(environ), {}, header_only=True)
        if refusal is not None:
            raise Reject(*refusal)
        try:  # PATH_INFO is the WSGI latin-1 form of the UTF-8 bytes
            relative = relative.encode("latin-1").decode("utf-8")
        except UnicodeError:
            raise Reject(404, "file name is not valid UTF-8") from None
        # DATA-3: "..", an absolute path, or a symlink leading out of the kind's folder → 403.
        if ".." in relative.split("/") or relative.startswith("/") or "\0" in relative:
            raise Reject(403, "path leaves the data directory")
        base = os.path.join(self.data_dir, kind)
        target = os.path.realpath(os.path.join(base, relative))
        if os.path.commonpath([target, base]) != base:
            raise Reject(403, "path leaves the data directory")
        if not os.path.isfile(target):
            raise Reject(404, f"no file {kind}/{relative}")
        if not os.access(target, os.R_OK):
            raise Reject(403, f"file {kind}/{relative} is not readable")
        return target, f"{kind}/{relative}"
