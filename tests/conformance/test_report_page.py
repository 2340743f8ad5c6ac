"""The HTML report in a real headless Chromium (Debian's, from ``make browser``; without it this
test skips and says so): it loads, its script runs, every case is on the page, and the screenshot
renders. ``ONEBOT_SCREENSHOT=/path.png`` keeps the screenshot (README.md's is made this way:
``ONEBOT_SCREENSHOT=docs/conformance-report.png``)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from helpers import start_runner
from onebot_ref.conformance import Options, Target, run
from onebot_ref.conformance.report_html import page

CHROMIUM = next((p for p in (os.environ.get("CHROMIUM"), "/usr/bin/chromium",
                             shutil.which("chromium"), shutil.which("chromium-browser"))
                 if p and os.path.exists(p)), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--disable-background-networking", "--no-first-run", "--window-size=1280,1240"]
#: a part of the run that shows each kind of verdict onebot_ref gets, one of them open
CASES = ("communication/http/4[0-6]", "communication/http/1[6-9]", "communication/ws/[1-7]",
         "communication/ws/2[0-2]", "communication/ws/1[4-6]", "api/public/get_status/1")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed: `make browser`, or set "
                                             "CHROMIUM=/path/to/chromium")
def test_the_report_page_in_chromium(tmp_path):
    with start_runner(tmp_path, use_ws=True, access_token="t0ken") as runner:
        result = run(Target(http=runner.url("http"), ws=runner.url("ws"), token="t0ken"),
                     Options(cases=CASES, timeout=3, seed=1))
    html = tmp_path / "index.html"
    html.write_text(page(result), encoding="utf-8")
    profile = str(tmp_path / "chromium")
    dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom",
                          html.as_uri()], capture_output=True, text=True, timeout=60).stdout
    assert len(re.findall(r'<details class="case"', dom)) == len(result.results)
    assert "certifies nothing" in dom and 'data-v="NON-STRICT" open' in dom
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={shot}",
                    html.as_uri()], capture_output=True, timeout=60)
    assert shot.stat().st_size > 10_000
    if os.environ.get("ONEBOT_SCREENSHOT"):
        shutil.copy(shot, os.environ["ONEBOT_SCREENSHOT"])
