# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Compare the JUnit reports of Odoo's tests on the three compatibility
databases and list the tests that fail only with the addon.

Usage: compare.py DELIBERATE.txt NAME=REPORT.xml [NAME=REPORT.xml ...]
The first report is the baseline (Odoo without the addon). Exit code 1 when
a test fails with the addon, passes without it and is not a deliberate rule.
"""

import sys
import xml.etree.ElementTree as ET


def outcomes(path):
    """{test id: 'passed' | 'failed' | 'skipped'} of one JUnit report."""
    result = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        test_id = f"{case.get('classname')}::{case.get('name')}"
        if case.find("failure") is not None or case.find("error") is not None:
            result[test_id] = "failed"
        elif case.find("skipped") is not None:
            result[test_id] = "skipped"
        else:
            result[test_id] = "passed"
    return result


def deliberate_rules(path):
    rules = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if line and not line.startswith("#"):
                test_id, _sep, reason = line.partition(" | ")
                rules[test_id.strip()] = reason.strip()
    return rules


def main(argv):
    rules = deliberate_rules(argv[1])
    runs = [arg.split("=", 1) for arg in argv[2:]]
    results = [(name, outcomes(path)) for name, path in runs]
    for name, result in results:
        counts = {
            state: sum(1 for value in result.values() if value == state)
            for state in ("passed", "failed", "skipped")
        }
        print(
            f"[{name}] {counts['passed']} passed, {counts['failed']} failed, "
            f"{counts['skipped']} skipped"
        )
    (_base_name, base), others = results[0], results[1:]
    undocumented, documented, seen = [], [], set()
    for name, result in others:
        for test_id, state in sorted(result.items()):
            if state == "failed" and base.get(test_id) == "passed":
                if test_id in rules:
                    documented.append((name, test_id))
                    seen.add(test_id)
                else:
                    undocumented.append((name, test_id))
    print(
        f"Tests that fail with the addon and pass without it: "
        f"{len(documented) + len(undocumented)}"
    )
    for name, test_id in documented:
        print(f"  deliberate  [{name}] {test_id}  ({rules[test_id]})")
    for name, test_id in undocumented:
        print(f"  UNDOCUMENTED [{name}] {test_id}")
    # rules of tests this run did not include (the other part) say nothing
    stale = sorted(set(rules) & set(base) - seen)
    for test_id in stale:
        print(f"  (listed as deliberate but no longer diverges: {test_id})")
    print(f"{len(undocumented)} undocumented divergences")
    return 1 if undocumented else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
