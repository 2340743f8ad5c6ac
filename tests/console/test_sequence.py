"""The sequence view's Python side (console/sequence.py, diagram.py, svg.py: what ``tail --svg``
writes and the page draws the same way): lanes of a real server's journal, arrows in order and
in the right direction, a broadcast drawn to every connection it reached, the SVG valid with
its text escaped and CJK kept, and ``tail --svg`` over a running console."""

from __future__ import annotations

import queue
import re
import sys
import xml.etree.ElementTree as ET

import pytest
import requests

import fakebot
from onebot_ref.cli import main
from onebot_ref.console import diagram, sequence, svg
from onebot_ref.console.tail import summarize

SVG = "{http://www.w3.org/2000/svg}"
EN = sequence.load_strings("en")
ZH = sequence.load_strings("zh-CN")


@pytest.fixture
def journal(make_runner):
    """A server with a console message, an HTTP call and three forward connections."""
    with make_runner(use_ws=True, use_console=True) as runner:
        requests.get(runner.url("http") + "/get_login_info", timeout=5,
                     headers={"User-Agent": "onebot_ref-demo-bot/test"})
        # one after the other: the server journals a connection's opening once its handshake is
        # answered, so a client connecting at once could overtake it in the journal's order
        api = fakebot.connect(runner.url("ws") + "/api")
        api.call("get_status")
        event = fakebot.connect(runner.url("ws") + "/event")
        event.next_event()  # the lifecycle connect: sent after the opening is journalled
        both = fakebot.connect(runner.url("ws") + "/")
        both.next_event()
        requests.post(runner.url("console") + "/sim/private_message", timeout=5,
                      json={"user_id": 10001, "message": "你好 <b>&\"'\x07"})
        event.next_event(lambda e: e["post_type"] == "message")
        api.close()
        runner.traffic.find(lambda f: f["data"] == {"event": "close", "code": 1000}, 5)
        runner.base = runner.url("console")
        runner.frames = runner.traffic.since(0, 10**6)[0]
        yield runner
        event.close(), both.close()


def drawn(frames, strings=EN, lang="en"):
    placed, lanes = sequence.identify(frames)
    return diagram.layout(sequence.visible(placed), lanes, strings, summarize, lang)


def test_lanes_and_arrows_of_a_real_journal(journal):
    frames, picture = journal.frames, drawn(journal.frames)
    lanes = {lane["key"]: lane for lane in picture["lanes"]}
    keys = [lane["key"] for lane in picture["lanes"]]
    assert keys[:2] == ["console", "server"]
    ws = [k for k in keys if k.startswith("ws|")]
    assert [k.split("|")[1] for k in ws] == ["/api", "/event", "/"]  # in order of appearance
    http = next(k for k in keys if k.startswith("http|"))
    assert lanes[http]["tag"] == "demo bot · http"  # its User-Agent names the demo bot
    assert lanes[http]["label"] == "HTTP API client"
    assert [lanes[k]["label"] for k in ws] == ["forward WS /api", "forward WS /event",
                                               "forward WS /"]
    xs = [lane["x"] for lane in picture["lanes"]]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    # an arrow per frame, in the journal's order, one row further down each
    rows = picture["rows"]
    assert [row["seq"] for row in rows] == [f["seq"] for f in frames]
    assert [row["top"] for row in rows] == sorted({row["top"] for row in rows})
    server = lanes["server"]["x"]
    for frame, row in zip(frames, rows):
        if frame["channel"] == "console":
            assert (row["frm"], row["to"]) == ("console", "server")
        elif frame["direction"] == "in":
            assert row["to"] == "server" and row["x2"] == server != row["x1"]
        else:
            assert row["frm"] == "server" and row["x1"] == server != row["x2"]
    # the message event, journalled once for 2 connections, reaches / and /event
    push = next(row for row, f in zip(rows, frames) if f["peer"] == "2 connections")
    assert push["to"] == ws[2] and push["dots"] == [lanes[ws[1]]["x"]]
    assert not push["bad"] and push["verdict"] == "event pushed to 2 connection(s)"
    # an event pushed to one connection is journalled without its path: on that one's lane
    single = [{"seq": 100, "time": 1.0, "channel": "ws", "direction": "out",
               "peer": lanes[ws[1]]["sub"], "data": {"post_type": "notice"}}]
    placed, _ = sequence.identify(frames + single)
    assert placed[-1].lane == ws[1]


def test_the_svg_is_valid_escaped_and_keeps_cjk(journal):
    picture = drawn(journal.frames, ZH, "zh-CN")
    text = svg.render(picture, sequence.t(ZH, "seq.title", first=picture["first"],
                                          last=picture["last"]))
    root = ET.fromstring(text)  # valid XML: escaped text, no control character
    assert root.tag == f"{SVG}svg" and root.get("data-last") == str(journal.frames[-1]["seq"])
    # CJK as UTF-8, not as character references (only the quote has one)
    assert "你好" in text and not re.search("&#(?!39;)", text)
    assert "\x07" not in text
    titles = [el.text for el in root.iter(f"{SVG}title")]
    assert titles[0] == f"onebot_ref 通信记录，第 #1 到 #{journal.frames[-1]['seq']} 帧"
    # < & " ' escaped in the file, read back whole (the summary quotes the message as JSON)
    assert any('message="你好 <b>&\\"\'' in t for t in titles)
    lane_labels = [el.findall(f"{SVG}text")[1].text for el in root.iter(f"{SVG}g")
                   if el.get("class") == "seq-lane"]
    assert lane_labels[:2] == ["控制台用户", "onebot_ref"] and "正向 WS /api" in lane_labels
    rows = [el for el in root.iter(f"{SVG}g") if "seq-row" in el.get("class", "")]
    assert [int(el.get("data-seq")) for el in rows] == [f["seq"] for f in journal.frames]


def test_reverse_roles_faults_notes_and_a_server_report():
    """Made-up frames of the channels a small test cannot easily produce all at once."""
    url = "ws://127.0.0.1:8080/ws"
    frames = [
        {"seq": 1, "time": 1.0, "channel": "demo", "direction": "in", "peer": "demo bot",
         "data": {"demo": "x", "step": 1, "of": 2, "title": "Roles", "title_zh": "角色",
                  "page": "communication/ws-reverse.md", "rules": ["WSR-4"]}},
        {"seq": 2, "time": 2.0, "channel": "ws_reverse", "direction": "out", "peer": url,
         "data": {"event": "connect", "role": "API", "attempt": 1}},
        {"seq": 3, "time": 3.0, "channel": "ws_reverse", "direction": "out", "peer": url,
         "data": {"event": "connect", "role": "Event", "attempt": 1}},
        {"seq": 4, "time": 4.0, "channel": "ws_reverse", "direction": "in", "peer": url,
         "data": {"event": "open", "role": "event"}},
        {"seq": 5, "time": 5.0, "channel": "fault", "direction": "out", "peer": url,
         "data": {"fault": "f1", "type": "drop", "did": "dropped"}, "verdict": "dropped"},
        {"seq": 6, "time": 6.0, "channel": "server", "direction": "out", "peer": "onebot_ref",
         "data": {"job": "x", "error": "boom"}, "verdict": "a heartbeat failed: boom"},
        {"seq": 7, "time": 7.0, "channel": "ws_reverse", "direction": "in", "peer": url,
         "data": {"event": "connect failed", "reason": "x"},
         "verdict": "handshake refused: HTTP 403; reconnecting in 400 ms"},
    ]
    picture = drawn(frames, ZH, "zh-CN")
    lanes = picture["lanes"]
    assert [lane["key"] for lane in lanes] == ["server", f"ws_reverse|{url}"]
    assert lanes[1]["label"] == "反向 WS API/Event"
    note, *_, fault, report, refused = picture["rows"]
    assert note["kind"] == "note" and note["label"] == "步骤 1/2 · 角色"
    assert note["verdict"] == "communication/ws-reverse.md · WSR-4"
    assert fault["to"] == f"ws_reverse|{url}" and fault["dashed"]
    assert report["kind"] == "self" and report["bad"]
    assert refused["bad"] and refused["frm"] == f"ws_reverse|{url}"


def test_onebot_refs_reports_about_itself_loop_on_its_own_lane(make_runner):
    """Channel ``server`` (workers.py, SUP-1, SUP-2): a job that failed, a worker that stopped
    and one that runs again are journalled by onebot_ref about itself, with the thread's name
    as peer: each a loop on onebot_ref's lane (no lane for a thread), among a bot's arrows."""
    jobs: queue.SimpleQueue = queue.SimpleQueue()
    with make_runner(use_ws=True) as runner:
        bot = fakebot.connect(runner.url("ws") + "/api")
        bot.call("get_status")
        probe = runner.workers.worker("probe", jobs.get, lambda job: job())
        probe.start()
        jobs.put(lambda: 1 / 0)
        jobs.put(lambda: sys.exit(3))

        def said(words):
            return runner.traffic.find(lambda f: f["channel"] == "server" and words in
                                       f.get("verdict", ""), timeout=5)
        assert said("failed: ZeroDivisionError") and said("stopped: SystemExit: 3")
        probe.start()  # its owner needs it: it runs again at once
        assert said("probe runs again")
        bot.call("get_status")
        probe.stop(wake=lambda: jobs.put(None), timeout=5)
        bot.close()
        frames = runner.traffic.since(0, 10**6)[0]
    picture = drawn(frames)
    reports = [row for row in picture["rows"] if row["channel"] == "server"]
    assert [lane["key"] for lane in picture["lanes"]][0] == "server"
    assert not any("probe" in lane["key"] for lane in picture["lanes"])
    assert len(reports) == 3 and all(row["kind"] == "self" for row in reports)
    assert all(row["frm"] == row["to"] == "server" for row in reports)
    assert [row["bad"] for row in reports] == [True, True, False]  # "runs again" is good news
    assert "ZeroDivisionError" in reports[0]["label"] and "probe" in reports[0]["title"]
    server_at = picture["lanes"][0]["x"]
    assert all(row["x1"] == row["x2"] == server_at for row in reports)
    root = ET.fromstring(svg.render(picture, "t"))
    titles = " ".join(el.text for el in root.iter(f"{SVG}title"))
    assert "SystemExit: 3" in titles


def test_texts_are_cut_to_fit_cjk_counting_double():
    room = 10 * sequence.GEO["char_width_tenths"] // 10  # ten units
    assert diagram.fit("abcdefghij", room) == "abcdefghij"
    assert diagram.fit("abcdefghijk", room) == "abcdefghi…"  # … takes a unit
    assert diagram.fit("你好你好你好", room) == "你好你好…"
    assert diagram.text_units("a你b") == 4
    assert diagram.fit_end("ws://host/ws/api", room) == "…st/ws/api"  # a URL keeps its end
    # XML 1.0 has no control characters: a frame carrying one still makes a valid file
    assert diagram.clean("a\x07b\nc\x7f") == "a b c "
    frame = {"seq": 1, "time": 0.0, "channel": "ws", "direction": "in", "peer": "p",
             "data": "\x00\x1b[31m raw \ud800", "path": "/", "verdict": "1400\x0b"}
    ET.fromstring(svg.render(drawn([frame]), "t"))


def test_tail_svg_writes_the_sequence_view(journal, capsys, tmp_path):
    out = tmp_path / "out.svg"
    code = main(["tail", "--console", journal.base, "--svg", str(out), "--lang", "zh-CN"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    root = ET.parse(out).getroot()
    rows = [el for el in root.iter(f"{SVG}g") if "seq-row" in el.get("class", "")]
    lanes = [el for el in root.iter(f"{SVG}g") if el.get("class") == "seq-lane"]
    assert len(rows) == len(journal.frames)
    assert printed == (f"wrote {out}: {len(rows)} frames (#1 to #{journal.frames[-1]['seq']}), "
                       f"{len(lanes)} lanes\n")
    titles = " ".join(el.text for el in root.iter(f"{SVG}title"))
    for frame in journal.frames:  # every frame's summary is in the file
        assert summarize(frame).replace("\x07", " ") in titles
    # one connection only: its frames (the notes would stay), on two lanes
    code = main(["tail", "--console", journal.base, "--svg", str(out), "--connection", "/api"])
    root = ET.parse(out).getroot()
    lanes = [el.get("data-lane") for el in root.iter(f"{SVG}g") if el.get("data-lane")]
    assert code == 0 and lanes[0] == "server" and lanes[1].startswith("ws|/api|")
    assert len(lanes) == 2
