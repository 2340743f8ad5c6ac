"""Lagrange.OneBot (LagrangeDev/Lagrange.Core, branch ``v1``), the C# implementation.

Read at e17fe35641d3a1dc9955566fa875232551224441 (2025-10-10, head of ``v1``; master dropped
OneBot for Lagrange.Milky). Each row names the file and lines at that commit.

Not a row: a WebSocket frame that is not JSON gets no answer at all there
(``Core/Operation/OperationService.cs#L71-L78`` returns null); the conformance runner counts
silence as TIMEOUT, apart from the deviations a profile documents, so onebot_ref keeps 1400.
"""

from __future__ import annotations

from . import Profile, Row

_AT = "https://github.com/LagrangeDev/Lagrange.Core/blob/e17fe35641d3a1dc9955566fa875232551224441/" \
      "Lagrange.OneBot/"

ROWS: tuple[Row, ...] = (
    Row("lagrange/token-forms", ("communication/authorization/4",),
        "the header must be exactly `Bearer <token>` (case-sensitive, one space); any other "
        "header is a wrong token; the query only without a header",
        _AT + "Core/Network/Service/HttpService.cs#L90-L110",
        {"token_header": "bearer_exact"},
        "`Bearer <token>`; `Token <token>` and any case of the scheme read alike (AUTH-6, "
        "communication/authorization.md)",
        "authorization = the header ?? \"Bearer \" + query access_token; null -> 401 with "
        "WWW-Authenticate: Bearer; != $\"Bearer {AccessToken}\" -> 403; the forward "
        "WebSocket reads authorization[\"Bearer \".Length..] only after StartsWith(\"Bearer \") "
        "(ForwardWSService.cs#L156-L175)"),
    Row("lagrange/ws-auth-status", ("communication/ws/12",),
        "a forward WebSocket without a token is refused with 403, as with a wrong one",
        _AT + "Core/Network/Service/ForwardWSService.cs#L88-L96",
        {"ws_auth_missing_status": 403},
        "401 (communication/http.md, as for the HTTP API)",
        "ValidatingAccessToken is one bool; false -> StatusCode Forbidden before "
        "AcceptWebSocketAsync"),
    Row("lagrange/unknown-action",
        ("communication/http/21", "communication/ws/6", "communication/ws-reverse/6"),
        "an unknown action is HTTP 200 with retcode 404, and retcode 404 on a WebSocket too",
        _AT + "Core/Operation/OperationService.cs#L54-L64",
        {"unknown_action_http": 404, "unknown_action_ws": 404},
        "HTTP 404 / retcode 1404 (communication/http.md, communication/ws.md)",
        "no Operation attribute for the name -> new OneBotResult(null, 404, \"failed\"), sent "
        "as JSON by every service (HttpService.SendJsonAsync writes no status: 200)"),
    Row("lagrange/envelope", ("communication/http/42",),
        "answers are status, retcode, data and `echo` (null when none was sent, HTTP too): no "
        "`message`",
        _AT + "Core/Entity/Action/OneBotResult.cs#L6-L17",
        {"failed_message": False, "echo": "always"},
        "status, retcode, data, echo only when the request had one; onebot_ref adds message "
        "to failures (api/README.md#响应, RESP-10)",
        "OneBotResult has exactly status, retcode, data, echo; System.Text.Json's defaults "
        "write the null echo"),
    Row("lagrange/suffixes", ("communication/http/45", "api/README/[1245]", "api/README/10"),
        "there are no `_async` or `_rate_limited` actions: both are unknown (yobot_remix#122)",
        _AT + "Core/Operation/OperationService.cs#L26-L31",
        {"async_suffix": "unknown", "rate_limited_suffix": "unknown"},
        "status async, retcode 1 at once, and a queue for _rate_limited (api/README.md)",
        "the operation table holds the [Operation(\"...\")] names only; no suffix is "
        "stripped anywhere in Lagrange.OneBot"),
    Row("lagrange/quick-operations", ("api/hidden/[123]",),
        "no quick operations: the HTTP POST reply is ignored and `.handle_quick_operation` "
        "does not exist (Lagrange.Core#510)",
        _AT + "Core/Network/Service/HttpPostService.cs#L38-L65",
        {"quick_operations": False, "hidden_actions": False},
        "the reply's quick operation applied (communication/http-post.md#快速操作, "
        "api/hidden.md)",
        "SendJsonAsync awaits _client.SendAsync and never reads the response; no "
        "handle_quick_operation operation exists"),
    Row("lagrange/root", (),
        "`/` is the action named \"\": an unknown action (HTTP 200, retcode 404)",
        _AT + "Core/Network/Service/HttpService.cs#L112",
        {"root_path": "unknown_action"},
        "404: the API is /:action (communication/http.md)",
        "var action = request.Url!.AbsolutePath[1..], \"\" for /, dispatched like any name"),
    Row("lagrange/content-type", (),
        "a POST without Content-Type is 406",
        _AT + "Core/Network/Service/HttpService.cs#L126-L134",
        {"missing_content_type": "406"},
        "the query alone for a POST without Content-Type (HTTP-8, communication/http.md)",
        "MediaTypeHeaderValue.TryParse(null) fails -> NotAcceptable"),
    Row("lagrange/post-lifecycle", ("event/meta/6",),
        "HTTP POST sends lifecycle `connect` once at start, no enable or disable",
        _AT + "Core/Network/Service/HttpPostService.cs#L84-L91",
        {"post_lifecycle": ("connect",)},
        "lifecycle enable at start and disable at stop on HTTP POST (event/meta.md)",
        "ExecuteAsync: new OneBotLifecycle(BotUin, \"connect\") sent once, then the "
        "heartbeat loop"),
    Row("lagrange/self-message", (),
        "with IgnoreSelf false, the bot's own messages are ordinary `message` events",
        _AT + "Message/MessageService.cs#L66-L76",
        {"self_message_post_type": "message"},
        "no event for the bot's own messages (event/README.md)",
        "OnFriendMessageReceived / OnGroupMessageReceived return early only when "
        "Message:IgnoreSelf (true in Resources/appsettings.json#L20); the event is the same "
        "OneBotPrivateMsg / OneBotGroupMsg as for others"),
    Row("lagrange/get-msg", (),
        "get_msg answers no `group_id` for a group message",
        _AT + "Core/Entity/Action/Response/OneBotGetMessageResponse.cs#L7-L20",
        {"get_msg_drop": ("group_id",)},
        "time, message_type, message_id, real_id, sender, message, and group_id for a group "
        "message (api/public.md#get_msg, API-5)",
        "OneBotGetMessageResponse has time, message_type, message_id, real_id, sender, "
        "message only"),
)

PROFILE = Profile("lagrange", ROWS, implementation="Lagrange.OneBot (LagrangeDev/Lagrange.Core v1)",
                  snapshot="e17fe35641d3a1dc9955566fa875232551224441")
