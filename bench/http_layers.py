"""Where an HTTP API request's time goes, layer by layer, with the WSGI apps called directly (no
sockets, no server threads): ``bench/bench_http.py`` prints it (``--profile``: with a cProfile
listing) and writes it under its section of BENCHMARKS.md."""

from __future__ import annotations

import cProfile
import dataclasses
import json
import pstats
import time

import harness

FIXED_ENVELOPE = b'{"status":"ok","retcode":0,"data":{"message_id":1}}'
JSON_TYPE = "application/json; charset=UTF-8"


def bare_app():
    """The reference: a plain Flask route answering a fixed envelope."""
    from flask import Flask, Response

    app = Flask("bare")

    @app.route("/<action>", methods=["GET", "POST"])
    def bare(action):
        return Response(FIXED_ENVELOPE, 200, content_type=JSON_TYPE)

    return app


def breakdown(requests: int = 200, with_cprofile: bool = False) -> list[tuple[str, list[float]]]:
    """Where the time goes, with the WSGI apps called directly (no sockets, no server threads):
    µs per request, best of 15 interleaved runs, for the bare route; onebot_ref's HTTP layer with a
    fixed-envelope action and no journal; + the traffic journal; + the real actions and world.
    ``with_cprofile``: also print cProfile of the full app on send_private_msg."""
    from werkzeug.test import EnvironBuilder

    from onebot_ref.modes.http_api import HttpApi

    class FixedActions:
        def call(self, action, params, channel=None):
            return {"status": "ok", "retcode": 0, "data": {"message_id": 1}}

    runner = harness.start_runner()
    try:
        ours = runner.modes["http"].app
        apps = {
            "bare Flask route": bare_app(),
            "HTTP layer (fixed action, no journal)": HttpApi(
                dataclasses.replace(runner.parts, actions=FixedActions(), traffic=None)),
            "HTTP layer + traffic journal": HttpApi(
                dataclasses.replace(runner.parts, actions=FixedActions())),
            "onebot_ref (+ real actions and world)": ours,
        }

        def environ(method, path, data=None) -> dict:
            headers = {"Host": "127.0.0.1", "User-Agent": "bench", "Accept": "*/*"}
            if data:
                headers.update({"Content-Type": "application/json",
                                "Content-Length": str(len(data))})
            env = EnvironBuilder(path=path, method=method, data=data,
                                 headers=headers).get_environ()
            # as modes/http_server hands them over: the HTTP API journals them as they are
            env["onebot_ref.headers"] = list(headers.items())
            return env

        def call(app, env) -> bytes:
            out = []
            body = b"".join(app(env, lambda status, headers, exc=None: out.append(status)))
            assert out[0].startswith("200"), (out, body)
            return body

        friends = json.loads(call(ours, environ("GET", "/get_friend_list")))["data"]
        body = json.dumps({"user_id": friends[0]["user_id"], "message": "hello"}).encode()
        cases = [("POST", "/send_private_msg", body), ("GET", "/get_login_info", None)]
        best = {(label, i): float("inf") for label in apps for i in range(len(cases))}
        for _ in range(15):  # the layers interleaved, so a drifting machine load hits all alike
            for label, app in apps.items():
                for i, (method, path, data) in enumerate(cases):
                    envs = [environ(method, path, data) for _ in range(requests)]
                    began = time.perf_counter()
                    for env in envs:
                        call(app, env)
                    per = (time.perf_counter() - began) / len(envs) * 1e6
                    best[(label, i)] = min(best[(label, i)], per)
        rows = [(label, [best[(label, i)] for i in range(len(cases))]) for label in apps]
        if with_cprofile:
            envs = [environ("POST", "/send_private_msg", body) for _ in range(requests * 4)]
            profiler = cProfile.Profile()
            profiler.enable()
            for env in envs:
                call(ours, env)
            profiler.disable()
            print("\n--- cProfile, onebot_ref send_private_msg, by cumulative time ---")
            pstats.Stats(profiler).sort_stats("cumtime").print_stats(30)
        return rows
    finally:
        runner.stop()


def breakdown_table(rows: list[tuple[str, list[float]]]) -> str:
    return harness.table(["WSGI app called directly (no sockets)", "send_private_msg µs",
                          "get_login_info µs"], "lrr",
                         [[label, f"{row[0]:.0f}", f"{row[1]:.0f}"] for label, row in rows])


def attribution(parts: list[tuple[str, list[float]]]) -> str:
    """Per case: what each layer of onebot_ref costs, next to the bare Flask route."""
    sentences = []
    for i, case in enumerate(("send_private_msg", "get_login_info")):
        bare, http, journal, full = (row[i] for _, row in parts)
        sentences.append(f"{case}: HTTP layer {http:.0f} µs, traffic journal +{journal - http:.0f}"
                         f" µs, action and world +{full - journal:.0f} µs; the bare Flask route "
                         f"takes {bare:.0f} µs.")
    return (" ".join(sentences) + " onebot_ref's HTTP API is a WSGI class served as itself "
            "(`modes/http_api.HttpApi`, one method per step of the spec's check order; the data "
            "files go through werkzeug's routing and `send_file`), with no Flask, so its HTTP "
            "layer costs less than Flask's per-request context, routing and signals; the rest "
            "of a request's time is the server's (parsing, the socket, the threads).")
