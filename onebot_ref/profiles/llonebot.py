"""LLOneBot / LuckyLilliaBot (LLOneBot/LLOneBot), the OneBot 11 face of the LLBot QQNT plugin.

Read at c9bd964df7b9c550b2b94031f65b3207b5c241dd (2025-12-13, HEAD of main): the HTTP server
and HTTP POST in ``src/onebot11/connect/http.ts``, both WebSockets in ``connect/ws.ts``. Each
row names the file and lines at that commit.

Not a row: an unknown action. LLOneBot answers it with HTTP 404 (a JSON body with retcode 404,
``http.ts#L219``) and 1404 on a WebSocket, the statuses the spec asks for.
"""

from __future__ import annotations

from . import Profile, Row

_AT = "https://github.com/LLOneBot/LLOneBot/blob/c9bd964df7b9c550b2b94031f65b3207b5c241dd/"

ROWS: tuple[Row, ...] = (
    Row("llonebot/token-forms", ("communication/authorization/4",),
        "the header's token is what follows the last `Bearer ` (case-sensitive), the whole "
        "value without one; the query only without a header",
        _AT + "src/onebot11/connect/http.ts#L172-L195",
        {"token_header": "after_bearer"},
        "`Bearer <token>` (communication/authorization.md)",
        "authorize: authHeader.split('Bearer ').pop(), else req.query.access_token; the same "
        "in connect/ws.ts#L120-L139"),
    Row("llonebot/auth-status", ("communication/http/27",),
        "a missing token is HTTP 403, as a wrong one",
        _AT + "src/onebot11/connect/http.ts#L172-L195",
        {"auth_missing_status": 403},
        "401 (communication/http.md)",
        "clientToken starts as ''; clientToken !== serverToken -> res.status(403).json("
        "{message: '403'}); 401 never appears"),
    Row("llonebot/ws-auth", ("communication/ws/12", "communication/ws/13"),
        "a forward WebSocket with a missing or wrong token is upgraded, sent one failed "
        "answer with retcode 1403, and closed (LuckyLilliaBot#827)",
        _AT + "src/onebot11/connect/ws.ts#L120-L143",
        {"ws_auth_refusal": "frame"},
        "the handshake refused: 1401/1403 \"并不会真的返回\" (communication/ws.md)",
        "authorize runs in the 'connection' handler: reply(OB11Response.res(null, 'failed', "
        "1403, 'token验证失败')), socket.close(); connect() is still called after it "
        "(#827: an action could run), which onebot_ref does not imitate"),
    Row("llonebot/envelope", ("communication/http/42", "communication/ws/31"),
        "every answer has `message` and `wording` (\"\" when ok); a null echo is not echoed",
        _AT + "src/onebot11/action/OB11Response.ts#L5-L31",
        {"envelope_ok": {"message": "", "wording": ""},
         "envelope_failed": {"wording": "$message"}, "echo": "not_null"},
        "status, retcode, data, and echo whenever the request had one (api/README.md#响应, "
        "communication/ws.md)",
        "res() = {status, retcode, data, message, wording: message, echo: undefined}; ok() and "
        "error() set echo only when !isNullable(echo)"),
    Row("llonebot/suffixes", ("communication/http/45", "api/README/[1245]", "api/README/10"),
        "`_async` and `_rate_limited` are the action itself, answered when it is done",
        _AT + "src/onebot11/action/index.ts#L235-L242",
        {"async_suffix": "sync", "rate_limited_suffix": "sync"},
        "status async, retcode 1 at once, and a queue for _rate_limited (api/README.md)",
        "initActionMap: actionMap.set(name), set(name + '_async'), set(name + "
        "'_rate_limited'), all to the same action"),
    Row("llonebot/root", (),
        "`/` answers the text `ok`",
        _AT + "src/onebot11/connect/http.ts#L52-L54",
        {"root_path": "text", "root_body": "ok"},
        "404: the API is /:action (communication/http.md)",
        "expressAPP.get('/', ... res.send(`ok`)), reached after authorize (handleRequest "
        "passes '/' on)"),
    Row("llonebot/order", ("communication/http/36",),
        "the body is parsed, and a bad one refused with 400, before the token is checked",
        _AT + "src/onebot11/connect/http.ts#L36-L50",
        {"token_after_body": True},
        "the token first (HTTP-13, communication/http.md)",
        "the middlewares run in order: express.urlencoded, express.json (400 'Invalid JSON', "
        "#L45), then authorize (#L50)"),
    Row("llonebot/content-type",
        ("communication/http/16", "communication/http/37", "communication/http/38"),
        "a POST body is read as JSON whatever its Content-Type says (none included); no 406",
        _AT + "src/onebot11/connect/http.ts#L36-L49",
        {"unsupported_content_type": "json", "missing_content_type": "json"},
        "406 for another type, the query alone without one (communication/http.md)",
        "after express.urlencoded, req.headers['content-type'] = 'application/json' and "
        "express.json(); a parse error -> 400 'Invalid JSON'"),
    Row("llonebot/post-heartbeat", ("event/meta/12",),
        "heartbeats are POSTed only with the http-post entry's enableHeart (off by default)",
        _AT + "src/onebot11/connect/http.ts#L238-L246",
        {"post_heartbeat": False},
        "a heartbeat on every channel, HTTP POST included (event/meta.md#心跳)",
        "OB11HttpPost.start: setInterval only when config.enableHeart; default_config.json#L62 "
        "has \"enableHeart\": false"),
    Row("llonebot/post-lifecycle", (),
        "HTTP POST sends no lifecycle enable or disable",
        _AT + "src/onebot11/connect/http.ts#L230-L247",
        {"post_lifecycle": ()},
        "lifecycle enable at start and disable at stop on HTTP POST (event/meta.md)",
        "OB11LifeCycleEvent is sent only in connect/ws.ts (#L174, #L316), as connect"),
    Row("llonebot/post-signature", ("communication/http-post/4",),
        "HTTP POST is signed with the access token (there is no secret)",
        _AT + "src/onebot11/connect/http.ts#L253-L268",
        {"post_signature_key": "access_token"},
        "X-Signature keyed with secret (communication/http-post.md#签名)",
        "OB11HttpPost.emitEvent: if (this.config.token) crypto.createHmac('sha1', "
        "this.config.token) -> x-signature; an http-post entry has token and no secret"),
    Row("llonebot/reverse-ws", (),
        "the reverse WebSocket is one Universal client, and sends `Authorization: Bearer` "
        "even without a token",
        _AT + "src/onebot11/connect/ws.ts#L300-L310",
        {"reverse_universal_only": True, "reverse_auth_when_empty": True},
        "API and Event clients when configured so, the header only with a token "
        "(communication/ws-reverse.md)",
        "tryConnect: headers Authorization: `Bearer ${token}`, 'x-client-role': 'Universal' "
        "(\"koishi-adapter-onebot 需要这个字段\"); a ws-reverse entry has one url"),
    Row("llonebot/self-message", (),
        "with reportSelfMessage, the bot's own messages are events of post_type "
        "`message_sent`",
        _AT + "src/onebot11/entities.ts#L59-L80",
        {"self_message_post_type": "message_sent"},
        "no event for the bot's own messages (event/README.md)",
        "OB11Entities.message: post_type MESSAGE_SENT when senderUin is the bot; every "
        "connection's emitMessageLikeEvent drops them without reportSelfMessage "
        "(connect/http.ts#L145-L148), false in default_config.json"),
    Row("llonebot/get-msg", (),
        "get_msg answers the message as an event: also self_id, user_id, message_seq, "
        "raw_message, font, sub_type, message_format, post_type",
        _AT + "src/onebot11/action/msg/GetMsg.ts#L19-L38",
        {"get_msg_add": ("self_id", "user_id", "message_seq", "raw_message", "font",
                         "sub_type", "message_format", "post_type")},
        "time, message_type, message_id, real_id, sender, message (api/public.md#get_msg)",
        "GetMsg returns OB11Entities.message (entities.ts#L59-L80) with real_id = "
        "message_seq"),
)

PROFILE = Profile("llonebot", ROWS, implementation="LLOneBot / LuckyLilliaBot (LLOneBot/LLOneBot)",
                  snapshot="c9bd964df7b9c550b2b94031f65b3207b5c241dd")
