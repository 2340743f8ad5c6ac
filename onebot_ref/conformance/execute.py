"""Running the cases: which ones (globs, ``--destructive``, what the target was given), each
one's verdict, and the profile's documented deviations. The one place a check's ending becomes
a :class:`~.model.Verdict`:

- returned: PASS (INFORMATIONAL for an implementation-defined case, the note being what came
  back);
- :class:`~.model.Fail`: FAIL for MUST, NON-STRICT for SHOULD (FAIL with ``--strict``),
  INFORMATIONAL for an implementation-defined case; :class:`~.model.NonStrict`: NON-STRICT
  (FAIL with ``--strict``); Unsupported, Skip, TimedOut: UNSUPPORTED, SKIPPED, TIMEOUT;
- any other exception: the answer could not be read (a missing key, a wrong type): FAIL with
  the exception, so garbage from the target never stops the run.

Then ``--profile``: a case a row of the profile names is expected to deviate. A deviation
(FAIL, NON-STRICT, UNSUPPORTED, or a TIMEOUT waiting for the target to POST or connect) becomes
KNOWN, citing the row; a PASS becomes FAIL, since the profile no longer describes the target
(pytest's strict xfail).
"""

from __future__ import annotations

import fnmatch
import time
import traceback
from dataclasses import dataclass, field

from .. import profiles
from .ctx import Ctx
from .model import (
    DEVIATIONS,
    NEEDS,
    Case,
    Fail,
    Level,
    NonStrict,
    Skip,
    TimedOut,
    Unreachable,
    Unsupported,
    Verdict,
    ordered,
)
from .session import Listeners, Options, Session, Target
from .wirelog import WireLog

#: After this many TIMEOUTs in a row the target is taken as unresponsive: the remaining cases
#: are SKIPPED saying so, so a dead-slow target costs minutes, not hours.
STOP_AFTER_TIMEOUTS = 5


@dataclass
class CaseResult:
    case: Case
    verdict: Verdict
    reason: str = ""          # why (a FAIL's expected/got, a SKIP's reason, the row of KNOWN)
    actual: str = ""          # what came back last
    duration: float = 0.0     # seconds
    log: list[str] = field(default_factory=list)
    reproducers: list[str] = field(default_factory=list)
    raw: Verdict | None = None  # the verdict before the profile changed it
    row: str = ""             # the profile row that did
    unanswered: bool = False  # a TIMEOUT of a request (not of a wait for the target to come)


@dataclass
class Result:
    target: Target
    options: Options
    seed: int
    results: list[CaseResult]
    version: dict
    self_id: int | None
    started: float            # time.time()
    duration: float
    preflight: list[str] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        counts = {v.value: 0 for v in Verdict}
        for result in self.results:
            counts[result.verdict.value] += 1
        return counts

    @property
    def ran(self) -> int:
        return sum(r.verdict is not Verdict.SKIPPED for r in self.results)

    @property
    def failed(self) -> bool:
        """What makes ``conform`` exit non-zero: a FAIL or TIMEOUT, or no case run at all."""
        return self.ran == 0 or any(r.verdict in (Verdict.FAIL, Verdict.TIMEOUT)
                                    for r in self.results)

    def verdicts(self) -> dict[str, str]:
        return {r.case.id: r.verdict.value for r in self.results}


def matches(case_id: str, globs: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(case_id, g) for g in globs)


def select(target: Target, options: Options) -> list[tuple[Case, str]]:
    """The cases ``--cases`` selects, in running order, each with the reason it will be
    skipped ("" when it runs)."""
    chosen = []
    for case in ordered():
        if not matches(case.id, options.cases):
            continue
        chosen.append((case, skip_reason(case, target, options)))
    return chosen


def skip_reason(case: Case, target: Target, options: Options) -> str:
    if matches(case.id, options.exclude):
        return "excluded by --exclude"
    if case.destructive and not options.destructive:
        return "destructive (changes the target's state): run with --destructive"
    given = {"http": target.http, "ws": target.ws, "token": target.token,
             "secret": target.secret, "post": target.listen_post,
             "reverse": target.listen_reverse, "user": target.user_id is not None,
             "group": target.group_id is not None,
             "api-ws": target.ws or target.listen_reverse}
    missing = [NEEDS[need] for need in sorted(case.needs) if not given[need]]
    return f"needs {', '.join(missing)}" if missing else ""


def run(target: Target, options: Options | None = None, *,
        listeners: Listeners | None = None, on_result=None) -> Result:
    """Run the selected cases against ``target``; ``listeners``: already open (the caller
    stops them), else opened here from ``target.listen_*``; ``on_result(CaseResult)`` after
    each case (the terminal table prints as it goes)."""
    options = options or Options()
    profile = profiles.get(options.profile)
    seed = options.seed if options.seed is not None else int(time.time() * 1000) % 1_000_000
    own = listeners is None
    if own:
        listeners = Listeners.open(target.listen_post, target.listen_reverse)
    started, clock = time.time(), time.monotonic()
    session = Session(target, options, listeners, seed=seed)
    results: list[CaseResult] = []
    try:
        session.start()
        timeouts = 0
        for case, reason in select(target, options):
            if not reason and timeouts >= STOP_AFTER_TIMEOUTS:
                reason = (f"not run: the last {timeouts} cases timed out, the target does not "
                          f"answer (rerun this one with --cases {case.id})")
            result = CaseResult(case, Verdict.SKIPPED, reason) if reason else \
                run_case(session, case, profile)
            if result.unanswered:
                timeouts += 1
            elif result.verdict is not Verdict.SKIPPED:
                timeouts = 0
            results.append(result)
            if on_result:
                on_result(result)
    finally:
        session.stop()
        if own:
            listeners.stop()
    preflight = session.preflight.lines(clock) if session.preflight else []
    return Result(target, options, seed, results, session.version, session.self_id, started,
                  time.monotonic() - clock, preflight)


def run_case(session: Session, case: Case, profile: profiles.Profile) -> CaseResult:
    log = WireLog(session.mask)
    ctx = Ctx(session, case, log)
    verdict, reason, unanswered = _judge(case, ctx, session.options.strict)
    try:
        ctx.finish()
    except Exception as err:  # noqa: BLE001  # closing what the case opened never fails it
        log.note(f"cleaning up: {type(err).__name__}: {err}")
    result = CaseResult(case, verdict, session.mask(reason), session.mask(ctx.actual),
                        time.monotonic() - ctx.started, log.lines(ctx.started),
                        log.reproducers, raw=verdict, unanswered=unanswered)
    return apply_profile(result, profile)


def _judge(case: Case, ctx: Ctx, strict: bool) -> tuple[Verdict, str, bool]:
    """The verdict and the reason; and whether it is a request left unanswered."""
    try:
        verdict, reason = _verdict(case, ctx, strict)
    except TimedOut as err:
        if case.level is Level.IMPL and not err.unanswered:  # nothing came to report on
            return Verdict.INFORMATIONAL, str(err), False
        return Verdict.TIMEOUT, str(err), err.unanswered
    return verdict, reason, False


def _verdict(case: Case, ctx: Ctx, strict: bool) -> tuple[Verdict, str]:
    """The verdict of a check that did not time out (TimedOut passes through)."""
    try:
        note = case.check(ctx) or ""
    except Unreachable as err:
        return Verdict.FAIL, str(err)
    except Fail as err:
        if case.level is Level.IMPL:
            return Verdict.INFORMATIONAL, str(err)
        scored = Verdict.FAIL if case.level is Level.MUST or strict else Verdict.NON_STRICT
        return scored, str(err)
    except NonStrict as err:
        return (Verdict.FAIL if strict else Verdict.NON_STRICT), str(err)
    except Unsupported as err:
        return Verdict.UNSUPPORTED, str(err)
    except Skip as err:
        return Verdict.SKIPPED, str(err)
    except TimedOut:
        raise
    except Exception as err:  # noqa: BLE001  # garbage from the target: a FAIL, never a crash
        where = traceback.extract_tb(err.__traceback__)[-1]
        why = (f"the answer could not be read ({type(err).__name__}: {err}, at "
               f"{where.name} line {where.lineno})")
        return (Verdict.INFORMATIONAL if case.level is Level.IMPL else Verdict.FAIL), why
    return (Verdict.INFORMATIONAL if case.level is Level.IMPL else Verdict.PASS), note


def rows_for(case_id: str, profile: profiles.Profile) -> list:
    return [row for row in profile.rows if matches(case_id, tuple(row.cases))]


def apply_profile(result: CaseResult, profile: profiles.Profile) -> CaseResult:
    rows = rows_for(result.case.id, profile)
    if not rows:
        return result
    row = rows[0]
    result.row = row.id
    # a wait for the target to POST or dial in that ran out is a deviation too (a row saying
    # "heartbeats are not POSTed"); a request left unanswered never is
    if result.verdict in DEVIATIONS or (result.verdict is Verdict.TIMEOUT
                                        and not result.unanswered):
        result.reason = f"{row.id}: {row.what} ({result.verdict.value}: {result.reason})"
        result.verdict = Verdict.KNOWN
    elif result.verdict is Verdict.PASS:
        result.reason = (f"profile {profile.name} documents a deviation here ({row.id}: "
                         f"{row.what}), but the target follows the spec: the profile is out "
                         f"of date, or the target is not {profile.name}")
        result.verdict = Verdict.FAIL
    return result
