"""The POST worker's ``requests.Session`` (post_worker.py: HTTP POST and the Milky WebHooks):
each event sent as ``Session.post`` sends it, with what ``requests`` works out from the session
and the environment done once per run.

``Session.post(url, data=..., headers=...)`` prepares a new request every time: it merges the
session's headers and cookies, looks for the URL's entry in ``~/.netrc``, reads the proxy and
CA-bundle variables of the environment, then sends. For one receiver URL and one set of header
names, all of that comes out the same for every event; it is half the worker's CPU per event
(bench_post). So :meth:`PostSession.post` prepares the request once (requests' "Prepared
Requests": ``prepare_request`` and ``merge_environment_settings``), and for each event sends a
copy with that event's body, ``Content-Length`` and header values: the same header fields in
the same order, the same proxies, TLS settings, redirects (POST-13) and errors. While the
session holds a cookie the receiver set, the cookie jar is merged per request again: every
event takes ``Session.post``'s own path. The environment is read when the first event is sent
(a variable changed later is not seen, as a process's proxies usually are not).
"""

from __future__ import annotations

import requests


class PostSession:
    """POSTs to one URL over one keep-alive ``requests.Session``."""

    def __init__(self, url: str):
        self.url = url
        self.session = requests.Session()
        self._template: requests.PreparedRequest | None = None
        self._names: tuple[str, ...] = ()  # the header names the template was prepared with
        self._settings: dict = {}  # proxies, stream, verify, cert, as requests reads them

    def post(self, body: bytes, headers: dict[str, str], timeout: float | None
             ) -> requests.Response:
        """``Session.post(url, data=body, headers=headers, timeout=timeout,
        allow_redirects=True)``, with the same request on the wire and the same exceptions."""
        session = self.session
        if session.cookies:  # requests merges the session's cookies into each request
            return session.post(self.url, data=body, headers=headers, timeout=timeout,
                                allow_redirects=True)
        names = tuple(headers)
        if self._template is None or names != self._names:
            self._template = session.prepare_request(
                requests.Request("POST", self.url, data=body, headers=headers))
            self._names = names
            self._settings = session.merge_environment_settings(
                self._template.url, {}, None, None, None)
        prepared = self._template.copy()
        prepared.headers.update(headers)  # the same names: each keeps its place
        prepared.headers["Content-Length"] = str(len(body))
        prepared.body = body
        return session.send(prepared, timeout=timeout, allow_redirects=True, **self._settings)

    def close(self) -> None:
        self.session.close()
