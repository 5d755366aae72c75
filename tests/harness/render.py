"""Run `helm template` and query what it rendered.

One `Renderer` per test session owns a cache keyed on every input of a render (helm binary, chart contents,
values files, overrides, release, namespace, Kubernetes version, API versions), so each unique input is rendered
once however many tests ask for it. `Renderer.prerender` fills the cache from a thread pool: helm is a subprocess,
so threads render in parallel on every core.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from jsonpath_ng.ext.parser import parse as jsonpath_parse

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

REPO_ROOT = Path(__file__).resolve().parents[2]
# RENDER_CHART_DIR points the harness at a scratch copy of the chart (to see checks fail on deliberate breakage).
CHART_DIR = Path(os.environ.get("RENDER_CHART_DIR", REPO_ROOT / "charts" / "ai-inference")).resolve()
DEFAULT_HELM = REPO_ROOT / ".tools" / "bin" / "helm4"
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

Obj = dict[str, Any]
# libyaml's loader is ~8x faster than the pure-Python one on helm's output
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:  # noqa: ANN401 - parsed YAML is free-form
    """Parse one YAML document with the fastest safe loader available."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)


@functools.cache
def _load_values_file(path: Path, mtime_ns: int) -> Any:  # noqa: ANN401 - parsed YAML is free-form
    return load_yaml(path.read_text(encoding="utf-8"))


def load_values_file(path: Path) -> dict[str, Any]:
    """A values file, parsed once per modification."""
    loaded = _load_values_file(path, path.stat().st_mtime_ns) or {}
    result: dict[str, Any] = copy.deepcopy(loaded)
    return result


class RenderError(Exception):
    """`helm template` failed; carries the command line and helm's stderr."""

    def __init__(self, cmd: Sequence[str], returncode: int, stderr: str) -> None:
        self.cmd = list(cmd)
        self.returncode = returncode
        self.stderr = stderr
        super().__init__(f"helm template failed (exit {returncode})\n  command: {' '.join(cmd)}\n  stderr:\n{stderr}")


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
    """Merge `over` into a copy of `base` the way helm merges values files: maps merge, `null` deletes the key,
    everything else replaces."""
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
    """Every input of one `helm template` run. Hashable, so it is also the cache key (with the chart digest)."""

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
        )

    @property
    def overrides(self) -> dict[str, Any]:
        """The overrides as a nested values dict."""
        loaded: dict[str, Any] = json.loads(self.overrides_json)
        return loaded

    def merged_values(self, chart_dir: Path = CHART_DIR) -> dict[str, Any]:
        """values.yaml, then each values file, then the overrides, merged as helm does (no null deletion)."""
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


def _source_of(doc_text: str) -> str:
    match = re.search(r"^# Source: (.+)$", doc_text, re.MULTILINE)
    return match[1].strip() if match else "?"


@dataclass
class Manifest:
    """The parsed output of one render: objects in helm's order, with lookups."""

    request: RenderRequest
    text: str
    objects: list[Obj]
    sources: list[str]
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def kinds_names(self) -> set[tuple[str, str]]:
        """The set of `(kind, metadata.name)` pairs."""
        return {(o["kind"], o["metadata"]["name"]) for o in self.objects}

    def by_kind(self, kind: str) -> list[Obj]:
        """All objects of `kind`."""
        return [o for o in self.objects if o.get("kind") == kind]

    def has(self, kind: str, name: str | None = None) -> bool:
        """Whether an object of `kind` (and `name`) was rendered."""
        return any(o["kind"] == kind and (name is None or o["metadata"]["name"] == name) for o in self.objects)

    def get(self, kind: str, name: str | None = None) -> Obj:
        """The one object of `kind` (and `name`); fails when there are none or several."""
        found = [o for o in self.by_kind(kind) if name is None or o["metadata"]["name"] == name]
        if len(found) != 1:
            msg = f"expected exactly one {kind} {name or ''} in {self.request.describe()}, found {len(found)}: "
            raise AssertionError(msg + str(sorted(self.kinds_names)))
        return found[0]

    def jsonpath(self, expr: str, obj: Obj | None = None) -> list[Any]:
        """Values matched by a JSONPath expression (jsonpath-ng extended syntax) in `obj`, or in every object."""
        compiled = _compiled_jsonpath(expr)
        targets = [obj] if obj is not None else self.objects
        return [m.value for target in targets for m in compiled.find(target)]

    def first(self, expr: str, obj: Obj | None = None) -> Any:  # noqa: ANN401 - a value of the rendered YAML
        """The single value a JSONPath expression matches; fails on zero or several matches."""
        found = self.jsonpath(expr, obj)
        if len(found) != 1:
            msg = f"{expr}: expected one match, got {len(found)}: {found!r}"
            raise AssertionError(msg)
        return found[0]

    def pod_templates(self) -> Iterator[tuple[Obj, Obj, Obj]]:
        """`(owner object, pod metadata, pod spec)` for every pod template: workloads, bare Pods (helm test hooks)."""
        for obj in self.objects:
            kind = obj["kind"]
            if kind == "Pod":
                yield obj, obj.get("metadata", {}), obj.get("spec", {})
            elif kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}:
                template = obj.get("spec", {}).get("template", {})
                yield obj, template.get("metadata", {}), template.get("spec", {})
            elif kind == "CronJob":
                template = obj["spec"]["jobTemplate"]["spec"]["template"]
                yield obj, template.get("metadata", {}), template.get("spec", {})


_JSONPATH_CACHE: dict[str, Any] = {}
_JSONPATH_LOCK = threading.Lock()


def _compiled_jsonpath(expr: str) -> Any:  # noqa: ANN401 - jsonpath-ng is untyped
    with _JSONPATH_LOCK:
        if expr not in _JSONPATH_CACHE:
            _JSONPATH_CACHE[expr] = jsonpath_parse(expr)
        return _JSONPATH_CACHE[expr]


def templates_use_kube_version(chart_dir: Path = CHART_DIR) -> bool:
    """Whether any template reads `.Capabilities.KubeVersion` (then output can differ per Kubernetes minor)."""
    templates = (p for p in (chart_dir / "templates").rglob("*") if p.is_file())
    return any("Capabilities.KubeVersion" in p.read_text(encoding="utf-8") for p in templates)


def chart_digest(chart_dir: Path) -> str:
    """Digest of every file in the chart, so an edited template invalidates the cache."""
    digest = hashlib.sha256()
    for path in sorted(p for p in chart_dir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(chart_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class RenderStats:
    """What the renderer did: unique renders, cache hits, time spent in helm."""

    unique: int = 0
    hits: int = 0
    helm_seconds: float = 0.0
    failures: int = 0

    def as_dict(self) -> dict[str, float | int]:
        """JSON-friendly copy."""
        return {
            "unique": self.unique,
            "hits": self.hits,
            "helm_seconds": round(self.helm_seconds, 3),
            "failures": self.failures,
        }


class Renderer:
    """Renders the chart with one helm binary; caches every result (success or `RenderError`) per unique input."""

    def __init__(self, helm: Path, chart_dir: Path = CHART_DIR, workers: int | None = None) -> None:
        self.helm = helm
        self.chart_dir = chart_dir
        self.workers = workers or max(2, os.cpu_count() or 2)
        self.stats = RenderStats()
        self._digest = chart_digest(chart_dir)
        self._lock = threading.Lock()
        self._futures: dict[RenderRequest, Future[Manifest]] = {}
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="helm")
        self._tmp = tempfile.TemporaryDirectory(prefix="render-")

    def close(self) -> None:
        """Stop the thread pool and remove temporary values files."""
        self._pool.shutdown(wait=True)
        self._tmp.cleanup()

    def helm_version(self) -> str:
        """`helm version --short` of the binary."""
        out = subprocess.run([str(self.helm), "version", "--short"], capture_output=True, text=True, check=True)
        return out.stdout.strip()

    @property
    def helm_major(self) -> int:
        """3 or 4."""
        match = re.match(r"v(\d+)", self.helm_version())
        return int(match[1]) if match else 0

    def command(self, request: RenderRequest, overrides_file: Path | None) -> list[str]:
        """The `helm template` command line for a request."""
        cmd = [
            str(self.helm),
            "template",
            request.release,
            str(self.chart_dir),
            "--namespace",
            request.namespace,
            "--kube-version",
            request.kube_version,
        ]
        for api in request.api_versions:
            cmd += ["--api-versions", api]
        for path in request.values_files:
            cmd += ["--values", str(path)]
        if overrides_file is not None:
            cmd += ["--values", str(overrides_file)]
        cmd += list(request.extra_args)
        return cmd

    def _run(self, request: RenderRequest) -> Manifest:
        overrides_file: Path | None = None
        if request.overrides_json != "{}":
            name = hashlib.sha256(request.overrides_json.encode()).hexdigest()[:16]
            overrides_file = Path(self._tmp.name) / f"overrides-{name}.yaml"
            if not overrides_file.exists():
                overrides_file.write_text(yaml.safe_dump(request.overrides, sort_keys=True), encoding="utf-8")
        cmd = self.command(request, overrides_file)
        started = time.perf_counter()
        proc = _run_helm(cmd)
        elapsed = time.perf_counter() - started
        with self._lock:
            self.stats.unique += 1
            self.stats.helm_seconds += elapsed
            if proc.returncode != 0:
                self.stats.failures += 1
        if proc.returncode != 0:
            raise RenderError(cmd, proc.returncode, proc.stderr)
        return parse_manifest(request, proc.stdout, request.merged_values(self.chart_dir))

    def render_uncached(self, request: RenderRequest) -> Manifest:
        """Run helm for `request` even if it was rendered before (determinism checks)."""
        return self._run(request)

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


# exec of the ~60 MB helm binary from several threads at once now and then fails with EFAULT on this kind of
# sandboxed kernel; it is not helm failing, so try again
_TRANSIENT_EXEC_ERRORS = {errno.EFAULT, errno.EAGAIN, errno.ETXTBSY, errno.ENOMEM}


def _run_helm(cmd: list[str], attempts: int = 4) -> subprocess.CompletedProcess[str]:
    for attempt in range(1, attempts + 1):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False)
        except OSError as err:
            if err.errno not in _TRANSIENT_EXEC_ERRORS or attempt == attempts:
                raise
            time.sleep(0.05 * attempt)
    msg = "unreachable"
    raise AssertionError(msg)


def parse_manifest(request: RenderRequest, text: str, values: dict[str, Any]) -> Manifest:
    """Split helm's output into YAML documents, drop empty ones, and keep each object's template path."""
    objects: list[Obj] = []
    sources: list[str] = []
    for chunk in re.split(r"^---\s*$", text, flags=re.MULTILINE):
        doc = load_yaml(chunk)
        if doc is None:
            continue
        if not isinstance(doc, dict) or "kind" not in doc:
            msg = f"rendered document is not a Kubernetes object ({_source_of(chunk)}): {chunk[:200]!r}"
            raise AssertionError(msg)
        objects.append(doc)
        sources.append(_source_of(chunk))
    return Manifest(request=request, text=text, objects=objects, sources=sources, values=values)


def assert_messages(error: RenderError, patterns: Iterable[str]) -> None:
    """Every regex in `patterns` must be found (case-insensitive, multi-line) in helm's stderr."""
    missing = [p for p in patterns if not re.search(p, error.stderr, re.IGNORECASE | re.MULTILINE)]
    if missing:
        msg = f"helm failed, but its message lacks {missing!r}.\nstderr:\n{error.stderr}"
        raise AssertionError(msg)


def values_file_id(path: Path) -> str:
    """A test id for a values file."""
    return path.stem


def chart_values_files(root: Path = REPO_ROOT) -> list[Path]:
    """The scenario files `values/*.yaml`, discovered by glob so a new file joins every parametrized test."""
    return sorted((root / "values").glob("*.yaml"))
