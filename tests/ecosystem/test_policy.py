"""Policy gates: checkov and kube-score over the render of every scenario, zero findings beyond the known set.

Scenarios (harness.cases, the render tier's matrix): the chart defaults, every gpu x secrets.provider x ingress
combination, every values/*.yaml. Deliberate deviations are skip annotations from templates/_policy.tpl; whole-run
settings and the known-finding set live in tests/ecosystem/policy.yaml.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from harness.cases import all_cases, file_cases, switch_cases
from harness.paths import CHART_DIR, REPO_ROOT
from harness.tools import run, tool

if TYPE_CHECKING:
    from harness.manifest import Manifest
    from harness.pytest_plugin import RenderFunc
    from harness.render import Renderer

POLICY_FILE = Path(__file__).with_name("policy.yaml")
POLICY: dict[str, Any] = yaml.safe_load(POLICY_FILE.read_text())
README = CHART_DIR / "README.md"
POLICY_TPL = CHART_DIR / "templates" / "_policy.tpl"


@dataclass(frozen=True, order=True)
class Finding:
    tool: str
    check: str
    object: str  # Kind/name
    scenario: str  # a case id of harness.cases
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


@dataclass
class Rendered:
    """Every scenario rendered into its own file of one directory: file name -> case id and manifest."""

    directory: Path
    scenarios: dict[str, str] = field(default_factory=dict)
    manifests: dict[str, Manifest] = field(default_factory=dict)


@pytest.fixture(scope="module")
def rendered(renderer: Renderer, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    out = Rendered(tmp_path_factory.mktemp("rendered"))
    cases = all_cases()
    renderer.prerender(case.request() for case in cases)
    for case in cases:
        name = f"{case.id}.yaml"
        out.manifests[name] = renderer.render(case.request())
        (out.directory / name).write_text(out.manifests[name].text)
        out.scenarios[name] = case.id
    return out


def checkov_scans(rendered: Rendered) -> dict[str, dict[str, Any]]:
    """checkov over every rendered scenario, each alone in its own directory (checkov's graph checks, e.g.
    CKV2_K8S_6 "a pod without a NetworkPolicy", connect the files of one directory), all in one process
    (scripts/checkov_scan.py, run by the Python of checkov's virtualenv). Case id -> scan."""
    directories: dict[str, str] = {}
    for name, case_id in sorted(rendered.scenarios.items()):
        alone = rendered.directory / "checkov" / case_id
        alone.mkdir(parents=True, exist_ok=True)
        (alone / name).write_text(rendered.manifests[name].text)
        directories[str(alone)] = case_id
    args: list[str | Path] = [tool("checkov-python"), REPO_ROOT / "scripts" / "checkov_scan.py", *directories]
    for check in POLICY["checkov"].get("skip-checks") or []:
        args += ["--skip-check", check["id"]]
    scans: dict[str, dict[str, Any]] = json.loads(run(args).stdout)
    assert set(scans) == set(directories), f"checkov scanned {sorted(scans)}, not {sorted(directories)}"
    return {directories[directory]: scan for directory, scan in scans.items()}


def checkov_findings(rendered: Rendered) -> tuple[list[Finding], dict[str, int]]:
    findings: list[Finding] = []
    summary = {"passed": 0, "failed": 0, "skipped": 0}
    for scenario, scan in sorted(checkov_scans(rendered).items()):
        for key in summary:
            summary[key] += scan["summary"][key]
        assert scan["summary"]["passed"] > 0, f"checkov evaluated nothing in {scenario}"
        for failed in scan["failed"]:
            kind, _namespace, name = ([*failed["resource"].split("."), "?", "?"])[:3]
            findings.append(Finding("checkov", failed["check_id"], f"{kind}/{name}", scenario, failed["check_name"]))
    return findings, summary


def kube_score_findings(rendered: Rendered) -> tuple[list[Finding], dict[str, int]]:
    settings = POLICY["kube-score"]
    base = [tool("kube-score"), "score", "-o", "json", "--kubernetes-version", settings["kubernetes-version"]]
    for ignored in settings.get("ignore-tests") or []:
        base += ["--ignore-test", ignored["id"]]
    findings: list[Finding] = []
    summary = {"ok": 0, "failed": 0, "skipped": 0}
    for file_name, scenario in sorted(rendered.scenarios.items()):
        proc = run([*base, str(rendered.directory / file_name)], check=False)
        assert proc.returncode in (0, 1), f"kube-score crashed ({proc.returncode}): {proc.stderr}"
        for obj in json.loads(proc.stdout) or []:
            name = f"{obj['type_meta']['kind']}/{obj['object_meta']['name']}"
            for result in obj["checks"]:
                if result["skipped"]:
                    summary["skipped"] += 1
                elif result["grade"] <= 5:  # 1 critical, 5 warning (7 almost ok, 10 ok)
                    summary["failed"] += 1
                    comments = "; ".join(c.get("summary", "") for c in result.get("comments") or [])
                    findings.append(Finding("kube-score", result["check"]["id"], name, scenario, comments))
                else:
                    summary["ok"] += 1
    assert summary["ok"] > 0, "kube-score evaluated nothing"
    return findings, summary


def test_scenarios_cover_values_and_switches(rendered: Rendered) -> None:
    ids = set(rendered.scenarios.values())
    assert {case.id for case in file_cases()} <= ids
    assert {case.id for case in switch_cases()} <= ids
    assert "defaults" in ids


def test_checkov_gate(rendered: Rendered) -> None:
    findings, summary = checkov_findings(rendered)
    print(f"checkov summary over {len(rendered.scenarios)} scenarios: {summary}")
    gate("checkov", findings)


def test_kube_score_gate(rendered: Rendered) -> None:
    findings, summary = kube_score_findings(rendered)
    print(f"kube-score summary over {len(rendered.scenarios)} scenarios: {summary}")
    gate("kube-score", findings)


# --- the skip annotations themselves ------------------------------------------------------------------------------


def workload_skips(render: RenderFunc, overrides: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(checkov check ids, kube-score checks) skipped on the Deployment for these values."""
    deployment = render(overrides).get("Deployment")
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
def test_skip_rendered_only_with_its_value(
    render: RenderFunc, scanner: str, check: str, overrides: dict[str, Any]
) -> None:
    default = workload_skips(render, {})[scanner == "kube-score"]
    opted_in = workload_skips(render, overrides)[scanner == "kube-score"]
    assert check not in default, f"{check} is skipped with the chart defaults"
    assert check in opted_in, f"{check} not skipped with {overrides}"


@pytest.mark.parametrize(("scanner", "check", "overrides"), OPT_OUTS, ids=[f"{c}" for _, c, _ in OPT_OUTS])
def test_skip_dropped_when_cause_removed(
    render: RenderFunc, scanner: str, check: str, overrides: dict[str, Any]
) -> None:
    default = workload_skips(render, {})[scanner == "kube-score"]
    fixed = workload_skips(render, overrides)[scanner == "kube-score"]
    assert check in default, f"{check} not skipped with the chart defaults (update this table and the README)"
    assert check not in fixed, f"{check} still skipped with {overrides}"


def test_checkov_skip_annotations_parse(rendered: Rendered) -> None:
    """checkov splits each skip on "=": one per value, a check id before, a reason after; numbered 1..N."""
    for name, manifest in rendered.manifests.items():
        objects = manifest.jsonpath("metadata.annotations")
        pod_templates = manifest.jsonpath("spec.template.metadata.annotations")
        for found in objects + pod_templates:
            skips = {k: v for k, v in (found or {}).items() if k.startswith("checkov.io/skip")}
            assert sorted(skips) == [f"checkov.io/skip{i}" for i in range(1, len(skips) + 1)], (name, skips)
            for value in skips.values():
                assert value.count("=") == 1, (name, value)
                assert re.fullmatch(r"CKV2?_K8S_\d+=.{10,}", value), (name, value)


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
