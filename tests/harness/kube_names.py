"""The name and label rules the Kubernetes API server applies (k8s.io/apimachinery/pkg/util/validation), checked on
rendered objects: a value the chart accepts must not produce an object the API server rejects."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
_DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?\Z")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\Z")
# Kinds whose names must be DNS-1035 labels (a Service name becomes a DNS label and environment variable prefix).
_DNS1035_KINDS = {"Service"}
_LABEL_KINDS = {"Service", "Ingress"}  # kinds whose name the API server also requires to be a DNS-1123 label


def qualified_name(key: str) -> str:
    """Empty when `key` is a valid label or annotation key (`[prefix/]name`), else the reason."""
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not _DNS1123_SUBDOMAIN.match(prefix)):
        return "prefix must be a DNS-1123 subdomain of at most 253 characters"
    if len(name) > 63 or not _QUALIFIED_NAME.match(name):
        return "name must be at most 63 characters of [-A-Za-z0-9_.], starting and ending alphanumeric"
    return ""


def _labels(where: str, labels: Mapping[str, Any]) -> Iterator[str]:
    for key, value in labels.items():
        if reason := qualified_name(str(key)):
            yield f"{where}: label key {key!r}: {reason}"
        if not isinstance(value, str) or len(value) > 63 or not _LABEL_VALUE.match(value):
            yield f"{where}: label {key!r}: value {value!r} is not a valid label value (<= 63 characters)"


def _object_name(kind: str, name: Any) -> str:  # noqa: ANN401 - rendered YAML
    if not isinstance(name, str):
        return f"name {name!r} is not a string"
    if kind in _DNS1035_KINDS:
        return "" if len(name) <= 63 and _DNS1035_LABEL.match(name) else "must be a DNS-1035 label (<= 63)"
    if kind in _LABEL_KINDS:
        return "" if len(name) <= 63 and _DNS1123_LABEL.match(name) else "must be a DNS-1123 label (<= 63)"
    return "" if len(name) <= 253 and _DNS1123_SUBDOMAIN.match(name) else "must be a DNS-1123 subdomain (<= 253)"


def problems(obj: Mapping[str, Any]) -> Iterator[str]:
    """Name, label and annotation-key problems of one rendered object (and its pod template)."""
    kind = str(obj.get("kind"))
    meta = obj.get("metadata") or {}
    where = f"{kind}/{meta.get('name')}"
    if reason := _object_name(kind, meta.get("name")):
        yield f"{where}: metadata.name {reason}"
    yield from _labels(where, meta.get("labels") or {})
    for key in meta.get("annotations") or {}:
        if reason := qualified_name(str(key)):
            yield f"{where}: annotation key {key!r}: {reason}"
    template = (obj.get("spec") or {}).get("template") or {}
    yield from _labels(f"{where} pod template", (template.get("metadata") or {}).get("labels") or {})
    pod = template.get("spec") or (obj.get("spec") if kind == "Pod" else None) or {}
    for container in pod.get("containers") or []:
        name = container.get("name")
        if not isinstance(name, str) or len(name) > 63 or not _DNS1123_LABEL.match(name):
            yield f"{where}: container name {name!r} must be a DNS-1123 label (<= 63)"
