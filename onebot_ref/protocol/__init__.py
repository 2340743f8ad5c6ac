"""OneBot 11 rules as pure functions.

Rule of this package: nothing here does I/O, starts threads, or imports Flask, requests or
simple_websocket. Every function is a pure function of its arguments, so each rule can be read
and tested on its own. Spec paths in comments are pages of the OneBot 11 spec pinned in
docs/rules.md.

- ``response``  — the response envelope and the retcode table (api/README.md, communication/http.md)
- ``coerce``    — typed parameters from strings (communication/http.md, PARAM-*)
- ``cqcode``    — CQ-code strings: escaping, parsing, rendering (message/string.md)
- ``segments``  — the segment types and their fields (message/segment.md)
- ``message``   — string / array / single segment normalisation (message/README.md, array.md)
- ``auth``      — access tokens and the HTTP POST signature (communication/authorization.md)
- ``wire``      — the one JSON form of everything onebot_ref writes (GEN-3), its User-Agent
- ``events``    — event builders (event/*.md)
- ``quick_ops`` — what a quick operation means for each event type (event/*.md#快速操作)
- ``http1``     — HTTP/1.1 message syntax under every port (RFC 9112), for ``modes/http_server``
"""
