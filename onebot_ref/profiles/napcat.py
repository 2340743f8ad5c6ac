"""NapCatQQ (NapNeko/NapCatQQ), the OneBot 11 face of the QQNT client, package napcat-onebot.

Read at af07479351c5b974e72ae1c7183f2272e79ffc1c (2026-08-14, HEAD of main). Its HTTP server
(``network/http-server.ts``) and forward WebSocket (``network/websocket-server.ts``) are the
two servers these rows describe; each row names the file and lines at that commit.

Not a row: urlencoded forms. NapCat's HTTP server parses them with ``express.urlencoded``
before anything else (``http-server.ts#L79``) since 2024-08-11 (commit 0e889b21), and the PHP
form regression of NapCatQQ#761 was fixed on 2025-02-09 (5c9c03ce); at this snapshot a form
POST works as the spec says. What NapCat does differ in is the Content-Type itself
(``napcat/content-type``).
"""

from __future__ import annotations

from . import Profile, Row

_AT = "https://github.com/NapNeko/NapCatQQ/blob/af07479351c5b974e72ae1c7183f2272e79ffc1c/" \
      "packages/napcat-onebot/"
_ENVELOPE = "normal-action"  # OB11Response's "stream" of every non-streaming answer

ROWS: tuple[Row, ...] = (
    Row("napcat/token-forms", ("communication/authorization/4",),
        "a non-empty `?access_token=` is read first; the header's token is what follows the "
        "last `Bearer ` (case-sensitive), the whole value without one",
        _AT + "network/http-server.ts#L117-L127",
        {"token_header": "after_bearer", "token_query_first": True},
        "the Authorization header first, `Bearer <token>` (communication/authorization.md)",
        "authorize: HeaderClientToken = authorization?.split('Bearer ').pop() || ''; "
        "ClientToken = a non-empty query access_token, else the header's; the same in "
        "websocket-server.ts#L151-L156"),
    Row("napcat/auth-status", ("communication/http/27",),
        "a missing token is HTTP 403, as a wrong one",
        _AT + "network/http-server.ts#L117-L127",
        {"auth_missing_status": 403},
        "401 (communication/http.md)",
        "one comparison ClientToken === token; anything else res.status(403) with "
        "{\"message\": \"token verify failed!\"}; 401 never appears"),
    Row("napcat/ws-auth", ("communication/ws/12", "communication/ws/13"),
        "a forward WebSocket with a missing or wrong token is upgraded, sent one failed "
        "answer with retcode 1403, and closed",
        _AT + "network/websocket-server.ts#L151-L163",
        {"ws_auth_refusal": "frame"},
        "the handshake refused: 1401/1403 \"并不会真的返回\" (communication/ws.md)",
        "the check runs in the 'connection' handler, after the upgrade: send(OB11Response.res("
        "null, 'failed', 1403, 'token验证失败')), then wsClient.close() (no close code)"),
    Row("napcat/unknown-action", ("communication/http/21",),
        "an unknown action is HTTP 200 with retcode 200 (a WebSocket gets 1404)",
        _AT + "network/http-server.ts#L292-L295",
        {"unknown_action_http": 200},
        "HTTP 404 (communication/http.md)",
        "res.json(OB11Response.error('不支持的Api ' + actionName, 200, real_echo)); the "
        "WebSocket handler answers 1404 (websocket-server.ts#L189-L193)"),
    Row("napcat/envelope", ("communication/http/42",),
        "every answer has `message`, `wording`, `echo` (null when none was sent, HTTP too) "
        "and `stream: \"normal-action\"`",
        _AT + "action/OneBotAction.ts#L20-L30",
        {"envelope_ok": {"message": "", "wording": "", "stream": _ENVELOPE},
         "envelope_failed": {"wording": "$message", "stream": _ENVELOPE}, "echo": "always"},
        "status, retcode, data, and echo only when the request had one (api/README.md#响应, "
        "communication/ws.md)",
        "createResponse returns {status, retcode, data, message, wording: message, echo "
        "(default null), stream}; HTTP passes the echo parameter, or a random string onebot_ref "
        "does not imitate (http-server.ts#L264-L265: it sends null)"),
    Row("napcat/suffixes", ("communication/http/45", "api/README/[1245]", "api/README/10"),
        "`_async` and `_rate_limited` are the action itself, answered when it is done",
        _AT + "action/index.ts#L366-L378",
        {"async_suffix": "sync", "rate_limited_suffix": "sync"},
        "status async, retcode 1 at once, and a queue for _rate_limited (api/README.md)",
        "createActionMap: _map.set(name), _map.set(name + '_async'), _map.set(name + "
        "'_rate_limited'), all to the same handler"),
    Row("napcat/root", (),
        "`/` answers ok with `message: \"NapCat4 Is Running\"`",
        _AT + "network/http-server.ts#L258-L262",
        {"root_path": "json",
         "root_body": {"status": "ok", "retcode": 0, "data": {}, "message": "NapCat4 Is Running",
                       "wording": "", "echo": None, "stream": _ENVELOPE}},
        "404: the API is /:action (communication/http.md)",
        "httpApiRequest: req.path '' or '/' -> hello = OB11Response.ok({}); hello.message = "
        "'NapCat4 Is Running' (wording stays ''), after the token check"),
    Row("napcat/order", ("communication/http/36",),
        "the body is parsed, and a bad one refused with 400, before the token is checked",
        _AT + "network/http-server.ts#L79-L108",
        {"token_after_body": True},
        "the token first (HTTP-13, communication/http.md)",
        "the middlewares run in order: express.urlencoded, the json5 body parser (400 'Invalid "
        "JSON', #L101), then authorize (#L108)"),
    Row("napcat/content-type",
        ("communication/http/16", "communication/http/37", "communication/http/38"),
        "a POST body is read as JSON whatever its Content-Type says (none included); no 406",
        _AT + "network/http-server.ts#L79-L104",
        {"unsupported_content_type": "json", "missing_content_type": "json"},
        "406 for another type, the query alone without one (communication/http.md)",
        "after express.urlencoded, a body not yet read gets content-type forced to "
        "application/json and json5.parse (JSON5: more lenient than onebot_ref's JSON); "
        "failure -> 400 'Invalid JSON'"),
    Row("napcat/post-heartbeat", ("event/meta/12",),
        "heartbeats are not POSTed: only WebSocket connections get them (NapCatQQ#374)",
        _AT + "network/http-client.ts#L9-L32",
        {"post_heartbeat": False},
        "a heartbeat on every channel, HTTP POST included (event/meta.md#心跳)",
        "the heartbeat timers live in the WebSocket adapters (websocket-server.ts#L133-L142, "
        "websocket-client.ts#L30-L36); the HTTP client only forwards onEvent events"),
    Row("napcat/post-lifecycle", (),
        "HTTP POST sends no lifecycle enable or disable",
        _AT + "network/http-client.ts#L9-L32",
        {"post_lifecycle": ()},
        "lifecycle enable at start and disable at stop on HTTP POST (event/meta.md)",
        "OB11LifeCycleEvent is built only by the WebSocket adapters (connectEvent); "
        "http-client.ts has no open-time post"),
    Row("napcat/post-signature", ("communication/http-post/4",),
        "HTTP POST is signed with the access token (there is no secret) and carries no "
        "Authorization (NapCatQQ#716)",
        _AT + "network/http-client.ts#L14-L28",
        {"post_signature_key": "access_token"},
        "X-Signature keyed with secret (communication/http-post.md#签名)",
        "emitEventAsync: if (this.config.token) createHmac('sha1', this.config.token) -> "
        "x-signature; the HTTP client config has token and no secret"),
    Row("napcat/reverse-ws", (),
        "the reverse WebSocket is one Universal client, and sends `Authorization: Bearer` "
        "even without a token",
        _AT + "network/websocket-client.ts#L76-L85",
        {"reverse_universal_only": True, "reverse_auth_when_empty": True},
        "API and Event clients when configured so, the header only with a token "
        "(communication/ws-reverse.md)",
        "headers: Authorization: `Bearer ${token}`, 'x-client-role': 'Universal' (\"为koishi "
        "adpter适配\"); the config has one url per client; without a token onebot_ref sends "
        "'Bearer' (a header value does not end in a space, RFC 9110 5.5)"),
    Row("napcat/self-message", (),
        "with reportSelfMessage, the bot's own messages are events of post_type "
        "`message_sent`",
        _AT + "api/msg.ts#L1105-L1126",
        {"self_message_post_type": "message_sent"},
        "no event for the bot's own messages (event/README.md)",
        "initializeMessage: post_type MESSAGE_SENT when senderUin is the bot; index.ts#L586-"
        "L589 drops them for adapters without reportSelfMessage (default false, "
        "config/config.ts#L34)"),
    Row("napcat/get-msg", (),
        "get_msg answers the message as an event: also self_id, user_id, message_seq, "
        "real_seq, raw_message, font, sub_type, message_format, post_type, emoji_likes_list",
        _AT + "action/msg/GetMsg.ts#L63-L80",
        {"get_msg_add": ("self_id", "user_id", "message_seq", "real_seq", "raw_message",
                         "font", "sub_type", "message_format", "post_type",
                         "emoji_likes_list")},
        "time, message_type, message_id, real_id, sender, message (api/public.md#get_msg)",
        "GetMsg returns parseMessage's OB11Message (api/msg.ts#L1105-L1126) plus "
        "emoji_likes_list, message_seq = real_id = message_id"),
)

PROFILE = Profile("napcat", ROWS, implementation="NapCatQQ (NapNeko/NapCatQQ)",
                  snapshot="af07479351c5b974e72ae1c7183f2272e79ffc1c")
