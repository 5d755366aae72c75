"""What one render produced: Kubernetes objects in helm's order, with lookups and JSONPath queries.

`Manifest.containers()` is the one walk over every container of every pod the chart can render: Deployments and
other workloads, bare Pods (the `helm test` hook), and in each the init containers (native sidecars included),
containers and ephemeral containers.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml
from jsonpath_ng.ext.parser import parse as jsonpath_parse

from harness.errors import ManifestError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from harness.render import RenderRequest

Obj = dict[str, Any]
# libyaml's loader is ~8x faster than the pure-Python one on helm's output
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"})
CONTAINER_SECTIONS = ("initContainers", "containers", "ephemeralContainers")


def load_yaml(text: str) -> Any:  # noqa: ANN401 - parsed YAML is free-form
    """Parse one YAML document with the fastest safe loader available."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)


def ref(obj: Obj) -> str:
    """`Kind/name` of an object."""
    return f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"


class PodTemplate(NamedTuple):
    """A pod the chart renders: the object that carries it, the pod's metadata and its spec."""

    owner: Obj
    meta: Obj
    spec: Obj


class Container(NamedTuple):
    """One container of a rendered pod, with where it sits (for messages)."""

    pod: PodTemplate
    section: str  # initContainers, containers or ephemeralContainers
    spec: Obj

    @property
    def name(self) -> str:
        """The container's name."""
        return str(self.spec.get("name"))

    @property
    def where(self) -> str:
        """`Kind/name section/container`, the prefix of every message about this container."""
        return f"{ref(self.pod.owner)} {self.section}/{self.name}"

    def security(self, key: str) -> Any:  # noqa: ANN401 - a value of the rendered YAML
        """A securityContext field as the kubelet applies it: the container's own, else the pod's."""
        own = self.spec.get("securityContext") or {}
        if key in own:
            return own[key]
        return (self.pod.spec.get("securityContext") or {}).get(key)


def pod_containers(pod: PodTemplate) -> Iterator[Container]:
    """Every container of one pod, init containers first."""
    for section in CONTAINER_SECTIONS:
        for spec in pod.spec.get(section) or []:
            yield Container(pod, section, spec)


_JSONPATH_LOCK = threading.Lock()  # jsonpath-ng's parser is not thread-safe


@cache
def _compiled_jsonpath(expr: str) -> Any:  # noqa: ANN401 - jsonpath-ng is untyped
    with _JSONPATH_LOCK:
        return jsonpath_parse(expr)


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

    def pod_templates(self) -> Iterator[PodTemplate]:
        """`(owner object, pod metadata, pod spec)` for every pod template: workloads, bare Pods (helm test hooks)."""
        for obj in self.objects:
            kind = obj["kind"]
            if kind == "Pod":
                yield PodTemplate(obj, obj.get("metadata", {}), obj.get("spec", {}))
            elif kind in WORKLOAD_KINDS:
                template = obj.get("spec", {}).get("template", {})
                yield PodTemplate(obj, template.get("metadata", {}), template.get("spec", {}))
            elif kind == "CronJob":
                template = obj["spec"]["jobTemplate"]["spec"]["template"]
                yield PodTemplate(obj, template.get("metadata", {}), template.get("spec", {}))

    def containers(self) -> Iterator[Container]:
        """Every container of every pod template (see the module docstring)."""
        for pod in self.pod_templates():
            yield from pod_containers(pod)


def _source_of(doc_text: str) -> str:
    match = re.search(r"^# Source: (.+)$", doc_text, re.MULTILINE)
    return match[1].strip() if match else "?"


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
            raise ManifestError(msg)
        objects.append(doc)
        sources.append(_source_of(chunk))
    return Manifest(request=request, text=text, objects=objects, sources=sources, values=values)
