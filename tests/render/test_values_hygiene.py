"""values.yaml, values.schema.json and the templates agree: every key typed, described, defaulted and used."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest
import yaml
from harness.paths import CHART_DIR, REPO_ROOT, chart_values_files
from harness.render import deep_merge
from harness.template_refs import is_used, read_exceptions, template_references
from harness.values_doc import is_free_form, leaf_paths, parse_doc_comments, resolve_ref, schema_node

if TYPE_CHECKING:
    from pathlib import Path

SCHEMA_PATH = CHART_DIR / "values.schema.json"
VALUES_PATH = CHART_DIR / "values.yaml"
EXCEPTIONS_PATH = REPO_ROOT / "tests" / "values-exceptions.txt"
# Maps whose keys are free (labels, annotations, settings) and Kubernetes objects passed through as they are.
FREE_FORM = {
    ("commonLabels",),
    ("commonAnnotations",),
    ("selectorLabels",),
    ("config",),
    ("podLabels",),
    ("deploymentAnnotations",),
    ("podAnnotations",),
    ("nodeSelector",),
    ("affinity", "podAffinity"),
    ("affinity", "podAntiAffinity"),
    ("resources", "requests"),
    ("resources", "limits"),
    ("gpu", "nodeSelector"),
    ("secrets", "env"),
    ("secrets", "native", "data"),
    ("serviceAccount", "annotations"),
    ("service", "annotations"),
    ("ingress", "annotations"),
    ("httpRoute", "annotations"),
    ("gateway", "annotations"),
    ("gateway", "infrastructureAnnotations"),
    ("autoscaling", "behavior"),
    ("keda", "behavior"),
    ("inferencePool", "endpointPicker", "nodeSelector"),
    ("inferencePool", "endpointPicker", "resources", "requests"),
    ("inferencePool", "endpointPicker", "resources", "limits"),
    ("serviceMonitor", "labels"),
}
# Objects with named, validated properties that stay open for the rest: Helm globals shared with other charts of an
# umbrella release, and Kubernetes objects passed through whole (the API server checks their other fields).
OPEN_WITH_PROPERTIES = {
    ("global",),
    ("extraVolumes", "[]"),
    ("initContainers", "[]"),
    ("sidecars", "[]"),
    ("extraObjects", "[]"),
    ("extraObjects", "[]", "metadata"),
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def values() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(VALUES_PATH.read_text(encoding="utf-8"))
    return loaded


def test_schema_is_valid_draft07(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)


def test_values_yaml_validates(schema: dict[str, Any], values: dict[str, Any]) -> None:
    errors = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in jsonschema.Draft7Validator(schema).iter_errors(values)
    ]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("path", chart_values_files(), ids=lambda p: p.stem)
def test_values_files_validate(schema: dict[str, Any], values: dict[str, Any], path: Path) -> None:
    """Each scenario file merged over values.yaml (null deletes a key, as in helm) is valid."""
    merged = deep_merge(values, yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    errors = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in jsonschema.Draft7Validator(schema).iter_errors(merged)
    ]
    assert not errors, "\n".join(errors)


def test_every_leaf_has_a_described_schema_entry(schema: dict[str, Any], values: dict[str, Any]) -> None:
    problems = []
    for path in leaf_paths(values, schema):
        node = schema_node(schema, path)
        if node is None:
            problems.append(f"{'.'.join(path)}: no schema entry")
        elif not str(node.get("description", "")).strip():
            problems.append(f"{'.'.join(path)}: schema entry has no description")
    assert not problems, "\n".join(problems)


# The parameter tables of the chart README (helm-docs `# @section -- <name>`; tables appear in file order).
SECTIONS = (
    "General",
    "Image",
    "Model server",
    "Placement & GPU",
    "Secrets",
    "Ingress & routing",
    "Scaling",
    "Observability",
    "Security",
)


def test_every_documented_key_has_a_section() -> None:
    problems = [
        f"{'.'.join(path)} (values.yaml:{doc.line}): section {doc.section!r}; allowed: {', '.join(SECTIONS)}"
        for path, doc in parse_doc_comments(VALUES_PATH).items()
        if doc.section not in SECTIONS
    ]
    assert not problems, "add a `# @section -- <name>` line under each `# --` comment:\n" + "\n".join(problems)


def test_defaults_and_examples_validate_against_their_own_schema(schema: dict[str, Any]) -> None:
    problems = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            resolved = dict(node)
            samples = ([node["default"]] if "default" in node else []) + list(node.get("examples", []))
            for sample in samples:
                sub_schema = {**resolved, "definitions": schema["definitions"]}
                sub_schema.pop("default", None)
                for error in jsonschema.Draft7Validator(sub_schema).iter_errors(sample):
                    problems.append(f"{where}: {sample!r}: {error.message}")
            for key, value in node.items():
                if key not in {"default", "examples", "enum", "const"}:
                    walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, f"{where}/{index}")

    walk(schema["properties"], "#/properties")
    assert not problems, "\n".join(problems)


def test_every_object_is_closed_except_free_form_maps(schema: dict[str, Any]) -> None:
    """additionalProperties: false on every object with named properties; the free-form maps are exactly FREE_FORM."""
    problems = []
    free = set()

    def walk(node: dict[str, Any], path: tuple[str, ...]) -> None:
        node = dict(resolve_ref(schema, node))
        for part in node.get("allOf", []):
            node.update(resolve_ref(schema, part))
        if node.get("type") == "object" or "properties" in node:
            open_ok = path in OPEN_WITH_PROPERTIES
            if "properties" in node and node.get("additionalProperties") is not False and not open_ok:
                problems.append(f"{'.'.join(path)}: has properties but additionalProperties is not false")
            if "properties" not in node and is_free_form(node):
                free.add(path)
        for key, child in node.get("properties", {}).items():
            walk(child, (*path, key))
        items = node.get("items")
        if isinstance(items, dict):
            walk(items, (*path, "[]"))

    walk(schema, ())
    assert schema.get("additionalProperties") is False
    assert not problems, "\n".join(problems)
    # list items passed through as Kubernetes objects (metrics, extraFrom, ...) are free-form too
    unexpected = {p for p in free if "[]" not in p} - FREE_FORM
    assert not unexpected, f"free-form maps not in FREE_FORM: {sorted(unexpected)}"


def test_switch_enums_and_constraints(schema: dict[str, Any]) -> None:
    def node(dotted: str) -> dict[str, Any]:
        found = schema_node(schema, tuple(dotted.split(".")))
        assert found is not None, dotted
        merged = dict(found)
        for part in found.get("allOf", []):
            merged.update(resolve_ref(schema, part))
        return merged

    assert node("secrets.provider")["enum"] == ["native", "csi"]
    assert node("ingress.controller")["enum"] == ["nginx", "agic"]
    assert set(node("strategy.type")["enum"]) == {"RollingUpdate", "Recreate"}
    assert set(node("modelCache.type")["enum"]) == {"emptyDir", "existingClaim", "pvc"}
    assert set(node("ingress.agic.backendProtocol")["enum"]) == {"http", "https"}
    assert node("gpu.count")["minimum"] == 1
    assert node("autoscaling.minReplicas")["minimum"] == 1
    assert node("replicaCount")["minimum"] == 0
    for port in ("containerPort", "service.port"):
        assert (node(port)["minimum"], node(port)["maximum"]) == (1, 65535)
    objects = schema_node(schema, ("secrets", "csi", "objects"))
    assert objects is not None
    assert objects["items"]["properties"]["objectType"]["enum"] == ["secret", "key", "cert"]


def test_every_value_is_used_by_a_template(schema: dict[str, Any], values: dict[str, Any]) -> None:
    refs = template_references(sorted(p for p in (CHART_DIR / "templates").rglob("*") if p.is_file()))
    exceptions = read_exceptions(EXCEPTIONS_PATH)
    leaves = {".".join(p): p for p in leaf_paths(values, schema)}
    unused = [dotted for dotted, path in leaves.items() if not is_used(path, refs) and dotted not in exceptions]
    assert not unused, (
        f"values no template reads (use them, or list them with a reason in {EXCEPTIONS_PATH.name}): {unused}"
    )
    stale = [k for k in exceptions if k not in leaves or is_used(leaves[k], refs)]
    assert not stale, f"stale entries in {EXCEPTIONS_PATH.name}: {stale}"
    missing_reason = [k for k, reason in exceptions.items() if not reason]
    assert not missing_reason, f"exceptions without a reason: {missing_reason}"
