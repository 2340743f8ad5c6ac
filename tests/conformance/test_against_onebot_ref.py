"""The proof of issue 9: the conformance runner against a real onebot_ref, every mode on.

onebot_ref (HTTP API, forward WebSocket, HTTP POST to the runner's receiver, reverse WebSocket
to the runner's listener, heartbeats every 300 ms, a token and a secret) is checked by the same
case objects ``python -m onebot_ref conform`` runs against any implementation: with profile
``spec`` nothing FAILs, nothing is KNOWN, and at least 120 cases run; with each other profile
of ``onebot_ref.profiles.NAMES`` (onebot_ref started with ``profile: NAME``) exactly the cases
of that profile's rows are KNOWN and every other case comes out as in the spec run.
"""

from __future__ import annotations

import pytest

from helpers import start_runner
from onebot_ref import profiles
from onebot_ref.conformance import Listeners, Options, Target, Verdict, run
from onebot_ref.conformance.execute import matches, rows_for
from onebot_ref.conformance.model import CASES, Level
from onebot_ref.conformance.report_html import page
from onebot_ref.conformance.report_json import index
from onebot_ref.conformance.report_text import junit, table

TOKEN, SECRET = "conform-Token-1", "conform-secret"
USER, GROUP = 10001, 20001  # Alice, and the group the default world's bot owns
#: what onebot_ref may come out as in profile spec: never FAIL, TIMEOUT, KNOWN, UNSUPPORTED
CLEAN = {Verdict.PASS, Verdict.NON_STRICT, Verdict.INFORMATIONAL, Verdict.SKIPPED}
#: the cases a Universal-only, signed run cannot run, and why it is right that they skip
SKIPPED_UNIVERSAL = {
    "communication/ws-reverse/3",   # an API client: the split run below has it
    "communication/ws-reverse/4",   # an Event client: idem
    "communication/ws-reverse/7",   # idem
    "communication/http-post/5",    # unsigned POSTs: a secret is set here
    "message/array/2",              # get_msg answers CQ strings (post_message_format string)
}
#: RESP-10: onebot_ref's failed envelopes add `message` saying why (extra keys: NON-STRICT)
NON_STRICT = {"communication/http/43"}


def conform(data_root, *, profile: str = "spec", universal: bool = True,
            cases: tuple[str, ...] = ("*",)):
    """Run the conformance cases against a fresh onebot_ref started in ``profile``."""
    listeners = Listeners.open(("127.0.0.1", 0), ("127.0.0.1", 0))
    keys = dict(use_ws=True, access_token=TOKEN, secret=SECRET, post_url=listeners.post.url,
                use_ws_reverse=True, ws_reverse_url=listeners.reverse.url + "onebot/v11/ws",
                ws_reverse_use_universal_client=universal, ws_reverse_reconnect_interval=100,
                enable_heartbeat=True, heartbeat_interval=300, profile=profile)
    try:
        with start_runner(data_root, **keys) as runner:
            target = Target(http=runner.url("http"), ws=runner.url("ws"), token=TOKEN,
                            secret=SECRET, listen_post=("127.0.0.1", listeners.post.port),
                            listen_reverse=("127.0.0.1", listeners.reverse.port),
                            user_id=USER, group_id=GROUP)
            return run(target, Options(cases=cases, profile=profile, timeout=3,
                                       destructive=True, seed=7), listeners=listeners)
    finally:
        listeners.stop()


@pytest.fixture(scope="module")
def spec_run(tmp_path_factory):
    return conform(tmp_path_factory.mktemp("conform-spec"))


def by_verdict(result, *verdicts) -> set[str]:
    return {r.case.id for r in result.results if r.verdict in verdicts}


def test_spec_profile_has_no_failure_and_covers_120_cases(spec_run):
    shown = table(spec_run)
    assert {r.verdict for r in spec_run.results} <= CLEAN, shown
    assert spec_run.ran >= 120, shown
    assert not spec_run.failed
    assert by_verdict(spec_run, Verdict.SKIPPED) == SKIPPED_UNIVERSAL, shown
    assert by_verdict(spec_run, Verdict.NON_STRICT) == NON_STRICT, shown
    assert spec_run.duration < 20, f"the run took {spec_run.duration:.1f} s"


def test_every_case_of_the_registry_was_selected(spec_run):
    assert [r.case.id for r in spec_run.results] == [c.id for c in
                                                      sorted(CASES.values(), key=_order)]


def _order(case):
    from onebot_ref.conformance.model import ordered

    return ordered().index(case)


def test_the_reports_render_and_never_show_the_token_or_secret(spec_run):
    for text in (page(spec_run), str(index(spec_run)), junit(spec_run).decode(), table(spec_run)):
        assert TOKEN not in text and SECRET not in text
    assert "certifies nothing" in page(spec_run)


def test_split_reverse_clients_api_and_event(tmp_path):
    """The run above uses one Universal client; here API and Event connect apart (WSR-2/3)."""
    result = conform(tmp_path, universal=False, cases=(
        "communication/ws-reverse/*", "event/meta/4", "event/meta/13",
        "communication/authorization/9", "communication/ws/2[0-9]"))
    verdicts = result.verdicts()
    assert verdicts["communication/ws-reverse/5"] == "SKIPPED", table(result)  # no Universal
    del verdicts["communication/ws-reverse/5"]
    assert set(verdicts.values()) == {"PASS"}, table(result)


@pytest.mark.parametrize("name", profiles.NAMES)
def test_each_profile_is_known_exactly_on_its_rows(name, spec_run, tmp_path):
    profile = profiles.get(name)
    result = spec_run if name == "spec" else conform(tmp_path, profile=name)
    spec = spec_run.verdicts()
    wrong = []
    for r in result.results:
        documented = bool(rows_for(r.case.id, profile))
        if documented and r.verdict not in (Verdict.KNOWN, Verdict.SKIPPED):
            wrong.append(f"{r.case.id}: {r.verdict.value}, the row says KNOWN ({r.reason})")
        if not documented and r.verdict.value != spec[r.case.id]:
            wrong.append(f"{r.case.id}: {r.verdict.value}, in the spec run {spec[r.case.id]} "
                         f"({r.reason})")
    assert not wrong, "\n".join(wrong) + "\n\n" + table(result)


@pytest.mark.parametrize("name", profiles.NAMES)
def test_every_profile_row_names_scored_cases(name):
    """A case glob of a row that matches nothing (a typo, a renumbered case) would change
    nothing; a row without cases is a deviation no case observes, which is allowed."""
    scored = [c.id for c in CASES.values() if c.level is not Level.IMPL]
    wrong = [f"{row.id}: {glob!r}" for row in profiles.get(name).rows for glob in row.cases
             if not any(matches(case_id, (glob,)) for case_id in scored)]
    assert not wrong, f"case globs matching no scored conformance case: {wrong}"
