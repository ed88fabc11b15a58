"""schemathesis (every check, seeded, bounded) against the simulator over loopback: no 5xx, and every
finding is a known leniency listed with its reason in schemathesis_baseline.json."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from spoki_actions.simulator import SimulatorConfig, SimulatorServer

HERE = Path(__file__).resolve().parent
DOCUMENT = HERE.parents[1] / "generated/openapi/spoki.openapi.json"
BASELINE = json.loads((HERE / "schemathesis_baseline.json").read_text())["leniencies"]


def _findings(report_dir: Path) -> list[tuple[str, str, str]]:
    found = []
    for xml in report_dir.glob("*.xml"):
        for case in ET.parse(xml).iter("testcase"):
            for failure in case.iter("failure"):
                found.append((case.get("name", ""), failure.get("message", ""), failure.text or ""))
            for error in case.iter("error"):
                found.append((case.get("name", ""), "error", error.text or error.get("message", "")))
    return found


def _known(operation: str, check: str, text: str) -> bool:
    return any(_same_operation(b["operation"], operation, text) and b["check"] == check and b["match"] in text
               for b in BASELINE)


def _same_operation(listed: str, operation: str, text: str) -> bool:
    """The stateful phase reports its findings under "Stateful tests": there the listed operation is
    the one its reproduction command calls (`curl -X GET ... /api/1/campaigns/?...`)."""
    if operation == listed:
        return True
    method, _, path = listed.partition(" ")
    call = rf"-X {method} .*/api/1{re.escape(path)}(\?|')"
    return operation == "Stateful tests" and re.search(call, text) is not None


def test_schemathesis_finds_nothing_outside_the_baseline(tmp_path: Path) -> None:
    st = Path(sys.executable).with_name("st")
    with SimulatorServer(SimulatorConfig(seed=0)) as sim:
        done = subprocess.run(
            [str(st), "run", str(DOCUMENT), "--url", sim.base_url, "--checks", "all", "--max-examples", "10",
             "--seed", "1", "--no-color", "-H", f"X-Spoki-Api-Key: {sim.api_key}",
             "--report", "junit", "--report-dir", str(tmp_path)],
            capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path)  # its cache stays out of the tree
    assert sim.api_key not in done.stdout + done.stderr
    assert "Test cases:" in done.stdout, done.stdout[-3000:] + done.stderr[-2000:]
    findings = _findings(tmp_path)
    assert not [f for f in findings if re.search(r"\[5\d\d\]", f[2])], "a 5xx answer"
    unknown = [f"{op} {check}: {text[:600]}" for op, check, text in findings if not _known(op, check, text)]
    assert not unknown, "\n\n".join(unknown)
    if done.returncode != 0:
        assert findings, done.stdout[-3000:]
