"""Run `helm template` and keep what it rendered: the one render path of every tier, script and benchmark.

One `Renderer` per process owns a cache keyed on every input of a render (`RenderRequest`: values files,
overrides, release, namespace, Kubernetes version, API versions, extra flags) for its helm binary and chart
directory, so each unique input is rendered once however many tests ask for it; the chart must not change while a
renderer lives. Below it, helm's output is kept on disk (harness.render_cache, keyed by the digests of the helm
binary, the chart's files, the values files and the command line), so a later process, session or tier that renders
the same input, with the same helm and an unchanged chart, reads it instead of running helm. `Renderer.prerender`
fills the cache from a thread pool: helm is a subprocess, so threads render in parallel on every core.
"""

from __future__ import annotations

import copy
import errno
import functools
import hashlib
import json
import os
import re
import subprocess
import tempfile
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from harness.errors import RenderError
from harness.manifest import Manifest, Obj, load_yaml, parse_manifest
from harness.paths import CHART_DIR, REPO_ROOT, chart_values_files
from harness.render_cache import HelmRun, RenderCache, default_cache_dir

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

# Names other modules import from here (the render API in one place).
__all__ = [
    "CHART_DIR",
    "REPO_ROOT",
    "Manifest",
    "Obj",
    "RenderError",
    "RenderRequest",
    "Renderer",
    "chart_values_files",
    "deep_merge",
    "load_values_file",
    "parse_manifest",
]

DEFAULT_RELEASE = "ai"
DEFAULT_NAMESPACE = "inference"
# The newest minor AKS supports in standard tier when this was written; renders default to it.
DEFAULT_KUBE_VERSION = "1.33.0"
# API versions of the custom resources the chart can render; passed by default so templates that check
# `.Capabilities.APIVersions.Has` render them under `helm template` the way they would on a cluster with the CRDs.
CRD_API_VERSIONS: tuple[str, ...] = (
    "monitoring.coreos.com/v1",
    "monitoring.coreos.com/v1/ServiceMonitor",
    "azmonitoring.coreos.com/v1",
    "azmonitoring.coreos.com/v1/ServiceMonitor",
    "secrets-store.csi.x-k8s.io/v1",
    "secrets-store.csi.x-k8s.io/v1/SecretProviderClass",
)


@functools.cache
def _load_values_file(path: Path, mtime_ns: int) -> Any:  # noqa: ANN401 - parsed YAML is free-form
    return load_yaml(path.read_text(encoding="utf-8"))


def load_values_file(path: Path) -> dict[str, Any]:
    """A values file, parsed once per modification (a private copy: callers may change it)."""
    loaded = _load_values_file(path, path.stat().st_mtime_ns) or {}
    result: dict[str, Any] = copy.deepcopy(loaded)
    return result


def set_path(target: dict[str, Any], dotted: str, value: object) -> None:
    """Set `value` at a `--set`-style dotted path in `target`; `\\.` escapes a dot inside a key (`nvidia\\.com/gpu`)."""
    keys = [part.replace("\x00", ".") for part in dotted.replace("\\.", "\x00").split(".")]
    node = target
    for key in keys[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[keys[-1]] = value


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Merge `over` into a copy of `base` as helm merges values: maps merge key by key, `null` deletes the key
    (how a values file removes a chart default, e.g. a default nodeSelector label), anything else replaces."""
    out: dict[str, Any] = dict(base)
    for key, value in over.items():
        current = out.get(key)
        if value is None:
            out.pop(key, None)
        elif isinstance(current, dict) and isinstance(value, dict):
            out[key] = deep_merge(current, value)
        else:
            out[key] = value
    return out


def overrides_to_values(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Turn `{"gpu.enabled": True, "image": {...}}` into a nested values dict (dotted keys are split)."""
    out: dict[str, Any] = {}
    for dotted, value in overrides.items():
        set_path(out, dotted, value)
    return out


@dataclass(frozen=True)
class RenderRequest:
    """Every input of one `helm template` run. Hashable: it is the cache key."""

    values_files: tuple[Path, ...] = ()
    overrides_json: str = "{}"
    release: str = DEFAULT_RELEASE
    namespace: str = DEFAULT_NAMESPACE
    kube_version: str = DEFAULT_KUBE_VERSION
    api_versions: tuple[str, ...] = CRD_API_VERSIONS
    extra_args: tuple[str, ...] = ()  # more `helm template` flags, e.g. --skip-schema-validation

    @classmethod
    def make(
        cls,
        overrides: Mapping[str, Any] | None = None,
        *,
        values_files: Iterable[Path] = (),
        release: str = DEFAULT_RELEASE,
        namespace: str = DEFAULT_NAMESPACE,
        kube_version: str = DEFAULT_KUBE_VERSION,
        api_versions: Iterable[str] = CRD_API_VERSIONS,
        extra_args: Iterable[str] = (),
    ) -> RenderRequest:
        """Build a request; `overrides` takes `--set`-style dotted keys or nested maps."""
        values = overrides_to_values(overrides or {})
        return cls(
            values_files=tuple(Path(p).resolve() for p in values_files),
            overrides_json=json.dumps(values, sort_keys=True),
            release=release,
            namespace=namespace,
            kube_version=kube_version,
            api_versions=tuple(api_versions),
            extra_args=tuple(extra_args),
        )

    @property
    def overrides(self) -> dict[str, Any]:
        """The overrides as a nested values dict."""
        loaded: dict[str, Any] = json.loads(self.overrides_json)
        return loaded

    def merged_values(self, chart_dir: Path = CHART_DIR) -> dict[str, Any]:
        """values.yaml, then each values file, then the overrides, merged by `deep_merge` (null deletes a key)."""
        merged = load_values_file(chart_dir / "values.yaml")
        for path in self.values_files:
            merged = deep_merge(merged, load_values_file(path))
        return deep_merge(merged, self.overrides)

    def describe(self) -> str:
        """Short human label for failure messages."""
        parts = [p.name for p in self.values_files]
        if self.overrides_json != "{}":
            parts.append(self.overrides_json)
        parts.append(f"k8s {self.kube_version}")
        return " + ".join(parts) or "defaults"


@dataclass
class RenderStats:
    """What the renderer did: unique inputs, in-process cache hits, unique inputs read from the disk cache instead of
    running helm, time spent in helm."""

    unique: int = 0
    hits: int = 0
    disk_hits: int = 0
    helm_seconds: float = 0.0
    failures: int = 0

    def as_dict(self) -> dict[str, float | int]:
        """JSON-friendly copy."""
        return {
            "unique": self.unique,
            "hits": self.hits,
            "disk_hits": self.disk_hits,
            "helm_seconds": round(self.helm_seconds, 3),
            "failures": self.failures,
        }


class Renderer:
    """Renders the chart with one helm binary; caches every result (success or `RenderError`) per unique input."""

    def __init__(
        self, helm: Path, chart_dir: Path = CHART_DIR, workers: int | None = None, *, cache_dir: Path | None = None
    ) -> None:
        """`cache_dir`: the disk cache's directory (default `default_cache_dir()`, which may turn it off)."""
        self.helm = helm
        self.chart_dir = chart_dir
        root = cache_dir or default_cache_dir()
        self.disk = RenderCache(root, helm, chart_dir) if root is not None else None
        self.workers = workers or max(2, os.cpu_count() or 2)
        self.stats = RenderStats()
        self._lock = threading.Lock()
        self._futures: dict[RenderRequest, Future[Manifest]] = {}
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="helm")
        self._tmp = tempfile.TemporaryDirectory(prefix="render-")

    def close(self) -> None:
        """Stop the thread pool, remove temporary values files, keep the disk cache within its size."""
        self._pool.shutdown(wait=True)
        self._tmp.cleanup()
        if self.disk is not None and self.stats.unique > self.stats.disk_hits:
            self.disk.prune()

    def helm_version(self) -> str:
        """`helm version --short` of the binary."""
        out = subprocess.run([str(self.helm), "version", "--short"], capture_output=True, text=True, check=True)
        return out.stdout.strip()

    @functools.cached_property
    def helm_major(self) -> int:
        """The major version of the helm binary (3 or 4)."""
        match = re.match(r"v(\d+)", self.helm_version())
        return int(match[1]) if match else 0

    def notes(self, request: RenderRequest) -> str:
        """NOTES.txt as `helm install --dry-run=client` prints it (`helm template` does not render notes), uncached;
        raises `RenderError` when helm fails."""
        cmd = [str(self.helm), "install", request.release, str(self.chart_dir), "--namespace", request.namespace]
        cmd += ["--dry-run=client", *self.value_args(request)]
        proc = _run_helm(cmd)
        if proc.returncode != 0:
            raise RenderError(cmd, proc.returncode, proc.stderr)
        return proc.stdout.split("NOTES:", 1)[1] if "NOTES:" in proc.stdout else ""

    def value_args(self, request: RenderRequest) -> list[str]:
        """helm's `--values` arguments for the request's values files and overrides (the overrides go into a values
        file of the renderer's temporary directory). `helm install` and `helm upgrade` take the same arguments."""
        args: list[str] = []
        for path in request.values_files:
            args += ["--values", str(path)]
        overrides_file = self._overrides_file(request)
        if overrides_file is not None:
            if not overrides_file.exists():  # written whole, then moved in: a helm reading it never sees half
                partial = overrides_file.with_name(f"{overrides_file.name}.{threading.get_ident()}")
                partial.write_text(yaml.safe_dump(request.overrides, sort_keys=True), encoding="utf-8")
                partial.replace(overrides_file)
            args += ["--values", str(overrides_file)]
        return args

    def _overrides_file(self, request: RenderRequest) -> Path | None:
        if request.overrides_json == "{}":
            return None
        name = hashlib.sha256(request.overrides_json.encode()).hexdigest()[:16]
        return Path(self._tmp.name) / f"overrides-{name}.yaml"

    def command(self, request: RenderRequest) -> list[str]:
        """The `helm template` command line for a request."""
        cmd = [str(self.helm), "template", request.release, str(self.chart_dir), "--namespace", request.namespace]
        cmd += ["--kube-version", request.kube_version]
        for api in request.api_versions:
            cmd += ["--api-versions", api]
        return [*cmd, *self.value_args(request), *request.extra_args]

    def run_helm(self, request: RenderRequest) -> subprocess.CompletedProcess[str]:
        """Run `helm template` for the request, uncached and unparsed (benchmarks time this)."""
        return _run_helm(self.command(request))

    def cache_key(self, request: RenderRequest) -> str | None:
        """The disk cache's key of `request` (None without a disk cache): its command line with the helm binary, the
        chart directory and the overrides file named by what they hold rather than where they are."""
        if self.disk is None:
            return None
        overrides = self._overrides_file(request)
        names = {str(self.chart_dir): "<chart>", str(overrides): f"<overrides {request.overrides_json}>"}
        return self.disk.key([names.get(word, word) for word in self.command(request)[1:]], request.values_files)

    def _helm_run(self, request: RenderRequest, *, cached: bool) -> HelmRun:
        """helm's result for `request`: from the disk cache when `cached` and stored, else from helm (then stored)."""
        key = self.cache_key(request) if cached else None
        stored = self.disk.get(key) if self.disk is not None and key is not None else None
        if stored is not None:
            with self._lock:
                self.stats.disk_hits += 1
            return stored
        started = time.perf_counter()
        proc = self.run_helm(request)
        with self._lock:
            self.stats.helm_seconds += time.perf_counter() - started
        run = HelmRun(proc.returncode, proc.stdout, proc.stderr)
        # only helm's own verdicts (0: rendered, 1: refused); a run killed by a signal or the machine is not stored
        if self.disk is not None and key is not None and run.returncode in {0, 1}:
            self.disk.put(key, run)
        return run

    def _run(self, request: RenderRequest, *, cached: bool = True) -> Manifest:
        run = self._helm_run(request, cached=cached)
        with self._lock:
            self.stats.unique += 1
            if run.returncode != 0:
                self.stats.failures += 1
        if run.returncode != 0:
            raise RenderError(self.command(request), run.returncode, run.stderr)
        return parse_manifest(request, run.stdout, request.merged_values(self.chart_dir))

    def render_uncached(self, request: RenderRequest) -> Manifest:
        """Run helm for `request` even if it was rendered before, in this process or on disk (determinism checks)."""
        return self._run(request, cached=False)

    def submit(self, request: RenderRequest) -> Future[Manifest]:
        """Start (or reuse) the render of `request`."""
        with self._lock:
            future = self._futures.get(request)
            if future is None:
                future = self._pool.submit(self._run, request)
                self._futures[request] = future
            else:
                self.stats.hits += 1
            return future

    def prerender(self, requests: Iterable[RenderRequest]) -> None:
        """Queue renders in the thread pool without waiting; later `render` calls pick up the results."""
        for request in requests:
            self.submit(request)

    def render(self, request: RenderRequest) -> Manifest:
        """The manifest for `request`; raises `RenderError` (with helm's stderr) when helm fails."""
        return self.submit(request).result()

    def render_error(self, request: RenderRequest) -> RenderError:
        """The `RenderError` of a render that must fail; fails the test when helm succeeds."""
        try:
            manifest = self.render(request)
        except RenderError as err:
            return err
        kinds = sorted(manifest.kinds_names)
        msg = f"expected helm template to fail for {request.describe()}, but it rendered {kinds}"
        raise AssertionError(msg)


# exec of the ~60 MB helm binary from several threads at once now and then fails with EFAULT on some sandboxed
# kernels; it is not helm failing, so try again
_TRANSIENT_EXEC_ERRORS = {errno.EFAULT, errno.EAGAIN, errno.ETXTBSY, errno.ENOMEM}


def _run_helm(cmd: Sequence[str], attempts: int = 4) -> subprocess.CompletedProcess[str]:
    for attempt in range(1, attempts):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False)
        except OSError as err:
            if err.errno not in _TRANSIENT_EXEC_ERRORS:
                raise
            time.sleep(0.05 * attempt)
    return subprocess.run(cmd, capture_output=True, text=True, check=False)  # last attempt: errors propagate


def templates_use_kube_version(chart_dir: Path = CHART_DIR) -> bool:
    """Whether any template reads `.Capabilities.KubeVersion` (then output can differ per Kubernetes minor)."""
    templates = (p for p in (chart_dir / "templates").rglob("*") if p.is_file())
    return any("Capabilities.KubeVersion" in p.read_text(encoding="utf-8") for p in templates)


def assert_messages(error: RenderError, patterns: Iterable[str]) -> None:
    """Every regex in `patterns` must be found (case-insensitive, multi-line) in helm's stderr."""
    missing = [p for p in patterns if not re.search(p, error.stderr, re.IGNORECASE | re.MULTILINE)]
    if missing:
        msg = f"helm failed, but its message lacks {missing!r}.\nstderr:\n{error.stderr}"
        raise AssertionError(msg)
