"""go-cqhttp (Mrs4s/go-cqhttp), the last release line of the Go implementation (archived).

Read at a5923f179b360331786a6509eb33481e775a7bd1 (2024-05-09, HEAD of master). Each row names
the file and lines at that commit; ``verified`` says what the code there does.
"""

from __future__ import annotations

from . import Profile, Row

_AT = "https://github.com/Mrs4s/go-cqhttp/blob/a5923f179b360331786a6509eb33481e775a7bd1/"

ROWS: tuple[Row, ...] = (
    Row("go-cqhttp/token-forms", (),
        "Authorization: the token is whatever follows the first space, any scheme (`bearer`, "
        "`Basic`); without a space the whole value",
        _AT + "server/http.go#L221-L245",
        {"token_header": "after_space"},
        "`Bearer <token>` (communication/authorization.md)",
        "checkAuth: strings.Cut(auth, \" \") keeps what follows; ok=false keeps the whole "
        "header; the query only when the header is empty; \"\" -> 401, mismatch -> 403"),
    Row("go-cqhttp/unknown-action",
        ("communication/http/21", "communication/ws/6", "communication/ws-reverse/6"),
        "an unknown action is HTTP 200 with retcode 404, and retcode 404 on a WebSocket too",
        _AT + "modules/api/api.go#L379",
        {"unknown_action_http": 404, "unknown_action_ws": 404},
        "HTTP 404 / retcode 1404 (communication/http.md, communication/ws.md)",
        "Caller.call falls through to Failed(404, \"API_NOT_FOUND\", \"API不存在\"); "
        "ServeHTTP always writes 200 (server/http.go#L217), handleRequest sends it as is"),
    Row("go-cqhttp/envelope", ("communication/http/42",),
        "every answer has `message` (\"\" when ok); a failed one also `msg` and `wording`",
        _AT + "coolq/api.go#L2141-L2155",
        {"envelope_ok": {"message": ""}, "envelope_failed": {"msg": "$message",
                                                             "wording": "$message"}},
        "status, retcode, data (api/README.md#响应)",
        "OK() = {data, retcode 0, status ok, message \"\"}; Failed() = {data nil, retcode, "
        "msg, wording, message, status failed} (msg is a code such as API_NOT_FOUND there)"),
    Row("go-cqhttp/suffixes", ("communication/http/45", "api/README/[1245]", "api/README/10"),
        "`_async` is stripped and the action runs synchronously; there is no `_rate_limited`",
        _AT + "server/http.go#L205-L212",
        {"async_suffix": "sync", "rate_limited_suffix": "unknown"},
        "status async, retcode 1 at once, and a queue for _rate_limited (api/README.md)",
        "strings.TrimSuffix(action, \"_async\") on HTTP and WebSocket (server/websocket.go"
        "#L477), then the plain call; no handler is registered for _rate_limited names"),
    Row("go-cqhttp/root", (),
        "`/` runs the action named by its `action` parameter with `params` as its parameters "
        "(GET / is the unknown action \"\")",
        _AT + "server/http.go#L205-L208",
        {"root_path": "action"},
        "404: the API is /:action (communication/http.md)",
        "request.URL.Path == \"/\": action = ctx.Get(\"action\"), s.api.Call(action, ..., "
        "ctx.Get(\"params\")), after the same token check"),
    Row("go-cqhttp/order", ("communication/http/36",),
        "the body is read, and a bad JSON body refused with 400, before the token is checked",
        _AT + "server/http.go#L158-L202",
        {"token_after_body": True},
        "the token first (HTTP-13, communication/http.md)",
        "ServeHTTP: an application/json body that gjson.ValidBytes rejects -> 400 (#L175-L178), "
        "the form parsed, and only then checkAuth (#L199)"),
    Row("go-cqhttp/content-type",
        ("communication/http/16", "communication/http/37", "communication/http/38"),
        "a POST of another Content-Type is not refused: its body is ignored, the query used",
        _AT + "server/http.go#L158-L192",
        {"unsupported_content_type": "query"},
        "406 (communication/http.md)",
        "only strings.Contains(contentType, \"application/json\" | \"...urlencoded\") read the "
        "body; any other type falls through to the query; no 406 anywhere in server/"),
    Row("go-cqhttp/reverse-auth", ("communication/authorization/9",),
        "the reverse WebSocket sends `Authorization: Token <token>` (go-cqhttp#289)",
        _AT + "server/websocket.go#L238-L247",
        {"reverse_auth_scheme": "Token"},
        "`Authorization: Bearer <token>` (communication/authorization.md)",
        "websocketClient.connect: header[\"Authorization\"] = \"Token \" + c.token; kept for "
        "compatibility in Mrs4s/go-cqhttp#289"),
    Row("go-cqhttp/post-lifecycle", (),
        "HTTP POST sends no lifecycle enable or disable",
        _AT + "server/http.go#L320-L349",
        {"post_lifecycle": ()},
        "lifecycle enable at start and disable at stop on HTTP POST (event/meta.md)",
        "HTTPClient.Run only registers onBotPushEvent; lifecycle events exist only as the "
        "WebSocket connect frames (server/websocket.go#L163, #L278)"),
    Row("go-cqhttp/self-message", (),
        "with report_self_message, the bot's own messages are events of post_type "
        "`message_sent`",
        _AT + "coolq/bot.go#L80-L83",
        {"self_message_post_type": "message_sent"},
        "no event for the bot's own messages (event/README.md)",
        "base.ReportSelfMessage subscribes the Self*MessageEvent handlers; the event type "
        "becomes message_sent/private/friend (coolq/event.go#L85-L87) or message_sent/group/"
        "normal (coolq/converter.go#L70); report-self-message: false by default "
        "(modules/config/default_config.yml#L90)"),
    Row("go-cqhttp/get-msg", (),
        "get_msg also answers `message_id_v2`, `message_seq` and `group`",
        _AT + "coolq/api.go#L1679-L1706",
        {"get_msg_add": ("message_id_v2", "message_seq", "group")},
        "time, message_type, message_id, real_id, sender, message (api/public.md#get_msg)",
        "CQGetMessage builds message_id, message_id_v2, message_type, real_id, message_seq, "
        "group (bool), sender {user_id, nickname}, time, group_id for a group, message"),
)

PROFILE = Profile("go-cqhttp", ROWS, implementation="go-cqhttp (Mrs4s/go-cqhttp)",
                  snapshot="a5923f179b360331786a6509eb33481e775a7bd1")
