"""Policy gates: checkov and kube-score over `helm template` of every scenario, zero findings beyond the known set.

Scenarios: the chart defaults, every values/*.yaml, every gpu x secrets.provider x ingress.controller combination.
Deliberate deviations are skip annotations from templates/_policy.tpl; whole-run settings and the known-finding
set live in tests/ecosystem/policy.yaml.
"""

from __future__ import annotations

import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
import yaml

from .support import CHART, NAMESPACE, ROOT, Scenario, all_scenarios, documents, render, run, tool

POLICY_FILE = Path(__file__).with_name("policy.yaml")
POLICY: dict[str, Any] = yaml.safe_load(POLICY_FILE.read_text())
README = CHART / "README.md"
POLICY_TPL = CHART / "templates" / "_policy.tpl"


@dataclass(frozen=True, order=True)
class Finding:
    tool: str
    check: str
    object: str  # Kind/name
    scenario: str
    message: str = ""

    def __str__(self) -> str:
        return f"{self.tool} {self.check} on {self.object} in {self.scenario}" + (
            f": {self.message}" if self.message else ""
        )


def known_matches(entry: dict[str, str], finding: Finding) -> bool:
    return (
        entry["tool"] == finding.tool
        and entry["check"] == finding.check
        and fnmatchcase(finding.object, entry["object"])
        and fnmatchcase(finding.scenario, entry["scenario"])
    )


def gate(tool_name: str, findings: list[Finding]) -> None:
    """Fail on findings outside the known set, and on known entries that no longer match anything."""
    known = [e for e in POLICY.get("known-findings") or [] if e["tool"] == tool_name]
    new = sorted(f for f in findings if not any(known_matches(e, f) for e in known))
    stale = [e for e in known if not any(known_matches(e, f) for f in findings)]
    tolerated = len(findings) - len(new)
    print(
        f"{tool_name}: {len(findings)} findings, {tolerated} known ({len(known)} known-finding entries), {len(new)} new"
    )
    problems = [f"NEW {f}" for f in new]
    problems += [f"STALE known finding in {POLICY_FILE.name} (fixed: remove it): {e}" for e in stale]
    assert not problems, f"{tool_name} gate:\n" + "\n".join(problems)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Scenario]]:
    """Every scenario rendered into its own file of one directory: (directory, file name -> scenario)."""
    out = tmp_path_factory.mktemp("rendered")
    scratch = tmp_path_factory.mktemp("overrides")
    by_file: dict[str, Scenario] = {}
    for scenario in all_scenarios():
        path = out / f"{scenario.slug}.yaml"
        path.write_text(render(scenario, scratch))
        by_file[path.name] = scenario
    return out, by_file


def checkov_scan(path: Path) -> dict[str, Any]:
    """checkov over one rendered scenario, alone in its own directory: checkov's graph checks (CKV2_K8S_6: a pod
    without a NetworkPolicy) connect every file of a directory, so scenarios must not share one."""
    alone = path.parent / "checkov" / path.stem
    alone.mkdir(parents=True, exist_ok=True)
    (alone / path.name).write_text(path.read_text())
    args = [tool("checkov"), "-d", str(alone), "--framework", "kubernetes", "--quiet", "--compact"]
    args += ["--skip-download", "-o", "json"]
    for check in POLICY["checkov"].get("skip-checks") or []:
        args += ["--skip-check", check["id"]]
    proc = run(args, cwd=alone, check=False)
    assert proc.returncode in (0, 1), (
        f"checkov crashed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    )
    report = json.loads(proc.stdout)
    reports = report if isinstance(report, list) else [report]
    return {
        "summary": {
            k: sum(int(r.get("summary", {}).get(k, 0)) for r in reports) for k in ("passed", "failed", "skipped")
        },
        "failed": [f for r in reports for f in r.get("results", {}).get("failed_checks", [])],
    }


def checkov_findings(directory: Path, by_file: dict[str, Scenario]) -> tuple[list[Finding], dict[str, int]]:
    files = [directory / name for name in sorted(by_file)]
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        scans = dict(zip(files, pool.map(checkov_scan, files), strict=True))
    findings: list[Finding] = []
    summary = {"passed": 0, "failed": 0, "skipped": 0}
    for path, scan in scans.items():
        scenario = by_file[path.name]
        for key in summary:
            summary[key] += scan["summary"][key]
        assert scan["summary"]["passed"] > 0, f"checkov evaluated nothing in {scenario.name}"
        for failed in scan["failed"]:
            kind, _namespace, name = ([*failed["resource"].split("."), "?", "?"])[:3]
            findings.append(
                Finding("checkov", failed["check_id"], f"{kind}/{name}", scenario.name, failed["check_name"])
            )
    return findings, summary


def kube_score_findings(directory: Path, by_file: dict[str, Scenario]) -> tuple[list[Finding], dict[str, int]]:
    settings = POLICY["kube-score"]
    base = [tool("kube-score"), "score", "-o", "json", "--kubernetes-version", settings["kubernetes-version"]]
    for ignored in settings.get("ignore-tests") or []:
        base += ["--ignore-test", ignored["id"]]
    findings: list[Finding] = []
    summary = {"ok": 0, "failed": 0, "skipped": 0}
    for file_name, scenario in sorted(by_file.items()):
        proc = run([*base, str(directory / file_name)], check=False)
        assert proc.returncode in (0, 1), f"kube-score crashed ({proc.returncode}): {proc.stderr}"
        for obj in json.loads(proc.stdout) or []:
            name = f"{obj['type_meta']['kind']}/{obj['object_meta']['name']}"
            for result in obj["checks"]:
                if result["skipped"]:
                    summary["skipped"] += 1
                elif result["grade"] <= 5:  # 1 critical, 5 warning (7 almost ok, 10 ok)
                    summary["failed"] += 1
                    comments = "; ".join(c.get("summary", "") for c in result.get("comments") or [])
                    findings.append(Finding("kube-score", result["check"]["id"], name, scenario.name, comments))
                else:
                    summary["ok"] += 1
    assert summary["ok"] > 0, "kube-score evaluated nothing"
    return findings, summary


def test_scenarios_cover_values_and_toggles(rendered: tuple[Path, dict[str, Scenario]]) -> None:
    _, by_file = rendered
    names = [s.name for s in by_file.values()]
    assert sum(n.startswith("values/") for n in names) == len(list((ROOT / "values").glob("*.yaml")))
    assert sum(n.startswith("toggles ") for n in names) == 8


def test_checkov_gate(rendered: tuple[Path, dict[str, Scenario]]) -> None:
    findings, summary = checkov_findings(*rendered)
    print(f"checkov summary over {len(rendered[1])} scenarios: {summary}")
    gate("checkov", findings)


def test_kube_score_gate(rendered: tuple[Path, dict[str, Scenario]]) -> None:
    findings, summary = kube_score_findings(*rendered)
    print(f"kube-score summary over {len(rendered[1])} scenarios: {summary}")
    gate("kube-score", findings)


# --- the skip annotations themselves ------------------------------------------------------------------------------


def workload_skips(overrides: dict[str, Any], tmp_path: Path) -> tuple[set[str], set[str]]:
    """(checkov check ids, kube-score checks) skipped on the Deployment for these values."""
    manifest = render(Scenario("opt-in probe", overrides=overrides), tmp_path)
    (deployment,) = [d for d in documents(manifest) if d["kind"] == "Deployment"]
    annotations: dict[str, str] = deployment["metadata"].get("annotations") or {}
    template_annotations = deployment["spec"]["template"]["metadata"].get("annotations") or {}
    policy_keys = {k for k in annotations if k.startswith(("checkov.io/", "kube-score/"))}
    assert {k: annotations[k] for k in policy_keys} == {k: template_annotations.get(k) for k in policy_keys}
    checkov = {v.split("=", 1)[0] for k, v in annotations.items() if k.startswith("checkov.io/skip")}
    kube_score = set(filter(None, annotations.get("kube-score/ignore", "").split(",")))
    return checkov, kube_score


OPT_INS: list[tuple[str, str, dict[str, Any]]] = [
    ("checkov", "CKV_K8S_35", {"secrets": {"native": {"data": {"api-key": "x"}}, "env": {"API_KEY": "api-key"}}}),
    ("checkov", "CKV_K8S_22", {"securityContext": {"readOnlyRootFilesystem": False}}),
    (
        "kube-score",
        "container-security-context-readonlyrootfilesystem",
        {"securityContext": {"readOnlyRootFilesystem": False}},
    ),
    ("checkov", "CKV_K8S_38", {"serviceAccount": {"automountToken": True}}),
    ("checkov", "CKV_K8S_40", {"podSecurityContext": {"runAsUser": 1000, "runAsGroup": 1000, "fsGroup": 1000}}),
    ("kube-score", "container-security-context-user-group-id", {"podSecurityContext": {"runAsGroup": 1000}}),
    ("checkov", "CKV_K8S_15", {"image": {"pullPolicy": "IfNotPresent"}}),
    ("kube-score", "container-image-pull-policy", {"image": {"pullPolicy": "IfNotPresent"}}),
    ("kube-score", "deployment-strategy", {"strategy": {"type": "Recreate"}}),
    ("kube-score", "deployment-has-host-podantiaffinity", {"replicaCount": 3}),
    ("kube-score", "pod-probes-identical", {"probes": {"livePath": "/health"}}),
]
OPT_OUTS: list[tuple[str, str, dict[str, Any]]] = [
    ("checkov", "CKV_K8S_43", {"image": {"digest": "sha256:" + "a" * 64}}),
    ("checkov", "CKV2_K8S_6", {"networkPolicy": {"enabled": True}}),
    ("kube-score", "deployment-replicas", {"replicaCount": 2}),
]


@pytest.mark.parametrize(("scanner", "check", "overrides"), OPT_INS, ids=[f"{c}" for _, c, _ in OPT_INS])
def test_skip_rendered_only_with_its_value(scanner: str, check: str, overrides: dict[str, Any], tmp_path: Path) -> None:
    default = workload_skips({}, tmp_path)[scanner == "kube-score"]
    opted_in = workload_skips(overrides, tmp_path)[scanner == "kube-score"]
    assert check not in default, f"{check} is skipped with the chart defaults"
    assert check in opted_in, f"{check} not skipped with {overrides}"


@pytest.mark.parametrize(("scanner", "check", "overrides"), OPT_OUTS, ids=[f"{c}" for _, c, _ in OPT_OUTS])
def test_skip_dropped_when_cause_removed(scanner: str, check: str, overrides: dict[str, Any], tmp_path: Path) -> None:
    default = workload_skips({}, tmp_path)[scanner == "kube-score"]
    fixed = workload_skips(overrides, tmp_path)[scanner == "kube-score"]
    assert check in default, f"{check} not skipped with the chart defaults (update this table and the README)"
    assert check not in fixed, f"{check} still skipped with {overrides}"


def test_checkov_skip_annotations_parse(rendered: tuple[Path, dict[str, Scenario]]) -> None:
    """checkov splits each skip on "=": one per value, a check id before, a reason after; numbered 1..N."""
    directory, _ = rendered
    for path in sorted(directory.glob("*.yaml")):
        for doc in documents(path.read_text()):
            metas = [doc.get("metadata") or {}]
            metas.append(((doc.get("spec") or {}).get("template") or {}).get("metadata") or {})
            for meta in metas:
                skips = {k: v for k, v in (meta.get("annotations") or {}).items() if k.startswith("checkov.io/skip")}
                assert sorted(skips) == [f"checkov.io/skip{i}" for i in range(1, len(skips) + 1)], (path.name, skips)
                for value in skips.values():
                    assert value.count("=") == 1, (path.name, value)
                    assert re.fullmatch(r"CKV2?_K8S_\d+=.{10,}", value), (path.name, value)


def documented_exceptions() -> set[str]:
    text = POLICY_TPL.read_text()
    ids = set(re.findall(r'list "(CKV2?_K8S_\d+)"', text))
    ids |= set(re.findall(r'append \$kubeScore "([a-z-]+)"', text))
    ids |= {entry["id"] for entry in POLICY["kube-score"].get("ignore-tests") or []}
    ids |= {entry["id"] for entry in POLICY["checkov"].get("skip-checks") or []}
    return ids


def test_every_exception_is_in_the_readme_table() -> None:
    readme = README.read_text()
    start = readme.find("## Scanner exceptions")
    assert start >= 0, "README.md has no '## Scanner exceptions' section"
    section = readme[start : readme.find("\n## ", start + 1)]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    exceptions = documented_exceptions()
    assert exceptions, "no exceptions found in _policy.tpl / policy.yaml: the parser is broken"
    missing = sorted(e for e in exceptions if not any(f"`{e}`" in row for row in rows))
    assert not missing, f"exceptions missing from the README's scanner exceptions table: {missing}"
    listed = {m for row in rows for m in re.findall(r"`(CKV2?_K8S_\d+|[a-z]+(?:-[a-z]+)+)`", row.split("|")[1])}
    unknown = sorted(listed - exceptions)
    assert not unknown, f"README lists exceptions that _policy.tpl / policy.yaml no longer have: {unknown}"


def test_namespace_is_rendered(rendered: tuple[Path, dict[str, Scenario]]) -> None:
    """checkov's CKV_K8S_21 passes because the chart renders metadata.namespace, not through HELM_NAMESPACE."""
    directory, _ = rendered
    for path in sorted(directory.glob("*.yaml")):
        for doc in documents(path.read_text()):
            if doc["kind"] not in ("CustomResourceDefinition",):
                assert doc["metadata"].get("namespace") == NAMESPACE, (path.name, doc["kind"], doc["metadata"]["name"])
