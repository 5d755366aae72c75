"""Sessions for the ai-inference chart. `nox` alone runs the default set (the whole test suite).

nox -s lint             ruff, mypy, yamllint, helm lint --strict (helm 3 and 4)
nox -s render           the render tier under helm 3 and helm 4
nox -s ecosystem        docs drift, ct-style lint, policy gates, OCI round trip, actionlint, shellcheck
nox -s smoke            the cluster tier (brings up the local kwok cluster unless KUBECONFIG is set)
nox -s goldens          rewrite tests/goldens from the current chart (not in the default set)
nox -s diagrams         redraw docs/diagrams from values/*.yaml (not in the default set)
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import nox

ROOT = Path(__file__).parent
CHART = ROOT / "charts" / "ai-inference"
VALUES = sorted((ROOT / "values").glob("*.yaml"))
REQUIREMENTS = "tests/requirements.txt"
HELMS = ("helm3", "helm4")
# The newest helm 3 and helm 4 that a registry ships: the input-guard tests run under them too, so a helm upgrade that
# changes the wording or the paths of schema errors shows up here.
NEWEST_HELMS = ("helm3.19", "helm4.3")
GUARD_TESTS = (
    "tests/render/test_bad_inputs.py",
    "tests/render/test_schema_negatives.py",
    "tests/render/test_hostile.py",
    "tests/render/test_validation_coverage.py",
)

nox.options.default_venv_backend = "venv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "render", "ecosystem", "smoke"]


def install_tools(session: nox.Session) -> Path:
    """Install the pinned helm 3, helm 4 and kubectl into .tools/bin and put them on PATH."""
    out = session.run("python", "scripts/install_tools.py", silent=True)
    bin_dir = Path(str(out).strip().splitlines()[-1])
    session.env["PATH"] = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    return bin_dir


@nox.session
def lint(session: nox.Session) -> None:
    """Static checks of the Python code, YAML, shell scripts and the chart."""
    session.install(
        "-r", REQUIREMENTS, "nox==2026.10.20", "ruff==0.17.6", "mypy==2.4.1", "types-PyYAML", "yamllint==1.38.0"
    )
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    session.run("yamllint", "--strict", "values", "charts/ai-inference/Chart.yaml", "charts/ai-inference/values.yaml")
    bin_dir = install_tools(session)
    for helm in HELMS:
        for values in VALUES:
            session.run(
                str(bin_dir / helm), "lint", "--strict", str(CHART), "-f", str(values), silent=True, external=True
            )


@nox.session
@nox.parametrize("helm", HELMS + NEWEST_HELMS)
def render(session: nox.Session, helm: str) -> None:
    """The render tier: helm template + assertions, no cluster. Under the newest helms, the input guards only."""
    session.install("-r", REQUIREMENTS)
    bin_dir = install_tools(session)
    session.env["HELM_BIN"] = str(bin_dir / helm)
    tests = GUARD_TESTS if helm in NEWEST_HELMS else ("tests/render",)
    # -p no:helm-charts: the cluster plugin is not needed to render (and warns about its deprecated fixtures)
    session.run("pytest", *tests, "-p", "no:helm-charts", *session.posargs)


@nox.session
def goldens(session: nox.Session) -> None:
    """Rewrite the golden manifests in tests/goldens and the pinned negative inputs in tests/negatives.json (review
    the diff before committing)."""
    session.install("-r", REQUIREMENTS)
    bin_dir = install_tools(session)
    session.env["HELM_BIN"] = str(bin_dir / "helm4")
    session.run(
        "pytest",
        "tests/render/test_goldens.py",
        "tests/render/test_schema_negatives.py::test_every_constraint_has_a_pinned_negative",
        "-p",
        "no:helm-charts",
        "--update-goldens",
        *session.posargs,
    )
    # the rewritten goldens must compare clean under both helms
    for helm in HELMS:
        session.env["HELM_BIN"] = str(bin_dir / helm)
        session.run("pytest", "tests/render/test_goldens.py", "-p", "no:helm-charts", "-q")


# --- cluster tier (scripts/cluster.sh: local kwok cluster; scripts/kind-cluster.sh: kind) -----------------------

CLUSTER_SH = ("bash", "scripts/cluster.sh")


HOST_STATE = ROOT / ".tools" / "realnode" / "host-before-up.json"
HOST_STATE_PY = "scripts/realnode/hoststate.py"


def _cluster(session: nox.Session) -> tuple[str, bool]:
    """The kubeconfig to test against: the caller's $KUBECONFIG, else the local kwok cluster with its real node (tools
    built, packages installed and cluster brought up here when needed). Also returns whether this call created the
    local cluster; then the host's state was recorded just before (HOST_STATE) for the check after `down`."""
    if os.environ.get("KUBECONFIG"):
        session.log(f"using KUBECONFIG={os.environ['KUBECONFIG']}")
        return os.environ["KUBECONFIG"], False
    session.run(*CLUSTER_SH, "prepare", external=True)
    was_up = session.run(*CLUSTER_SH, "kubeconfig", external=True, silent=True, success_codes=[0, 1])
    created = not str(was_up or "").strip().endswith("kubeconfig.yaml")
    if created:
        session.run("python", HOST_STATE_PY, "snapshot", str(HOST_STATE), external=True)
    try:
        session.run(*CLUSTER_SH, "up", external=True)
    except BaseException:
        if created:  # a half-built cluster (and real node) must not stay behind
            session.run(*CLUSTER_SH, "down", external=True, success_codes=[0, 1])
        raise
    out = session.run(*CLUSTER_SH, "kubeconfig", external=True, silent=True)
    kubeconfig = str(out).strip().splitlines()[-1]
    session.env["KUBECONFIG"] = kubeconfig
    return kubeconfig, created


@nox.session
def smoke(session: nox.Session) -> None:
    """The cluster tier: pytest tests/smoke against $KUBECONFIG, or against the local kwok cluster with its real node,
    which is built if needed, brought up, and torn down afterwards (also on failure) unless it was already running or
    SMOKE_KEEP_CLUSTER=1; after the teardown the host must be as it was before (scripts/realnode/hoststate.py)."""
    session.install("-r", REQUIREMENTS)
    bin_dir = install_tools(session)
    session.env["HELM_BIN"] = os.environ.get("HELM_BIN", str(bin_dir / "helm4"))
    _, created = _cluster(session)
    try:
        session.run("pytest", "tests/smoke", *session.posargs)
    finally:
        if created and os.environ.get("SMOKE_KEEP_CLUSTER") != "1":
            session.run(*CLUSTER_SH, "down", external=True)
            session.run("python", HOST_STATE_PY, "compare", str(HOST_STATE), external=True)


REAL_NODE_OVERLAY = ROOT / "tests" / "smoke" / "realnode-values.yaml"


def _container_status(pod: dict[str, Any], simulated: bool) -> str:
    """What the kubelet reports for a pod's first container: state, readiness, restarts ("simulated" on kwok nodes,
    where no container runs)."""
    if simulated:
        return "simulated (kwok)"
    statuses = pod["status"].get("containerStatuses") or [{}]
    status = statuses[0]
    state = next(iter(status.get("state") or {"-": {}}))
    reason = (status.get("state") or {}).get(state, {}).get("reason", "")
    ready = "ready" if status.get("ready") else "not ready"
    return f"{state}{f' ({reason})' if reason else ''}, {ready}, restarts {status.get('restartCount', 0)}"


def _show_pods(session: nox.Session, kubectl: tuple[str, ...], namespace: str) -> None:
    """Each pod of the release with its phase, node and node pool, and for pods on real nodes their container status."""
    nodes = json.loads(str(session.run(*kubectl, "get", "nodes", "-o", "json", external=True, silent=True)))
    by_name = {n["metadata"]["name"]: n["metadata"] for n in nodes["items"]}
    selector = "app.kubernetes.io/instance=ai-inference"
    out = session.run(
        *kubectl, "get", "pods", "-n", namespace, "-l", selector, "-o", "json", external=True, silent=True
    )
    session.log(f"{'POD':<44} {'PHASE':<10} {'NODE':<34} {'POOL':<9} CONTAINER")
    for pod in json.loads(str(out))["items"]:
        node = pod["spec"].get("nodeName", "-")
        meta = by_name.get(node, {})
        pool = meta.get("labels", {}).get("kubernetes.azure.com/agentpool", "-")
        simulated = meta.get("annotations", {}).get("kwok.x-k8s.io/node") == "fake" or node == "-"
        session.log(
            f"{pod['metadata']['name']:<44} {pod['status'].get('phase', '?'):<10} {node:<34} {pool:<9} "
            + _container_status(pod, simulated)
        )


@nox.session
def deploy(session: nox.Session) -> None:
    """`nox -s deploy -- <env> [--real-node]`: helm upgrade --install values/<env>.yaml (default dev) into namespace
    ai-inference-<env> of $KUBECONFIG or the local kwok cluster, wait, and show each pod's node, node pool and, on the
    real node, its container status. --real-node adds tests/smoke/realnode-values.yaml: the stand-in model server
    on the real pool (CPU values files). The local cluster keeps running (`bash scripts/cluster.sh down` removes it)."""
    args = [a for a in session.posargs if a != "--real-node"]
    env = args[0] if args else "dev"
    values = ROOT / "values" / f"{env}.yaml"
    if not values.is_file():
        session.error(f"no values/{env}.yaml; choose one of: {', '.join(v.stem for v in VALUES)}")
    overlay = ["-f", str(REAL_NODE_OVERLAY)] if "--real-node" in session.posargs else []
    bin_dir = install_tools(session)
    helm = os.environ.get("HELM_BIN", str(bin_dir / "helm4"))
    kubeconfig, _ = _cluster(session)
    namespace = f"ai-inference-{env}"
    kubectl = (str(bin_dir / "kubectl"), "--kubeconfig", kubeconfig)
    found = session.run(
        *kubectl, "get", "namespace", namespace, "-o", "name", external=True, silent=True, success_codes=[0, 1]
    )
    if not str(found or "").strip().startswith("namespace/"):
        session.run(*kubectl, "create", "namespace", namespace, external=True)
    pss = [f"pod-security.kubernetes.io/{mode}=restricted" for mode in ("enforce", "warn", "audit")]
    session.run(*kubectl, "label", "namespace", namespace, *pss, "--overwrite", external=True)
    session.run(
        helm,
        "upgrade",
        "--install",
        "ai-inference",
        str(CHART),
        "-f",
        str(values),
        *overlay,
        "-n",
        namespace,
        "--kubeconfig",
        kubeconfig,
        "--wait",
        "--timeout",
        "180s",
        external=True,
    )
    _show_pods(session, kubectl, namespace)
    if not os.environ.get("KUBECONFIG"):
        session.log(f"cluster left running: export KUBECONFIG={kubeconfig}")
        session.log("tear it down with: bash scripts/cluster.sh down")


# --- ecosystem tier and pictures (docs, ct-style lint, policy gates, OCI, workflow lint) ---------------------------

ECOSYSTEM_REQUIREMENTS = ("yamale==6.1.0", "yamllint==1.38.0")
CHECKOV = "checkov==3.3.30"


def _tool_venv(session: nox.Session, name: str, requirement: str) -> Path:
    """A venv of its own under .nox for a tool whose dependency pins clash with the test requirements (checkov);
    built once per requirement and reused. Returns its bin directory."""
    venv = ROOT / ".nox" / f"tool-{name}"
    stamp = venv / "requirement.txt"
    if not (stamp.is_file() and stamp.read_text().strip() == requirement):
        session.run("python", "-m", "venv", "--clear", str(venv))
        session.run(str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", requirement)
        stamp.write_text(requirement + "\n")
    return venv / "bin"


@nox.session
def ecosystem(session: nox.Session) -> None:
    """Docs drift, ci/ <-> values/, ct-style lint, checkov and kube-score gates, OCI round trip, actionlint,
    pictures. Installs: pinned PyPI packages, checkov in its own venv, Go tools (helm-docs, kube-score, registry,
    actionlint) into .tools/bin, and graphviz/shellcheck with apt-get when missing (as root)."""
    session.install("-r", REQUIREMENTS, *ECOSYSTEM_REQUIREMENTS)
    install_tools(session)
    session.run("python", "scripts/install_go_tools.py", silent=True)
    session.env["CHECKOV_BIN"] = str(_tool_venv(session, "checkov", CHECKOV) / "checkov")
    session.env["BC_SKIP_MAPPING"] = "TRUE"  # checkov: no Prisma Cloud look-ups
    session.run("pytest", "tests/ecosystem", *session.posargs)


@nox.session
def diagrams(session: nox.Session) -> None:
    """Redraw docs/diagrams/<env>.{dot,svg,png} from values/*.yaml (Graphviz dot, installed with apt-get if missing)."""
    session.install("pyyaml==6.0.4")
    bin_dir = install_tools(session)
    session.run("python", "scripts/install_go_tools.py", "dot", silent=True)
    session.env["HELM_BIN"] = str(bin_dir / "helm4")
    session.run("python", "scripts/diagram.py", "--all", *session.posargs)
