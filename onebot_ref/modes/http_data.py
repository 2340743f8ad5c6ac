"""The HTTP API's cold path: data files, ``GET /data/<kind>/<path>`` (DATA-1..5, legacy CQHTTP
only), answered with werkzeug's routing, ``Response`` and ``send_file``.

:class:`DataFiles` is a part of :class:`~.http_api.HttpApi` (it inherits it, as the world's
sides inherit its core): it uses the API's ``token``, ``data_dir``, ``traffic``,
``cors_headers`` and its journal methods.
"""

from __future__ import annotations

import functools
import os
import re

from ..protocol.auth import authorize
from . import peer
from .http_params import Reject

# DATA-1: "^/(data/(?:bface|image|record|show)/.+)$"
_DATA_PATH = re.compile(r"/data/(bface|image|record|show)/(.+)", re.DOTALL)


@functools.cache
def _data_route():
    """werkzeug's routing decides what is a data-file path at all (merge_slashes off, so that
    /data/image//etc/passwd reaches the DATA-3 check rather than being read as /etc/passwd).
    Built on the first data-file request: the API itself does not import werkzeug."""
    from werkzeug.routing import Map, Rule

    return Map([Rule("/data/<path:rest>", endpoint="data_file")], merge_slashes=False)


def auth_headers(environ: dict) -> dict[str, str]:
    """The one header :func:`authorize` reads (AUTH-2), as the environ has it."""
    value = environ.get("HTTP_AUTHORIZATION")
    return {} if value is None else {"Authorization": value}


class DataFiles:
    """The data-file methods of the HTTP API."""

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
                                     Reject(404, "no such path: the API is /:action (HTTP-3)"))
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
            raise Reject(404, "data files are /data/<bface|image|record|show>/<path> (DATA-1)")
        if method != "GET":  # DATA-3: GET only
            raise Reject(404, "data files are served on GET only (DATA-3)")
        kind, relative = match.groups()
        # AUTH-12: the query access_token is not consulted for data files.
        refusal = authorize(self.token, auth_headers(environ), {}, header_only=True)
        if refusal is not None:
            raise Reject(*refusal)
        try:  # PATH_INFO is the WSGI latin-1 form of the UTF-8 bytes
            relative = relative.encode("latin-1").decode("utf-8")
        except UnicodeError:
            raise Reject(404, "file name is not valid UTF-8 (BAD-1)") from None
        # DATA-3: "..", an absolute path, or a symlink leading out of the kind's folder → 403.
        if ".." in relative.split("/") or relative.startswith("/") or "\0" in relative:
            raise Reject(403, "path leaves the data directory (DATA-3)")
        base = os.path.join(self.data_dir, kind)
        target = os.path.realpath(os.path.join(base, relative))
        if os.path.commonpath([target, base]) != base:
            raise Reject(403, "path leaves the data directory (DATA-3)")
        if not os.path.isfile(target):
            raise Reject(404, f"no file {kind}/{relative} (DATA-3)")
        if not os.access(target, os.R_OK):
            raise Reject(403, f"file {kind}/{relative} is not readable (DATA-3)")
        return target, f"{kind}/{relative}"
