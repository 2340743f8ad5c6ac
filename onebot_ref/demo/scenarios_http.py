"""The HTTP API demos: ``http`` (the three encodings and the status codes,
communication/http.md) and ``coercion`` (parameters from strings, the JSON-in-string rule)."""

from __future__ import annotations

from .player import Demo, Expect, Step

TOKEN = "demo-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HELLO = "hello 你好, from the demo bot"


def _in(action: str) -> Expect:
    return Expect(f"http in: {action}", "http", "in", {"action": action})


def _status(status, what: str, **checks) -> Expect:
    return Expect(f"http out: {what}", "http", "out", {"status": status}, **checks)


HTTP = Demo(
    "http", "the HTTP API: three encodings, the status codes",
    "HTTP API：三种传参方式与状态码",
    lambda listener: {"use_http": True, "access_token": TOKEN},
    (
        Step("GET with the parameters in the query string, the token as ?access_token=",
             "GET 请求，参数放在 query 里，access token 用 ?access_token= 传入",
             "communication/authorization.md", ("HTTP-4", "HTTP-5", "AUTH-3"),
             lambda ctx: ctx.http.request("GET", "/get_login_info",
                                          params={"access_token": TOKEN}),
             (_in("get_login_info"), _status("ok", "200 ok, retcode 0")),
             "在某些特殊情况下，可能无法修改请求头，则可以通过 query 参数传入 access token"),
        Step("POST an urlencoded form: every value is a string, onebot_ref parses the types",
             "POST urlencoded 表单：所有值都是字符串，由 onebot_ref 解析出类型",
             "communication/http.md", ("HTTP-5", "HTTP-7", "PARAM-1"),
             lambda ctx: ctx.http.request("POST", "/send_private_msg", headers=AUTH,
                                          data={"user_id": "10001", "message": HELLO}),
             (_in("send_private_msg"),
              _status("ok", 'ok, coerced user_id from "10001"', verdict="coerced user_id")),
             "当使用 urlencoded 表单或 JSON 传递参数时，请求头中的 `Content-Type` 必须对应的为 "
             "`application/x-www-form-urlencoded` 或 `application/json`。"),
        Step("POST a JSON body: numbers stay numbers",
             "POST JSON 正文：数字就是数字", "communication/http.md", ("HTTP-5", "HTTP-7"),
             lambda ctx: ctx.http.request("POST", "/send_private_msg", headers=AUTH,
                                          json={"user_id": 10001, "message": HELLO}),
             (_in("send_private_msg"), _status("ok", "ok, nothing coerced",
                                               test=lambda f: "verdict" not in f))),
        Step("No token: 401", "没有 access token：401", "communication/http.md", ("AUTH-4",),
             lambda ctx: ctx.http.request("GET", "/get_login_info"),
             (_in("get_login_info"), _status(401, "401: no token", verdict="401: no token")),
             "如果 access token 未提供，状态码为 401"),
        Step("A wrong token: 403", "access token 不符合：403", "communication/http.md",
             ("AUTH-4",),
             lambda ctx: ctx.http.request("GET", "/get_login_info",
                                          headers={"Authorization": "Bearer not-the-token"}),
             (_in("get_login_info"), _status(403, "403: wrong token", verdict="403")),
             "如果 access token 不符合，状态码为 403"),
        Step("A body of another Content-Type: 406", "不支持的 Content-Type：406",
             "communication/http.md", ("HTTP-8",),
             lambda ctx: ctx.http.request("POST", "/send_private_msg", data="user_id=10001",
                                          headers={**AUTH, "Content-Type": "text/plain"}),
             (_in("send_private_msg"),
              _status(406, "406: unsupported Content-Type", verdict="406")),
             "如果 POST 请求的 Content-Type 不支持，状态码为 406"),
        Step("A JSON body that does not parse: 400", "正文格式不正确：400",
             "communication/http.md", ("HTTP-10",),
             lambda ctx: ctx.http.request("POST", "/send_private_msg", data='{"user_id": 10001,',
                                          headers={**AUTH, "Content-Type": "application/json"}),
             (_in("send_private_msg"),
              _status(400, "400: JSON body does not parse", verdict="400")),
             "如果 POST 请求的正文格式不正确，状态码为 400"),
        Step("An action that does not exist: 404", "API 不存在：404", "communication/http.md",
             ("HTTP-11",),
             lambda ctx: ctx.http.request("GET", "/send_privat_msg", headers=AUTH),
             (_in("send_privat_msg"), _status(404, "404: unknown action", verdict="404")),
             "如果 API 不存在，状态码为 404"),
        Step("A failed action is still HTTP 200: status failed, retcode 100",
             "操作失败也是 HTTP 200：status 为 failed，retcode 100",
             "communication/http.md", ("HTTP-12", "PARAM-14"),
             lambda ctx: ctx.http.request("POST", "/send_private_msg", headers=AUTH,
                                          json={"user_id": 10001}),
             (_status("failed", "failed, retcode 100 (message missing)",
                      test=lambda f: f["data"].get("retcode") == 100),),
             "剩下的所有情况，无论操作实际成功与否，状态码都是 200"),
    ))

SEGMENTS = '[{"type": "text", "data": {"text": "你好, as an array"}}]'

COERCION = Demo(
    "coercion", "typed parameters from strings, and the JSON-in-string rule",
    "从字符串解析参数类型，以及字符串中的 JSON",
    lambda listener: {"use_http": True, "use_ws": True},
    (
        Step('A number given as a string: user_id "10001" is read as 10001',
             '字符串形式的数字："10001" 被解析为 10001', "communication/http.md",
             ("PARAM-1", "PARAM-3"),
             lambda ctx: ctx.http.request("POST", "/send_private_msg",
                                          json={"user_id": "10001", "message": HELLO}),
             (_in("send_private_msg"),
              _status("ok", 'ok, coerced user_id from "10001"',
                      verdict='coerced user_id from "10001"')),
             "当用户通过 query 参数或 urlencoded 表单传参，或在 JSON 中使用字符串作为参数值时，"
             "OneBot 实现需要从字符串解析出对应类型的数据。"),
        Step('Not a whole number: "12abc" is refused, retcode 100',
             '不是整数："12abc" 被拒绝，retcode 100', "communication/http.md",
             ("PARAM-3", "A-4"),
             lambda ctx: ctx.http.request("GET", "/send_private_msg",
                                          params={"user_id": "12abc", "message": HELLO}),
             (_in("send_private_msg"), _status("failed", "failed 100: user_id expected an integer",
                      test=lambda f: "user_id" in f["data"].get("message", "")),)),
        Step("A boolean from the query: auto_escape=yes is true",
             "query 中的布尔值：auto_escape=yes 即 true", "communication/http.md", ("PARAM-5",),
             lambda ctx: ctx.http.request("GET", "/send_private_msg",
                                          params={"user_id": 10001, "auto_escape": "yes",
                                                  "message": "[CQ:face,id=14] stays text"}),
             (_in("send_private_msg"), _status("ok", 'ok, coerced auto_escape from "yes"',
                      verdict='coerced auto_escape from "yes"'),)),
        Step("JSON inside a query string: a message that is a JSON array is used as segments",
             "query 中的 JSON：是 JSON 数组的 message 当作消息段数组",
             "communication/http.md", ("PARAM-9",),
             lambda ctx: ctx.http.request("GET", "/send_private_msg",
                                          params={"user_id": 10001, "message": SEGMENTS}),
             (_in("send_private_msg"), _status("ok", "ok, coerced message from the JSON text",
                      verdict="coerced message from"),)),
        Step("The same text as a string in a JSON body stays text (a CQ string, sent literally)",
             "同样的文字作为 JSON 正文里的字符串：仍是文字（CQ 字符串，原样发送）",
             "communication/http.md", ("PARAM-9",),
             lambda ctx: ctx.http.request("POST", "/send_private_msg",
                                          json={"user_id": 10001, "message": SEGMENTS}),
             (_in("send_private_msg"), _status("ok", "ok, message not parsed as JSON",
                      test=lambda f: "coerced message" not in f.get("verdict", "")),)),
        Step("The WebSocket reads parameters by the same rules",
             "WebSocket 按相同的规则解析参数", "communication/ws.md", ("WSF-12", "PARAM-3"),
             lambda ctx: ctx.dial("/api").call("send_private_msg",
                                               {"user_id": " 10001 ", "message": HELLO}),
             (Expect("ws in: send_private_msg", "ws", "in", {"action": "send_private_msg"}),
              Expect('ws out: ok, coerced user_id from " 10001 "', "ws", "out", {"retcode": 0},
                     verdict="coerced user_id"))),
    ))
