"""The values check for teams: every check of the chart, without a cluster, on your own values files.

    ai-inference-values-check values/*.yaml                       # against the chart this package ships
    ai-inference-values-check --base common.yaml envs/*.yaml       # common.yaml first, then each file
    ai-inference-values-check --chart oci://myacr.azurecr.io/helm/ai-inference --version 0.1.0 envs/*.yaml

For each values file (after the `--base` files) it runs `helm template` of the chart, which applies values.schema.json
and every check the chart makes with `fail` (the ones `helm lint --strict` and `ct lint` only log), then validates
every rendered object against the strict Kubernetes schemas of each AKS minor and the CRD schemas AKS serves on it,
and applies the Pod Security "restricted" and AKS Deployment Safeguards rules of the chart's own test suite. Each
problem is one line, `<file>: <key or object>: <what is wrong>`; the chart's warnings follow as `<file>: warning: ...`.
Exit status: 0 when every file passes, 1 when one does not, 2 when the check itself cannot run (no helm, no chart).
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from harness.errors import HarnessError, RenderError
from harness.kube_schema import KUBE_VERSIONS, schema_errors
from harness.paths import CHART_DIR
from harness.render import DEFAULT_KUBE_VERSION, Renderer, RenderRequest, templates_use_kube_version
from harness.rules import RULES, check
from harness.schema_walk import parse_report
from harness.tools import run

# The chart this package ships: the repository's in a checkout, else the copy in the package (pip, pipx, pre-commit).
PACKAGED_CHART = Path(__file__).resolve().parent / "data" / "chart"
# Report lines that only say that a combinator or a branch failed; the line below them names the problem.
_WRAPPERS = re.compile(
    r"^(validation failed|'(allOf|anyOf|oneOf|then)' failed|Must validate (all the schemas|\"then\")).*$"
)


class CheckSetupError(HarnessError):
    """The check cannot run: no helm, no chart, a chart of another version than asked for."""


@dataclass
class Report:
    """The problems and warnings of one values file."""

    file: str
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What the check prints for this file."""
        return [f"{self.file}: {p}" for p in self.problems] + [f"{self.file}: warning: {w}" for w in self.warnings]


def helm_problems(stderr: str) -> list[str]:
    """helm's refusal as `<key>: <message>` lines: the schema report and the chart's `ai-inference:` lines; helm's
    own text when it is neither (a YAML error in the values file)."""
    problems = [
        f"{line.path or '(root)'}: {line.text.strip()}"
        for line in parse_report(stderr)
        if not _WRAPPERS.match(line.text.strip())
    ]
    problems += [m.group(1) for m in re.finditer(r"^(?:.*?)ai-inference: (\S.*)$", stderr, re.MULTILINE)]
    if not problems:
        problems = [line for line in stderr.strip().splitlines() if line and not line.startswith("Use --debug")][:5]
    return list(dict.fromkeys(problems))


def check_file(renderer: Renderer, base: list[Path], path: Path, kube_versions: list[str]) -> Report:
    """Every check of the chart on `path` (over the `base` files)."""
    report = Report(str(path))
    per_minor = templates_use_kube_version(renderer.chart_dir)
    for minor in kube_versions if per_minor else [kube_versions[-1]]:
        version = f"{minor}.0" if per_minor else DEFAULT_KUBE_VERSION
        try:
            manifest = renderer.render(RenderRequest.make(values_files=[*base, path], kube_version=version))
        except RenderError as error:
            report.problems += helm_problems(error.stderr)
            return report
        except yaml.YAMLError as error:
            report.problems.append(f"the rendered manifest does not parse: {error}")
            return report
        for schema_minor in [minor] if per_minor else kube_versions:
            report.problems += [error for obj in manifest.objects for error in schema_errors(obj, schema_minor)]
        report.problems += [problem for name in sorted(RULES) for problem in check(manifest, name)]
        report.warnings += re.findall(r"^# WARNING: (.*)$", manifest.text, re.MULTILINE)
    report.problems = list(dict.fromkeys(report.problems))
    report.warnings = list(dict.fromkeys(report.warnings))
    return report


def resolve_chart(chart: str | None, version: str | None, helm: Path, workdir: Path) -> Path:
    """The chart directory to check against: the one given, a pulled `oci://` or repository reference (`--version`),
    an unpacked `.tgz`, else the chart this package ships. A directory whose Chart.yaml has another version than
    `--version` is refused."""
    if chart is None:
        chart = str(CHART_DIR if (CHART_DIR / "Chart.yaml").is_file() else PACKAGED_CHART)
    local = Path(chart)
    if not local.is_dir():
        if local.is_file():  # a packaged chart (helm package)
            with tarfile.open(local) as archive:
                archive.extractall(workdir, filter="data")
        else:
            cmd: list[str | Path] = [helm, "pull", chart, "--untar", "--untardir", workdir]
            run(cmd + (["--version", version] if version else []))
        found = [p.parent for p in workdir.glob("*/Chart.yaml")]
        if len(found) != 1:
            msg = f"{chart} holds {len(found)} charts, not one"
            raise CheckSetupError(msg)
        local = found[0]
    chart_yaml = local / "Chart.yaml"
    meta = yaml.safe_load(chart_yaml.read_text(encoding="utf-8")) if chart_yaml.is_file() else None
    if not isinstance(meta, dict):
        msg = f"{local}: no Chart.yaml, not a chart"
        raise CheckSetupError(msg)
    if version and str(meta.get("version")) != version:
        msg = f"{local} is chart version {meta.get('version')}, not {version}"
        raise CheckSetupError(msg)
    return local


def values_files(patterns: list[str]) -> list[Path]:
    """The files the arguments name: paths, or glob patterns (`envs/**/*.yaml`) for shells and CI inputs that do not
    expand them."""
    found: list[Path] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(pattern) else [pattern]
        if not matches:
            msg = f"{pattern}: no values file matches"
            raise CheckSetupError(msg)
        found += [Path(m) for m in matches if Path(m) not in found]
    return found


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="ai-inference-values-check", description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="values files or glob patterns, each checked on its own")
    parser.add_argument(
        "--base", action="append", default=[], help="values file applied before each, not checked alone (repeatable)"
    )
    parser.add_argument("--chart", help="chart directory, .tgz, oci:// or repo/chart reference (default: shipped)")
    parser.add_argument("--version", help="chart version: pulled for a reference, required to match a directory")
    parser.add_argument("--helm", help="helm binary (default: $HELM_BIN, else helm on PATH)")
    parser.add_argument("--kube-version", action="append", choices=KUBE_VERSIONS, help="AKS minors (default: all)")
    parser.add_argument("--fail-on-warnings", action="store_true", help="treat the chart's warnings as problems")
    return parser.parse_args(argv)


def find_helm(given: str | None) -> Path:
    """The helm to run: `--helm`, else $HELM_BIN, else `helm` on PATH."""
    name = given or os.environ.get("HELM_BIN") or shutil.which("helm")
    if not name or not Path(name).is_file():
        msg = "helm not found: install Helm 3.17+ or 4 (https://helm.sh/docs/intro/install/), or pass --helm"
        raise CheckSetupError(msg)
    return Path(name)


def run_checks(args: argparse.Namespace, workdir: Path) -> tuple[list[Report], str]:
    """Every values file's report, and a line naming the chart and the helm they were checked with."""
    helm = find_helm(args.helm)
    base = values_files(args.base)
    files = [path for path in values_files(args.files) if path.resolve() not in {b.resolve() for b in base}]
    chart = resolve_chart(args.chart, args.version, helm, workdir / "chart")
    renderer = Renderer(helm, chart, cache_dir=workdir / "renders")
    try:
        minors = args.kube_version or list(KUBE_VERSIONS)
        reports = [check_file(renderer, base, path, minors) for path in files]
        meta = yaml.safe_load((chart / "Chart.yaml").read_text(encoding="utf-8"))
        return reports, f"chart {meta.get('name')} {meta.get('version')}, helm {renderer.helm_version()}"
    finally:
        renderer.close()


def main(argv: list[str] | None = None) -> int:
    """Run the check; print one line per problem and warning, then a summary."""
    args = parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="values-check-") as tmp:
            reports, checked_with = run_checks(args, Path(tmp))
    except (HarnessError, OSError) as error:
        print(f"ai-inference-values-check: {error}", file=sys.stderr)
        return 2
    failed = [r for r in reports if r.problems or (args.fail_on_warnings and r.warnings)]
    for report in reports:
        for line in report.lines():
            print(line)
    print(f"{len(reports) - len(failed)} of {len(reports)} values files pass ({checked_with})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
