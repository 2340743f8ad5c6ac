"""The terminal table and the JUnit XML of a run.

The table has one line per case (verdict, id, level, what was checked), a second line with the
reason for anything but PASS, the counts of every verdict, and last the line CI greps:
``N passed, N failed`` (passed: PASS and NON-STRICT; failed: FAIL; TIMEOUT is counted on the
line above and, like FAIL, makes the exit code non-zero).

JUnit: one ``<testcase>`` per case (classname: the spec page, name: the case id); FAIL is a
``<failure>``, TIMEOUT an ``<error type="timeout">``, SKIPPED / UNSUPPORTED / INFORMATIONAL a
``<skipped>`` whose message starts with the verdict; PASS, NON-STRICT and KNOWN pass, the
latter two saying so in ``<system-out>``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .execute import CaseResult, Result
from .model import Level, Verdict

SHORT_LEVEL = {Level.MUST: "MUST", Level.SHOULD: "SHOULD", Level.IMPL: "IMPL"}


def line(result: CaseResult) -> str:
    """One case's line(s) of the table."""
    case = result.case
    head = (f"{result.verdict.value:<13} {case.id:<40} {SHORT_LEVEL[case.level]:<6} "
            f"{case.title}")
    if result.verdict is Verdict.PASS or not result.reason:
        return head
    return f"{head}\n{'':14}{result.reason[:300]}"


def counts_line(result: Result) -> str:
    counts = result.summary
    shown = ", ".join(f"{n} {verdict}" for verdict, n in counts.items() if n)
    return f"{len(result.results)} cases: {shown or 'none'} ({result.duration:.1f} s)"


def closing_line(result: Result) -> str:
    counts = result.summary
    passed = counts[Verdict.PASS.value] + counts[Verdict.NON_STRICT.value]
    return f"{passed} passed, {counts[Verdict.FAIL.value]} failed"


def table(result: Result) -> str:
    return "\n".join([line(r) for r in result.results] + ["", *footer(result)])


def footer(result: Result) -> list[str]:
    lines = [counts_line(result)]
    if result.ran == 0:
        lines.append("no case ran: nothing was checked (see the reasons above)")
    return lines + [closing_line(result)]


def markdown_rows() -> list[str]:
    """The case table of docs/conformance.md, one row per case in running order."""
    from .model import ordered

    return [f"| `{c.id}` | {SHORT_LEVEL[c.level]} | {', '.join(c.rules)} | "
            f"{c.title.replace('|', '/')}{' (destructive)' if c.destructive else ''} |"
            for c in ordered()]


def junit(result: Result, mask=lambda text: text) -> bytes:
    """The run as JUnit XML (what CI systems show as a test report)."""
    counts = result.summary
    suite = ET.Element("testsuite", name="onebot_ref conform", tests=str(len(result.results)),
                       failures=str(counts[Verdict.FAIL.value]),
                       errors=str(counts[Verdict.TIMEOUT.value]),
                       skipped=str(sum(counts[v.value] for v in (
                           Verdict.SKIPPED, Verdict.UNSUPPORTED, Verdict.INFORMATIONAL))),
                       time=f"{result.duration:.3f}")
    for r in result.results:
        item = ET.SubElement(suite, "testcase", classname=r.case.page.split("#")[0],
                             name=r.case.id, time=f"{r.duration:.3f}")
        message = mask(f"{r.verdict.value}: {r.reason}".rstrip(": "))
        details = mask("\n".join([f"requirement ({r.case.level.value}): {r.case.quote}",
                                  f"expected: {r.case.expected}", f"got: {r.actual}", "",
                                  *r.log]))
        if r.verdict is Verdict.FAIL:
            ET.SubElement(item, "failure", message=message).text = details
        elif r.verdict is Verdict.TIMEOUT:
            ET.SubElement(item, "error", type="timeout", message=message).text = details
        elif r.verdict in (Verdict.SKIPPED, Verdict.UNSUPPORTED, Verdict.INFORMATIONAL):
            ET.SubElement(item, "skipped", message=message)
        elif r.verdict in (Verdict.NON_STRICT, Verdict.KNOWN):
            ET.SubElement(item, "system-out").text = message
    ET.indent(suite)
    return ET.tostring(suite, encoding="utf-8", xml_declaration=True)
