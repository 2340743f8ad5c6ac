"""The ``quick-reply`` demo: HTTP POST, its signature and its quick operations
(communication/http-post.md, event/message.md, event/request.md). onebot_ref is the client
here: it POSTs every event to the demo bot's receiver (:mod:`.listener`), which checks the
``X-Signature`` and answers with a quick operation."""

from __future__ import annotations

from .player import Demo, Expect, Step

SECRET = "demo-secret"


def _answer(body: dict | None, status: int = 200):
    """The receiver's next answers (to every event until the next step sets another)."""
    def act(ctx) -> None:
        ctx.listener.answer = lambda event: (status, body)
    return act


def _posted(what: str, **data) -> Expect:
    return Expect(f"http_post out: {what}", "http_post", "out", data,
                  test=lambda f: (f.get("headers") or {}).get("X-Signature", "").startswith("sha1="))


def _say(body: dict, path: str = "/sim/private_message", answer: dict | None = None):
    def act(ctx) -> None:
        ctx.listener.answer = lambda event: (200, answer) if answer and event.get(
            "post_type") in ("message", "request") else (204, None)
        ctx.console(path, body)
    return act


def _started(ctx) -> None:
    ctx.start()
    post = ctx.listener.next_post(lambda e: e.get("sub_type") == "enable")
    ctx.out(f"      the demo bot checked X-Signature: {'ok' if post.signed else 'WRONG'}")


QUICK_REPLY = Demo(
    "quick-reply", "HTTP POST: signed events, quick operations in the answer",
    "HTTP POST：带签名的事件上报，以及响应中的快速操作",
    lambda listener: {"use_http": False, "post_url": listener.url("/post"), "secret": SECRET},
    (
        Step("onebot_ref starts and POSTs lifecycle enable, signed with the secret",
             "onebot_ref 启动后上报生命周期 enable 事件，并用 secret 签名",
             "communication/http-post.md", ("META-3", "POST-2", "POST-5"), _started,
             (_posted("lifecycle enable, X-Signature: sha1=…", post_type="meta_event",
                      sub_type="enable"),
              Expect("http_post in: 204, no quick operation", "http_post", "in",
                     {"status": 204})),
             "如果配置中给出了 `secret`，即签名密钥，则会在每次上报的请求头中加入 HMAC 签名，"
             "即 `X-Signature` 头"),
        Step("Alice writes; the bot answers the POST with {\"reply\": ...}: a quick reply",
             "Alice 发来私聊；机器人在 POST 的响应里返回 {\"reply\": ...}：快速回复",
             "communication/http-post.md", ("POST-8", "QOP-1", "QOP-7"),
             _say({"user_id": 10001, "message": "hi bot, 你好"},
                  answer={"reply": "hello Alice! 你好 (a quick reply)"}),
             (Expect("console in: Alice's message", "console", "in",
                     {"message": "hi bot, 你好"}),
              _posted("message.private.friend", post_type="message", message_type="private"),
              Expect("http_post in: quick operation applied: reply", "http_post", "in",
                     verdict="quick operation applied: reply")),
             "以私聊消息为例，事件上报后端若返回如下 JSON 作为响应正文：{\"reply\": \"嗨～\"} "
             "则会回复 `嗨～`。"),
        Step("In a group, at_sender (true by default) mentions the sender",
             "在群里，at_sender（默认为 true）会在回复开头 at 发送者",
             "event/message.md", ("QOP-2", "QOP-8"),
             _say({"group_id": 20001, "user_id": 10002, "message": "bot, 在吗?"},
                  "/sim/group_message", {"reply": "here 在"}),
             (_posted("message.group.normal", post_type="message", message_type="group"),
              Expect("http_post in: quick operation applied: reply", "http_post", "in",
                     verdict="quick operation applied: reply")),
             "是否要在回复开头 at 发送者（自动添加），发送者是匿名用户时无效"),
        Step("An answer 204: no quick operation", "响应 204：没有快速操作",
             "communication/http-post.md", ("POST-8", "POST-10"),
             _say({"user_id": 10001, "message": "just saying 只是说说"}),
             (_posted("message.private.friend", post_type="message"),
              Expect("http_post in: 204", "http_post", "in", {"status": 204},
                     test=lambda f: "applied" not in (f.get("verdict") or ""))),
             "如果不需要使用这个特性，返回 HTTP 响应状态码 204，或保持响应正文内容为空"),
        Step("A friend request approved in the answer: {\"approve\": true}",
             "在响应中同意加好友请求：{\"approve\": true}", "event/request.md",
             ("QOP-3", "QOP-15"),
             _say({"post_type": "request", "request_type": "friend", "user_id": 10009,
                   "comment": "add me 加我"}, "/sim/event", {"approve": True, "remark": "Mallory"}),
             (_posted("request.friend", post_type="request", request_type="friend"),
              Expect("http_post in: quick operation applied: approve", "http_post", "in",
                     verdict="quick operation applied"),
              _posted("notice.friend_add (Mallory is a friend now)", post_type="notice",
                      notice_type="friend_add"),
              Expect("http_post in: 204 to the notice", "http_post", "in", {"status": 204})),
             "是否同意请求"),
        Step("The bot answers 500: logged and ignored, not retried",
             "机器人响应 500：记录下来并忽略，不重试", "communication/http-post.md",
             ("POST-9", "POST-12"),
             lambda ctx: (_answer(None, 500)(ctx), ctx.console(
                 "/sim/private_message", {"user_id": 10001, "message": "are you ok? 你还好吗"})),
             (_posted("message.private.friend", post_type="message"),
              Expect("http_post in: 500, logged and ignored", "http_post", "in",
                     verdict="receiver answered 500"))),
    ), starts_in_step=True, secret=SECRET)
