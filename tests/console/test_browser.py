"""The console page in a real headless Chromium: type a message as a user, see the bot's reply.

Driven over the Chrome DevTools Protocol with simple-websocket (already a dependency), so no
browser-automation package is needed. Chromium: Debian's ``chromium`` (``apt-get install -y
chromium``, or ``make browser``); without it the test skips and says so. Set
``ONEBOT_SCREENSHOT=/path.png`` to keep the screenshot the test takes.

The bot is a tiny echo bot on the forward WebSocket (communication/ws.md, /event + /api on /),
answering every private or group message with ``send_msg`` "echo: <raw_message>".
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import shutil
import subprocess
import threading

import pytest
from simple_websocket import Client, ConnectionClosed

import fakebot
from milky_client import SseReader, joined

CHROMIUM = next((p for p in (os.environ.get("CHROMIUM"), "/usr/bin/chromium",
                             shutil.which("chromium"), shutil.which("chromium-browser"))
                 if p and os.path.exists(p)), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--remote-debugging-port=0",
         "--window-size=1440,900"]
TIMEOUT = 15

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium not installed: `apt-get install -y chromium` (Debian) or "
                             "`make browser`; or set CHROMIUM=/path/to/chromium")


class Browser:
    """Headless Chromium with one page, spoken to over the DevTools protocol (CDP)."""

    def __init__(self, profile_dir: str):
        self.process = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile_dir}",
                                         "about:blank"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
        self._ids = itertools.count(1)
        url = self._devtools_url()
        self.ws = Client.connect(url)
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]
        self.send("Runtime.enable", session=True)

    def _devtools_url(self) -> str:
        found: list[str] = []
        done = threading.Event()

        def read() -> None:  # Chromium prints "DevTools listening on ws://..." on stderr
            for line in self.process.stderr:
                match = re.search(r"DevTools listening on (ws://\S+)", line)
                if match and not found:
                    found.append(match.group(1))
                    done.set()
            done.set()

        threading.Thread(target=read, name="chromium-stderr", daemon=True).start()
        if not done.wait(TIMEOUT) or not found:
            self.close()
            raise RuntimeError("Chromium started but printed no DevTools URL")
        return found[0]

    def send(self, method: str, session: bool = False, **params) -> dict:
        msg_id = next(self._ids)
        frame = {"id": msg_id, "method": method, "params": params}
        if session:
            frame["sessionId"] = self.session
        self.ws.send(json.dumps(frame))
        while True:  # events (no id) are skipped: the test waits on the page itself
            data = self.ws.receive(timeout=TIMEOUT)
            if data is None:
                raise TimeoutError(f"CDP {method}: no answer within {TIMEOUT} s")
            reply = json.loads(data)
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise RuntimeError(f"CDP {method}: {reply['error']}")
                return reply["result"]

    def evaluate(self, expression: str, timeout: float = TIMEOUT):
        result = self.send("Runtime.evaluate", session=True, expression=expression,
                           awaitPromise=True, returnByValue=True, timeout=int(timeout * 1000))
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, predicate_js: str, what: str, timeout: float = TIMEOUT):
        """Wait in the page until ``predicate_js`` (an expression) is truthy; return its value."""
        value = self.evaluate(f"""new Promise((resolve) => {{
            const deadline = Date.now() + {int(timeout * 1000)};
            const check = () => {{
                let v = null; try {{ v = ({predicate_js}); }} catch (e) {{}}
                if (v || Date.now() > deadline) resolve(v || null); else setTimeout(check, 30);
            }};
            check();
        }})""", timeout + 2)
        if not value:
            raise AssertionError(f"page: {what} did not happen within {timeout} s")
        return value

    def navigate(self, url: str) -> None:
        self.send("Page.navigate", session=True, url=url)

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element."""
        box = self.wait_for(f"""(() => {{ const r = document.querySelector({json.dumps(selector)})
            ?.getBoundingClientRect(); return r && r.width ? [r.x + r.width / 2,
            r.y + r.height / 2] : null; }})()""", f"{selector} visible")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", session=True, type=kind, x=box[0], y=box[1],
                      button="left", clickCount=1)

    def type(self, text: str) -> None:
        self.send("Input.insertText", session=True, text=text)

    def screenshot(self, path: str) -> None:
        data = self.send("Page.captureScreenshot", session=True, format="png")["data"]
        with open(path, "wb") as fh:
            fh.write(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.ws.close()
        except (ConnectionClosed, AttributeError, OSError):
            pass
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


class EchoBot:
    """A bot on the forward WebSocket that answers every message with "echo: <raw_message>"."""

    def __init__(self, url: str):
        self.socket = fakebot.connect(url)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="echo-bot", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                event = self.socket.next_event(lambda e: e["post_type"] == "message", 0.5)
            except TimeoutError:
                continue
            except ConnectionClosed:
                return
            target = ({"group_id": event["group_id"]} if event["message_type"] == "group"
                      else {"user_id": event["user_id"]})
            self.socket.call("send_msg", {"message_type": event["message_type"], **target,
                                          "message": "echo: " + event["raw_message"]})

    def close(self) -> None:
        self.stop.set()
        self.thread.join(TIMEOUT)
        self.socket.close()


@pytest.fixture
def browser(tmp_path):
    chromium = Browser(str(tmp_path / "profile"))
    try:
        yield chromium
    finally:
        chromium.close()


def test_type_as_a_user_and_see_the_bots_reply(make_runner, browser, tmp_path):
    """The page: pick Alice, type as her, the echo bot's reply appears live (no reload); the
    traffic pane shows the frames, each with its face (a Milky SSE client listens too); the
    event form sends a friend request."""
    with make_runner(use_console=True, use_ws=True, use_milky=True, milky_host="127.0.0.1",
                     milky_port=0) as runner, SseReader(runner) as milky:
        bot = EchoBot(runner.url("ws") + "/")
        assert joined(runner, milky)
        try:
            browser.navigate(runner.url("console") + "/")
            # the top bar names the compat profile the bots are answered with
            assert browser.wait_for("(document.getElementById('bot-info').textContent"
                                    ".match(/profile (\\S+)$/) || [])[1]", "profile") == "spec"
            browser.click('[data-conv="private:10001"]')
            browser.wait_for("!document.getElementById('text').disabled", "composer enabled")
            browser.click("#text")
            browser.type("hello from the browser")
            browser.click("#send")
            reply = browser.wait_for(
                "[...document.querySelectorAll('#messages .msg.self .bubble')]"
                ".map(b => b.textContent).find(t => t.includes('echo: hello from the browser'))",
                "the bot's reply")
            assert reply == "echo: hello from the browser"
            mine = browser.evaluate("[...document.querySelectorAll('#messages .msg:not(.self) "
                                    ".bubble')].map(b => b.textContent)")
            assert mine == ["hello from the browser"]
            # the traffic journal shows the WebSocket frames: the event out, send_msg in
            browser.wait_for("[...document.querySelectorAll('#frames .frame[data-channel=ws]')]"
                             ".some(f => f.textContent.includes('send_msg'))", "ws frames")
            browser.click('#frames .frame[data-channel="ws"] .frame-row')
            assert browser.wait_for("document.querySelector('#frames .frame.open pre')"
                                    "?.textContent", "frame detail").startswith("{")
            # the page names each frame's face: the same message went to the Milky client
            assert milky.next_event()["event_type"] == "message_receive"
            faces = browser.wait_for(
                "(() => { const f = c => document.querySelector(`#frames .frame[data-channel=${c}]`)"
                "?.dataset.face; return f('milky_event') && [f('ws'), f('milky_event')]; })()",
                "the frames' faces")
            assert faces == ["OneBot 11", "Milky"]
            # a group conversation, speaking as Bob
            browser.click('[data-conv="group:20001"]')
            browser.evaluate("document.getElementById('sender').value = '10002'")
            browser.click("#text")
            browser.type("hi group")
            browser.click("#send")
            browser.wait_for("[...document.querySelectorAll('#messages .msg.self .bubble')]"
                             ".some(b => b.textContent === 'echo: hi group')", "group reply")
            browser.screenshot(str(tmp_path / "console.png"))
            # the event form: a friend request from the stranger Mallory
            browser.click("#open-events")
            browser.evaluate("""(() => { const k = document.getElementById('event-kind');
                k.value = 'friend_request'; k.dispatchEvent(new Event('change')); })()""")
            browser.click('[data-field="user_id"]')
            browser.type("10009")
            browser.click("#event-send")
            flag = browser.wait_for("document.querySelector('#event-result.ok pre')"
                                    "?.textContent", "event sent")
            assert '"request_type": "friend"' in flag and '"flag"' in flag
        finally:
            bot.close()
    if os.environ.get("ONEBOT_SCREENSHOT"):
        shutil.copy(tmp_path / "console.png", os.environ["ONEBOT_SCREENSHOT"])
    assert (tmp_path / "console.png").stat().st_size > 10_000


def test_the_faults_panel_drops_a_connection_and_silences_the_api(make_runner, browser):
    """FAULT-6/11 from the page: the panel lists the bot's connection, its Drop button ends it
    without a close frame; "Silence the bot's API" adds a no_answer fault, listed until its
    remove button removes it."""
    with make_runner(use_console=True, use_ws=True) as runner:
        sock = fakebot.connect(runner.url("ws") + "/")
        browser.navigate(runner.url("console") + "/")
        browser.wait_for("document.getElementById('faults-label').textContent", "faults.js")
        browser.click("#faults-toggle")
        browser.wait_for("document.querySelector('#faults-conns tr[data-connection]')"
                         "?.textContent.includes('Universal')", "the connection listed")
        browser.click("#fault-drop")
        assert sock.wait_closed(TIMEOUT) == 1006
        assert browser.wait_for("document.getElementById('faults-result').textContent",
                                "the drop's result") == "drop: 1 connection(s) hit"
        browser.click("#fault-silence")
        browser.wait_for("!!document.querySelector('#faults-list tr[data-fault]')", "listed")
        assert [f["type"] for f in runner.faults.list()] == ["no_answer"]
        assert browser.evaluate("document.getElementById('faults-count').textContent") == "1"
        browser.click("#faults-list tr[data-fault] button")
        browser.wait_for("!document.querySelector('#faults-list tr[data-fault]')", "removed")
        assert runner.faults.list() == []
        assert browser.wait_for("document.querySelector('#faults-conns tr.closed')"
                                "?.textContent.includes('1006 by server, unclean')",
                                "the dropped connection's end")
