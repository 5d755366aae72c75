"""Policy gates: checkov and kube-score over the render of every scenario, zero findings beyond the accepted set.

Scenarios (harness.cases, the render tier's matrix): the chart defaults, every gpu x secrets.provider x ingress
combination, every values/*.yaml. The chart renders no scanner suppression (the render tier's `no-scanner-skips` rule
holds every render to that): the findings the project accepts for its own scenarios are listed, each with its
reason, in tests/ecosystem/policy.yaml with the whole-run settings, and in the chart README's "Scanner exceptions"
table. Every relaxation `securityExceptions` offers, switched on, must be reported by the scanners that have a check
for it.
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
from harness.cases import all_cases, file_cases, relaxed, switch_cases
from harness.paths import CHART_DIR, REPO_ROOT
from harness.render import RenderRequest
from harness.tools import run, tool

if TYPE_CHECKING:
    from harness.manifest import Manifest
    from harness.render import Renderer

POLICY_FILE = Path(__file__).with_name("policy.yaml")
POLICY: dict[str, Any] = yaml.safe_load(POLICY_FILE.read_text())
README = CHART_DIR / "README.md"


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


def known_matches(entry: dict[str, Any], finding: Finding) -> bool:
    """A tolerated entry covers the finding: same tool and check, object and scenario matching its globs (`scenario`
    is one glob or a list of them)."""
    scenarios = entry["scenario"] if isinstance(entry["scenario"], list) else [entry["scenario"]]
    return (
        entry["tool"] == finding.tool
        and entry["check"] == finding.check
        and fnmatchcase(finding.object, entry["object"])
        and any(fnmatchcase(finding.scenario, glob) for glob in scenarios)
    )


def tolerated() -> list[dict[str, Any]]:
    """The accepted findings (with their reason) and the known ones (with their fix)."""
    return [*(POLICY.get("accepted-findings") or []), *(POLICY.get("known-findings") or [])]


def gate(tool_name: str, findings: list[Finding]) -> None:
    """Fail on findings outside the tolerated set, and on tolerated entries that no longer match anything."""
    known = [e for e in tolerated() if e["tool"] == tool_name]
    new = sorted(f for f in findings if not any(known_matches(e, f) for e in known))
    stale = [e for e in known if not any(known_matches(e, f) for f in findings)]
    count = len(findings) - len(new)
    print(f"{tool_name}: {len(findings)} findings, {count} tolerated ({len(known)} entries), {len(new)} new")
    problems = [f"NEW {f}" for f in new]
    problems += [f"STALE entry in {POLICY_FILE.name} (no longer found: remove it): {e}" for e in stale]
    assert not problems, f"{tool_name} gate:\n" + "\n".join(problems)


@dataclass
class Rendered:
    """Every scenario rendered into its own file of one directory: file name -> case id and manifest."""

    directory: Path
    scenarios: dict[str, str] = field(default_factory=dict)
    manifests: dict[str, Manifest] = field(default_factory=dict)


def render_all(renderer: Renderer, directory: Path, requests: dict[str, RenderRequest]) -> Rendered:
    """Each request (by scenario id) rendered into `<id>.yaml` of `directory`."""
    out = Rendered(directory)
    renderer.prerender(requests.values())
    for scenario, request in requests.items():
        name = f"{scenario}.yaml"
        out.manifests[name] = renderer.render(request)
        (out.directory / name).write_text(out.manifests[name].text)
        out.scenarios[name] = scenario
    return out


@pytest.fixture(scope="module")
def rendered(renderer: Renderer, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return render_all(renderer, tmp_path_factory.mktemp("rendered"), {c.id: c.request() for c in all_cases()})


def checkov_scans(rendered: Rendered) -> dict[str, dict[str, Any]]:
    """checkov over every rendered scenario, each alone in its own directory (checkov's graph checks, e.g.
    CKV2_K8S_6 "a pod without a NetworkPolicy", connect the files of one directory), all in one process
    (scripts/checks/checkov_scan.py, run by the Python of checkov's virtualenv). Case id -> scan."""
    directories: dict[str, str] = {}
    for name, case_id in sorted(rendered.scenarios.items()):
        alone = rendered.directory / "checkov" / case_id
        alone.mkdir(parents=True, exist_ok=True)
        (alone / name).write_text(rendered.manifests[name].text)
        directories[str(alone)] = case_id
    scan = REPO_ROOT / "scripts" / "checks" / "checkov_scan.py"
    args: list[str | Path] = [tool("checkov-python"), scan, *directories]
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


# --- every relaxation is visible to the scanners --------------------------------------------------------------------

# securityExceptions name -> the (tool, check) findings it must cause on the Deployment (the values that use it:
# harness.cases.RELAXATIONS).
OPT_OUTS: dict[str, set[tuple[str, str]]] = {
    "runAsRoot": {
        ("checkov", "CKV_K8S_23"),
        ("checkov", "CKV_K8S_40"),
        ("kube-score", "container-security-context-user-group-id"),
    },
    "privilegeEscalation": {("checkov", "CKV_K8S_20")},
    "baselineCapabilities": {("checkov", "CKV_K8S_25"), ("checkov", "CKV_K8S_28"), ("checkov", "CKV_K8S_37")},
    "writableRootFilesystem": {
        ("checkov", "CKV_K8S_22"),
        ("kube-score", "container-security-context-readonlyrootfilesystem"),
    },
    "serviceAccountToken": {("checkov", "CKV_K8S_38")},
}
# Relaxations neither scanner has a check for; the render tier's rule of that name sees each (and the catalog refuses
# it without its securityExceptions name).
UNSEEN_BY_SCANNERS = {
    "publicLoadBalancer": "internal-load-balancer",
    "openNetworkPeers": "no-match-all-peers",
    "clusterScopedObjects": "namespaced-objects",
    "hookObjects": "no-hooks",
}


def exception_names() -> set[str]:
    schema = json.loads((CHART_DIR / "values.schema.json").read_text(encoding="utf-8"))
    return set(schema["properties"]["securityExceptions"]["items"]["enum"])


def test_every_exception_is_scanned_or_said_unseen() -> None:
    assert set(OPT_OUTS) | set(UNSEEN_BY_SCANNERS) == exception_names()
    assert not set(OPT_OUTS) & set(UNSEEN_BY_SCANNERS)


@pytest.fixture(scope="module")
def opted_out(renderer: Renderer, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], set[Finding]]:
    """checkov and kube-score over the defaults and over each relaxation switched on: (scenario, kind) -> findings."""
    requests = {"defaults": RenderRequest.make()}
    requests |= {name: RenderRequest.make(relaxed(name)) for name in [*OPT_OUTS, *UNSEEN_BY_SCANNERS]}
    scanned = render_all(renderer, tmp_path_factory.mktemp("opted-out"), requests)
    findings = checkov_findings(scanned)[0] + kube_score_findings(scanned)[0]
    by_scenario: dict[tuple[str, str], set[Finding]] = {}
    for finding in findings:
        by_scenario.setdefault((finding.scenario, finding.object.split("/")[0]), set()).add(finding)
    return by_scenario


@pytest.mark.parametrize("name", sorted(OPT_OUTS))
def test_scanners_report_the_relaxation(opted_out: dict[tuple[str, str], set[Finding]], name: str) -> None:
    """Each check the relaxation must trip fires on the Deployment with it, and not on the chart defaults."""
    expected = OPT_OUTS[name]
    seen = {(f.tool, f.check) for f in opted_out.get((name, "Deployment"), set())}
    baseline = {(f.tool, f.check) for f in opted_out.get(("defaults", "Deployment"), set())}
    assert expected <= seen, (
        f"{name}: the scanners did not report {sorted(expected - seen)}; they reported {sorted(seen)}"
    )
    assert not expected & baseline, f"reported on the defaults already: {sorted(expected & baseline)}"


def _checks(findings: dict[tuple[str, str], set[Finding]], scenario: str) -> set[tuple[str, str]]:
    return {(f.tool, f.check) for (name, _), found in findings.items() if name == scenario for f in found}


@pytest.mark.parametrize("name", sorted(UNSEEN_BY_SCANNERS))
def test_scanners_are_blind_to_the_rest(opted_out: dict[tuple[str, str], set[Finding]], name: str) -> None:
    """What the README says: neither scanner reports these relaxations (a new scanner check for one would show here,
    and the README's exceptions table would name it)."""
    assert _checks(opted_out, name) == _checks(opted_out, "defaults")


def test_readme_states_what_each_exception_trips() -> None:
    """The chart README's exceptions table names, per relaxation, exactly the checks the scans above require."""
    readme = README.read_text()
    section = readme[readme.index("### Exceptions (`securityExceptions`)") :]
    rows = {m[1]: m[2] for m in re.finditer(r"^\| `(\w+)` \|.*\|.*\|(.*)\|$", section, re.MULTILINE)}
    for name in exception_names():
        checks = set(re.findall(r"`([\w-]+)`", rows.get(name, "")))
        want = {check for _, check in OPT_OUTS.get(name, set())} | {UNSEEN_BY_SCANNERS.get(name, "")} - {""}
        assert checks == want, f"README row of {name}: {sorted(checks)}, want {sorted(want)}"


def documented_exceptions() -> set[str]:
    ids = {entry["check"] for entry in POLICY.get("accepted-findings") or []}
    ids |= {entry["id"] for entry in POLICY["kube-score"].get("ignore-tests") or []}
    ids |= {entry["id"] for entry in POLICY["checkov"].get("skip-checks") or []}
    return ids


def test_every_accepted_finding_has_a_reason() -> None:
    missing = [e for e in POLICY.get("accepted-findings") or [] if len(str(e.get("reason", "")).strip()) < 20]
    assert not missing, f"accepted findings without a reason in {POLICY_FILE.name}: {missing}"


def test_every_exception_is_in_the_readme_table() -> None:
    readme = README.read_text()
    start = readme.find("## Scanner exceptions")
    assert start >= 0, "README.md has no '## Scanner exceptions' section"
    section = readme[start : readme.find("\n## ", start + 1)]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    exceptions = documented_exceptions()
    assert exceptions, f"no accepted findings found in {POLICY_FILE.name}: the parser is broken"
    missing = sorted(e for e in exceptions if not any(f"`{e}`" in row for row in rows))
    assert not missing, f"accepted findings missing from the README's scanner exceptions table: {missing}"
    listed = {m for row in rows for m in re.findall(r"`(CKV2?_K8S_\d+|[a-z]+(?:-[a-z]+)+)`", row.split("|")[1])}
    unknown = sorted(listed - exceptions)
    assert not unknown, f"README lists exceptions that {POLICY_FILE.name} no longer has: {unknown}"
