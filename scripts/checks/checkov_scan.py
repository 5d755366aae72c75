#!/usr/bin/env python3
"""Scan rendered Kubernetes manifests with checkov's Kubernetes runner, one directory at a time, in one process.

    <checkov's python> scripts/checks/checkov_scan.py DIR... [--skip-check CKV_K8S_N ...]   # prints JSON

Run it with the Python of the virtualenv checkov is installed in (`nox -s ecosystem` makes one). Each directory is
scanned by a fresh runner of its own, so checkov's graph checks (CKV2_K8S_*) connect only the files of that
directory, as `checkov -d DIR --framework kubernetes` does; importing checkov once instead of once per directory
is what makes this faster than the command line. Skip annotations (`checkov.io/skip<N>`) are honoured by the runner.
Prints `{DIR: {"summary": {"passed", "failed", "skipped"}, "failed": [{"check_id", "check_name", "resource"}]}}`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

# No calls to the Prisma Cloud platform or to PyPI's "new version" check: the scan is offline.
os.environ.setdefault("BC_SKIP_MAPPING", "TRUE")
os.environ.setdefault("CKV_SKIP_PACKAGE_UPDATE_CHECK", "True")

from checkov.kubernetes.runner import Runner
from checkov.runner_filter import RunnerFilter


def scan(directory: str, skip_checks: list[str]) -> dict[str, Any]:
    """checkov's Kubernetes checks over one directory."""
    runner_filter = RunnerFilter(framework=["kubernetes"], skip_checks=skip_checks, download_external_modules=False)
    result = Runner().run(root_folder=directory, runner_filter=runner_filter)
    reports = result if isinstance(result, list) else [result]
    failed = [
        {"check_id": c.check_id, "check_name": c.check_name, "resource": c.resource}
        for report in reports
        for c in report.failed_checks
    ]
    summary = {
        "passed": sum(len(report.passed_checks) for report in reports),
        "failed": len(failed),
        "skipped": sum(len(report.skipped_checks) for report in reports),
    }
    return {"summary": summary, "failed": failed}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("directories", nargs="+")
    parser.add_argument("--skip-check", action="append", default=[], help="a check id to skip in every directory")
    args = parser.parse_args(argv)
    print(json.dumps({directory: scan(directory, args.skip_check) for directory in args.directories}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
