"""The console's Flask app and its mode: :class:`Console`, ``create_app(parts)`` (the package's
docstring says what it serves and who may see it)."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from flask import Flask, Response, jsonify, request, send_from_directory
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException

from ..calls import CallLog
from ..protocol import wire
from ..protocol.auth import authorize
from . import event_api, expect_api, faults_api, kinds  # noqa: F401 (their routes join the sim blueprint)
from .api import cite, sim
from .watch import Watch

if TYPE_CHECKING:
    from ..config import Config
    from ..modes import Parts

log = logging.getLogger(__name__)

STATIC_DIR = os.path.join(os.path.dirname(__file__), "static")
#: The hosts config.py accepts without an access_token.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
#: Public assets: no world data, and a browser cannot add a header to <script src>.
_OPEN_PATHS = ("/static/", "/kinds.json", "/favicon.ico")


class WireJSON(DefaultJSONProvider):
    """The console's JSON in the form of everything else onebot_ref writes and reads (GEN-3):
    compact, Chinese text readable rather than escaped, the fields in the order the world gives
    them (events keep the spec's field order), and strict both ways (BAD-2, BAD-5: no NaN, no
    lone surrogate)."""

    def dumps(self, obj, **kwargs) -> str:
        return wire.dumps(obj)

    def loads(self, s, **kwargs):
        return wire.loads(s)


def needs_token(config: Config) -> bool:
    return bool(config.access_token) and config.console_host not in LOOPBACK_HOSTS


class Console:
    """The console as the runner's mode: its ``app`` is served; nothing runs besides.

    It keeps the call log (calls.py), an observer of the actions from the moment it is built
    (before any mode starts, so a bot's first call is seen): the console is what reads it, and
    with the console off (the benchmarks) nothing observes the calls."""

    def __init__(self, parts: Parts):
        self.calls = CallLog(parts.actions.bound)
        self.app = create_app(parts, self.calls)
        #: the call log observes both faces' calls (a Milky call: channel "milky")
        self._observed = [parts.actions.observers] + (
            [parts.milky.observers] if parts.milky is not None else [])
        for observers in self._observed:
            observers.append(self.calls.record)

    def start(self) -> None:
        """Nothing to start: every request runs in a thread of the server."""

    def stop(self) -> None:
        """Nothing to stop: the long polls end with their timeout or the server."""
        for observers in self._observed:
            if self.calls.record in observers:
                observers.remove(self.calls.record)


def create_app(parts: Parts, calls: CallLog | None = None) -> Flask:
    """The console app of ``parts`` (it uses their config, world and traffic journal) and of
    ``calls``, the call log its test endpoints read (a new, unobserved one when None)."""
    app = Flask(__name__, static_folder=None)
    app.config["PARTS"] = parts
    calls = calls if calls is not None else CallLog(parts.actions.bound)
    app.config["CALLS"] = calls
    app.config["WATCH"] = Watch(parts, calls)
    app.json = WireJSON(app)
    app.register_blueprint(sim)

    @app.before_request
    def _check_access_token():
        if not needs_token(parts.config) or request.path.startswith(_OPEN_PATHS):
            return None
        refusal = authorize(parts.config.access_token, request.headers, request.args)
        if refusal is None:
            return None
        status, reason = refusal
        parts.traffic.record("console", "in", request.remote_addr or "",
                             {"method": request.method}, verdict=f"{status}: {reason}",
                             path=request.full_path.rstrip("?"),
                             headers=dict(request.headers))
        response = jsonify(error=reason)
        response.status_code = status
        return response

    @app.get("/")
    def index() -> Response:
        response = send_from_directory(STATIC_DIR, "index.html")
        response.headers["Cache-Control"] = "no-cache"
        return response

    @app.get("/static/<path:name>")
    def static_file(name: str) -> Response:
        response = send_from_directory(STATIC_DIR, name)
        response.headers["Cache-Control"] = "no-cache"
        return response

    @app.get("/kinds.json")
    def kinds_json() -> Response:
        return jsonify(kinds=kinds.describe(), self_id=parts.world.self_id)

    @app.errorhandler(404)
    def _not_found(err) -> Response:
        response = jsonify(error=cite(f"no such console endpoint: {request.method} "
                                      f"{request.path} (see GET /sim/world, POST "
                                      "/sim/private_message, ...)", "SIM-1"))
        response.status_code = 404
        return response

    @app.errorhandler(Exception)
    def _bug(err: Exception) -> Response:
        """A bug of onebot_ref (never bad input, which is a 400): logged with its traceback and
        answered as JSON like every other console answer, not Flask's HTML page."""
        if isinstance(err, HTTPException):  # werkzeug's own 4xx (a malformed request)
            response = jsonify(error=f"{err.code}: {err.description}")
            response.status_code = err.code or 400
            return response
        log.exception("console: %s %s failed unexpectedly", request.method, request.path)
        response = jsonify(error=f"internal error: {type(err).__name__}: {err} (a bug of "
                                 f"onebot_ref; see the server log)")
        response.status_code = 500
        return response

    @app.errorhandler(405)
    def _wrong_method(err) -> Response:
        allowed = ", ".join(sorted(set(err.valid_methods or ()) - {"HEAD", "OPTIONS"}))
        response = jsonify(error=cite(f"{request.method} is not allowed on {request.path} "
                                      f"(use {allowed})", "SIM-2"))
        response.status_code = 405
        response.headers["Allow"] = allowed
        return response

    return app
