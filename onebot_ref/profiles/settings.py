"""The settings a profile's rows set: one field per decision point, at the spec's behaviour.

Each place where onebot_ref decides a spec behaviour reads one field of the active
:class:`Settings` (``settings.auth_missing_status``, ``settings.token_header``...) instead of
asking which profile runs, so a profile is data: its rows set fields, and the decision points do
not know the profiles exist. With the ``spec`` profile every field keeps the default below,
which is what onebot_ref did before profiles existed.

Where a field decides (the one module that reads it) is named in its comment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

#: The values of :attr:`Settings.token_header`: how a token is read from ``Authorization``.
TOKEN_HEADER_FORMS = ("scheme", "after_space", "after_bearer", "bearer_exact")
#: The values of :attr:`Settings.root_path`: what ``/`` on the HTTP API is.
ROOT_PATHS = ("404", "action", "unknown_action", "text", "json")
#: The values of the two suffix fields: what ``<action>_async`` / ``_rate_limited`` do.
SUFFIX_HANDLING = ("async", "queued", "sync", "unknown")
#: The values of the two Content-Type fields of the HTTP API.
CONTENT_TYPE_HANDLING = ("406", "query", "json")
#: The values of :attr:`Settings.echo`: when an answer carries ``echo``.
ECHO_HANDLING = ("request", "always", "not_null")


@dataclass(frozen=True)
class Settings:
    """What a profile changes. Every default is the spec's behaviour (``spec`` sets none)."""

    # --- protocol/auth.authorize ------------------------------------------------------------
    #: "scheme": ``Bearer|Token <t>`` (AUTH-6, scheme case-insensitive), another scheme counting
    #: as no token; "after_space": whatever follows the first space, the whole value without
    #: one; "after_bearer": whatever follows the last ``Bearer ``, the whole value without one;
    #: "bearer_exact": the header must be ``Bearer <t>`` exactly, anything else a wrong token.
    token_header: str = "scheme"
    #: True: a non-empty ``?access_token=`` is read before the header (AUTH-5: the header wins).
    token_query_first: bool = False
    #: The HTTP status for a missing token on the HTTP API (AUTH-4: 401).
    auth_missing_status: int = 401
    #: The same on the forward WebSocket handshake (AUTH-9: 401).
    ws_auth_missing_status: int = 401
    # --- modes/ws_forward -------------------------------------------------------------------
    #: "handshake": refused before the upgrade with 401/403 (A-8); "frame": upgraded, then one
    #: failed envelope with retcode 1403, then a close.
    ws_auth_refusal: str = "handshake"
    # --- modes/http_api ---------------------------------------------------------------------
    #: True: the body is read (and a bad one refused, 400) before the token is checked
    #: (HTTP-13 / AUTH-8: the token first).
    token_after_body: bool = False
    #: None: an unknown action is HTTP 404 (communication/http.md); a number: HTTP 200 with a
    #: failed envelope of that retcode.
    unknown_action_http: int | None = None
    #: "404": ``/`` is no action path (HTTP-3); "action": ``/`` takes the action from its
    #: ``action`` parameter and the action's parameters from ``params``; "unknown_action": ``/``
    #: is the action named "" (so: unknown); "text" / "json": ``/`` answers :attr:`root_body`.
    root_path: str = "404"
    #: The answer of ``/`` for root_path "text" (a string) or "json" (a JSON object).
    root_body: Any = None
    # --- modes/http_params ------------------------------------------------------------------
    #: A POST of another Content-Type: "406" (communication/http.md), "query": the body is
    #: ignored, "json": the body is read as JSON.
    unsupported_content_type: str = "406"
    #: A POST without Content-Type: "query" (HTTP-8), "406", or "json" (the body read as JSON).
    missing_content_type: str = "query"
    # --- modes/ws_frames --------------------------------------------------------------------
    #: The retcode of an unknown action on a WebSocket (communication/ws.md: 1404).
    unknown_action_ws: int = 1404
    # --- protocol/response.shape ------------------------------------------------------------
    #: Extra keys of every ok answer: key -> value ("$message" is the answer's message, "").
    envelope_ok: Mapping[str, Any] = field(default_factory=dict)
    #: Extra keys of every failed answer: key -> value ("$message": the failure's message).
    envelope_failed: Mapping[str, Any] = field(default_factory=dict)
    #: False: a failed answer has no ``message`` (onebot_ref's own extra, RESP-10).
    failed_message: bool = True
    #: "request": echo iff the request had one (A-12); "always": every answer carries ``echo``
    #: (null when none was sent), HTTP included; "not_null": as "request", a null not echoed.
    echo: str = "request"
    # --- actions/__init__.Actions.resolve ---------------------------------------------------
    #: ``<action>_async``: "async" (api/README.md#异步调用), "sync": the action itself, answered
    #: when done, "unknown": no such action.
    async_suffix: str = "async"
    #: ``<action>_rate_limited``: "queued" (api/README.md#限速调用), "sync" or "unknown".
    rate_limited_suffix: str = "queued"
    #: False: ``.handle_quick_operation`` is an unknown action (api/hidden.md).
    hidden_actions: bool = True
    # --- actions/message.get_msg ------------------------------------------------------------
    #: Keys get_msg adds to the spec's (see actions/message.GET_MSG_EXTRAS) and leaves out.
    get_msg_add: tuple[str, ...] = ()
    get_msg_drop: tuple[str, ...] = ()
    # --- modes/http_post --------------------------------------------------------------------
    #: False: the reply to an HTTP POST is ignored (communication/http-post.md#快速操作).
    quick_operations: bool = True
    #: False: heartbeats are not POSTed (event/meta.md#心跳 reaches every channel, META-7).
    post_heartbeat: bool = True
    #: The lifecycle sub_types HTTP POST sends at start and stop (META-2/3: enable, disable).
    post_lifecycle: tuple[str, ...] = ("enable", "disable")
    #: The config key whose value signs the POSTs (POST-5: ``secret``; a profile's:
    #: ``access_token``).
    post_signature_key: str = "secret"
    # --- modes/ws_reverse -------------------------------------------------------------------
    #: The ``Authorization`` scheme of the reverse clients (None: ``ws_reverse_auth_scheme``).
    reverse_auth_scheme: str | None = None
    #: True: ``Authorization: Bearer `` is sent even when access_token is empty.
    reverse_auth_when_empty: bool = False
    #: True: one Universal client whatever ``ws_reverse_use_universal_client`` says.
    reverse_universal_only: bool = False
    # --- world (BotSide.send_private / send_group) ------------------------------------------
    #: The post_type of the event for a message the bot sends, when ``report_self_message``
    #: is on; None: the spec has no such event (event/README.md).
    self_message_post_type: str | None = None

    # --- what the journal says ------------------------------------------------------------
    #: The profile's name ("spec": nothing is changed).
    profile: str = "spec"
    #: Field -> what the spec says instead, with its page: the journal's "where the spec says".
    spec_says: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_spec(self) -> bool:
        """True when no field differs from the spec: the decision points take their old path."""
        return not self.spec_says

    def changes(self, name: str) -> bool:
        """True when the profile set the field ``name``."""
        return name in self.spec_says

    def mark(self, name: str, did: str) -> str:
        """The journal verdict of a frame where the field ``name`` changed the spec's answer:
        ``profile napcat: 403 where the spec says 401 (communication/http.md)``."""
        return f"profile {self.profile}: {did} where the spec says {self.spec_says[name]}"

    def note(self, did: str, spec: str, page: str) -> str:
        """The same mark for an answer computed both ways: ``profile napcat: 403 where the
        spec says 401 (communication/http.md)``."""
        return f"profile {self.profile}: {did} where the spec says {spec} ({page})"


#: The spec's settings: every field at its default.
SPEC = Settings()

#: The choices of the fields that take one of a few words, checked when a profile is built.
CHOICES = {"token_header": TOKEN_HEADER_FORMS, "root_path": ROOT_PATHS,
           "async_suffix": SUFFIX_HANDLING, "rate_limited_suffix": SUFFIX_HANDLING,
           "unsupported_content_type": CONTENT_TYPE_HANDLING,
           "missing_content_type": CONTENT_TYPE_HANDLING, "echo": ECHO_HANDLING,
           "ws_auth_refusal": ("handshake", "frame"),
           "post_signature_key": ("secret", "access_token")}
