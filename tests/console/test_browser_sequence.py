"""The sequence view in a real headless Chromium (Debian's chromium, driven over the DevTools
protocol as in test_browser.py), drawing a guided demo: an arrow per journal frame in order,
on the lanes console/sequence.py computes for the same frames (the page's SVG and the one
``tail --svg`` writes have the same markup apart from the arrows' texts), live, a click showing
the frame, the connection and channel filters, the language switch (the default from the
browser's languages), and Export SVG saving a valid file with every frame's summary.

``ONEBOT_DOCS_SCREENSHOTS=docs`` also saves the README's screenshots of the sequence view
(docs/sequence-view.png in English, docs/sequence-view.zh-CN.png in Chinese).
"""

from __future__ import annotations

import json
import os
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests

from helpers import runner_config
from onebot_ref import demo as demos
from onebot_ref.console import diagram, sequence, svg
from onebot_ref.console.tail import summarize
from onebot_ref.demo.listener import Listener
from onebot_ref.demo.player import play
from onebot_ref.runner import Runner
from test_browser import CHROMIUM, TIMEOUT, Browser

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium not installed: `apt-get install -y chromium` (Debian) or "
                             "`make browser`; or set CHROMIUM=/path/to/chromium")
SVG = "{http://www.w3.org/2000/svg}"
ROWS = "[...document.querySelectorAll('#seq-box g.seq-row')]"


@pytest.fixture
def demo_server(tmp_path):
    """A server on which the forward-ws demo has been played (the journal then stays still)."""
    demo = demos.get("forward-ws")
    listener = Listener(demo.secret).start()
    runner = Runner(runner_config(tmp_path, use_console=True, **demo.config(listener)))
    try:
        assert play(demo, runner, listener, out=lambda line: None).ok
        yield runner
    finally:
        runner.stop()
        listener.stop()


@pytest.fixture
def chinese_browser(tmp_path):
    """Chromium whose languages are zh-CN, zh (what navigator.languages says)."""
    chromium = Browser(str(tmp_path / "profile"))
    try:
        agent = chromium.evaluate("navigator.userAgent")
        chromium.send("Emulation.setUserAgentOverride", session=True, userAgent=agent,
                      acceptLanguage="zh-CN,zh")
        yield chromium
    finally:
        chromium.close()


def shape(root: ET.Element, with_row_text: bool) -> list:
    """Every element of an SVG with its attributes, and its text where both sides write the
    same (not an arrow's summary, which each side's summarize words, nor a row's time)."""
    out = []
    for group in root:
        row = "seq-row" in group.get("class", "")
        for element in group.iter():
            text = element.text if (not row or with_row_text) and element.tag != f"{SVG}title" \
                else None
            out.append((element.tag, dict(element.attrib), text))
    return out


def test_the_sequence_view_of_a_demo(demo_server, chinese_browser, tmp_path):
    browser, runner = chinese_browser, demo_server
    frames = runner.traffic.since(0, 10**6)[0]
    browser.navigate(runner.url("console") + "/?view=sequence")
    # the page speaks the browser's language: Chinese
    assert browser.wait_for("document.getElementById('lang').options.length && "
                            "document.documentElement.lang", "the language") == "zh-CN"
    assert browser.evaluate("document.getElementById('view-sequence').textContent") == "时序图"
    count = browser.wait_for(f"{ROWS}.length === {len(frames)} && {len(frames)}",
                             "an arrow per frame")
    assert count == len(frames)
    # in the journal's order, between the lanes console/sequence.py computes
    placed, lanes = sequence.identify(frames)
    ours = diagram.layout(sequence.visible(placed), lanes, sequence.load_strings("zh-CN"),
                          summarize, "zh-CN")
    drawn = browser.evaluate(f"{ROWS}.map(g => [Number(g.dataset.seq), g.dataset.from, "
                             "g.dataset.to])")
    assert drawn == [[row["seq"], row["frm"], row["to"]] for row in ours["rows"]]
    assert [f["seq"] for f in frames] == [row[0] for row in drawn]
    kinds = {f["seq"]: f["channel"] for f in frames}
    assert all((frm == "" and kinds[seq] == "demo") or "server" in (frm, to)
               for seq, frm, to in drawn)
    # the same SVG as tail --svg writes, but for the words of each arrow
    page = ET.fromstring(browser.evaluate("SequenceView.exportSvg()"))
    mine = ET.fromstring(svg.render(ours, sequence.t(sequence.load_strings("zh-CN"),
                                                     "seq.title", first=ours["first"],
                                                     last=ours["last"])))
    assert shape(page, False) == shape(mine, False)
    lane_labels = browser.evaluate("[...document.querySelectorAll('#seq-box g.seq-lane')]"
                                   ".map(g => g.querySelectorAll('text')[1].textContent)")
    assert lane_labels[:3] == ["控制台用户", "onebot_ref", "正向 WS /event"]

    # live: a console user writes, the new frames are drawn without a reload
    requests.post(runner.url("console") + "/sim/private_message", timeout=TIMEOUT,
                  json={"user_id": 10002, "message": "又来了 live"})
    last = frames[-1]["seq"]
    browser.wait_for(f"{ROWS}.some(g => Number(g.dataset.seq) > {last} && "
                     "g.textContent.includes('又来了 live'))", "the new frame drawn")

    # a click on an arrow: that frame's JSON and headers
    target = next(f for f in frames if f["channel"] == "ws" and
                  isinstance(f["data"], dict) and f["data"].get("action") == "get_login_info")
    label = f'#seq-box g.seq-row[data-seq="{target["seq"]}"] text:nth-of-type(3)'
    browser.evaluate(f"document.querySelector({json.dumps(label)}).scrollIntoView("
                     "{block: 'center', inline: 'center'})")
    browser.click(label)
    detail = browser.wait_for("!document.getElementById('seq-detail').hidden && "
                              "document.querySelector('#seq-detail pre').textContent", "detail")
    assert json.loads(detail) == target["data"]

    # one connection: its frames only (and the demo's notes)
    api = next(lane["key"] for lane in ours["lanes"] if lane["key"].startswith("ws|/api|"))
    browser.evaluate(f"""(() => {{ const s = document.getElementById('seq-connection');
        s.value = {json.dumps(api)}; s.dispatchEvent(new Event('change')); }})()""")
    shown = browser.wait_for(f"(() => {{ const r = {ROWS}.filter(g => g.dataset.from); "
                             f"return r.length < {count} && r.map(g => [g.dataset.from, "
                             "g.dataset.to]); })()", "the connection filter")
    assert shown and all(api in pair for pair in shown)
    browser.evaluate("""(() => { const s = document.getElementById('seq-connection');
        s.value = ''; s.dispatchEvent(new Event('change')); })()""")
    # a channel chip: the demo's notes hidden, then shown again
    browser.click('#channel-filters [data-channel="demo"]')
    browser.wait_for("!document.querySelector('#seq-box g.seq-note')", "notes hidden")
    browser.click('#channel-filters [data-channel="demo"]')
    browser.wait_for("!!document.querySelector('#seq-box g.seq-note')", "notes shown")

    # the language switch changes the page's strings, the diagram's included
    strings = ("[document.getElementById('view-sequence').textContent, "
               "document.querySelector('.traffic .pane-title').textContent, "
               "document.getElementById('send').textContent, "
               "document.getElementById('seq-export').textContent, "
               "document.querySelector('.side-title').textContent, "
               "document.querySelector('#seq-box g.seq-lane text:nth-of-type(2)').textContent]")
    chinese = browser.evaluate(strings)
    assert chinese == ["时序图", "通信记录", "发送", "导出 SVG", "好友", "控制台用户"]
    switch = """(() => {{ const s = document.getElementById('lang'); s.value = '{}';
        s.dispatchEvent(new Event('change')); }})()"""
    browser.evaluate(switch.format("en"))
    english = browser.wait_for(f"(() => {{ const s = {strings}; return s[0] === 'Sequence' && "
                               "s; })()", "English")
    assert english == ["Sequence", "Traffic", "Send", "Export SVG", "Friends", "console users"]
    if os.environ.get("ONEBOT_DOCS_SCREENSHOTS"):
        screenshots(browser, Path(os.environ["ONEBOT_DOCS_SCREENSHOTS"]), switch)

    # Export SVG: the file the page saves is valid SVG holding every frame's summary
    downloads = tmp_path / "downloads"
    browser.send("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
    browser.click("#seq-export")
    saved = wait_for_file(downloads)
    root = ET.parse(saved).getroot()
    assert root.tag == f"{SVG}svg"
    titles = "\n".join(el.text or "" for el in root.iter(f"{SVG}title"))
    summaries = browser.evaluate("state.frames.filter(f => f.channel !== 'demo')"
                                 ".map(f => summarize(f))")
    assert len(summaries) > 20 and all(text in titles for text in summaries)
    assert saved.read_text(encoding="utf-8") == browser.evaluate("SequenceView.exportSvg()")


def wait_for_file(folder: Path) -> Path:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:  # Chromium writes x.svg.crdownload, then renames it
        done = [p for p in folder.glob("*.svg")] if folder.exists() else []
        if done:
            return done[0]
        time.sleep(0.05)
    raise AssertionError(f"no SVG saved in {folder} within {TIMEOUT} s")


def screenshots(browser: Browser, folder: Path, switch: str) -> None:
    """The README's pictures: the sequence view, wide, from step 6 on (a console user, an event
    pushed to two connections, the demo bot's answer), in English and in Chinese."""
    folder.mkdir(parents=True, exist_ok=True)
    browser.evaluate("SequenceView.pick(null)")
    browser.click("#seq-wide")
    scroll = """(() => { const box = document.getElementById('seq-box');
        const note = box.querySelectorAll('g.seq-note')[6].getBoundingClientRect();
        const head = Sequence.rules.geometry.header_height;
        box.scrollTop += note.top - box.getBoundingClientRect().top - head - 4; })()"""
    for lang, name in (("en", "sequence-view.png"), ("zh-CN", "sequence-view.zh-CN.png")):
        browser.evaluate(switch.format(lang))
        browser.wait_for(f"document.documentElement.lang === '{lang}'", lang)
        time.sleep(0.3)  # the redraw after the switch
        browser.evaluate(scroll)
        browser.screenshot(str(folder / name))
    browser.evaluate(switch.format("en"))
    browser.click("#seq-wide")
