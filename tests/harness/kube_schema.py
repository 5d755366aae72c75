"""Validate rendered objects strictly (unknown fields are errors) against Kubernetes and CRD JSON schemas, offline.

Built-in kinds use the `*-local-strict` schemas bundled with kubernetes-validate (one directory per Kubernetes
minor). Its `validate()` re-reads and re-parses the schema files on every call, so this module loads each
directory's `_definitions.json` once into a `referencing` registry and keeps one compiled validator per
(version, apiVersion, kind). Custom resources use the schemas in tests/schemas/ (generated from tests/crds/ by
scripts/generate/crd_schemas.py): those at its top level for every minor, plus for each minor the versioned sets that an
AKS cluster of that minor serves (tests/crds/aks-versions.txt: the Managed Gateway API bundle, the KEDA add-on), so an
HTTPRoute field that only Gateway API v1.3 has fails on 1.31-1.33. The kinds of add-ons AKS does not install per minor
(tests/crds/extension-versions.txt: the Inference Extension's InferencePool, Istio's DestinationRule) are checked
against every version listed there, on every minor. A kind with no schema is an error, never a silent skip.
"""

from __future__ import annotations

import json
import re
import threading
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import referencing
from referencing.jsonschema import DRAFT202012

from harness.paths import REPO_ROOT

if TYPE_CHECKING:
    from collections.abc import Mapping
    from importlib.resources.abc import Traversable

# Kubernetes minors AKS supports (standard + LTS) when this was written; every object is checked against each.
KUBE_VERSIONS: tuple[str, ...] = ("1.31", "1.32", "1.33", "1.34", "1.35", "1.36")
_PACKAGE_DATA = Path(__file__).resolve().parent / "data"


def _data_path(in_repository: Path, packaged: Path) -> Path:
    """A data path of the repository (a checkout, an editable install), else the copy a built package ships (the
    values check installed with pip, pipx or pre-commit; pyproject.toml maps it into harness/data)."""
    return in_repository if in_repository.exists() else packaged


CRD_SCHEMA_DIR = _data_path(REPO_ROOT / "tests" / "schemas", _PACKAGE_DATA / "schemas")
AKS_VERSIONS_FILE = _data_path(
    REPO_ROOT / "tests" / "crds" / "aks-versions.txt", _PACKAGE_DATA / "crds" / "aks-versions.txt"
)
EXTENSION_VERSIONS_FILE = _data_path(
    REPO_ROOT / "tests" / "crds" / "extension-versions.txt", _PACKAGE_DATA / "crds" / "extension-versions.txt"
)

_LOCK = threading.RLock()


def _bundled_dir(version: str) -> Traversable:
    root = resources.files("kubernetes_validate") / "kubernetes-json-schema"
    return root / f"v{version}.0-local-strict"


@cache
def _registry(version: str) -> referencing.Registry[Any]:
    directory = _bundled_dir(version)
    definitions = json.loads((directory / "_definitions.json").read_text(encoding="utf-8"))
    resource = referencing.Resource.from_contents(definitions, default_specification=DRAFT202012)
    registry: referencing.Registry[Any] = referencing.Registry().with_resource(definitions["$id"], resource)
    return registry


def _schema_file_name(api_version: str, kind: str) -> str:
    # kubernetes-validate's naming: rbac.authorization.k8s.io/v1 -> rbac-v1; v1 -> v1
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    return f"{kind.lower()}-{group_version}.json"


@cache
def aks_component_versions() -> dict[str, dict[str, str]]:
    """Kubernetes minor -> {component: version} of the CRD sets an AKS cluster of that minor serves
    (tests/crds/aks-versions.txt; its `# minor ...` line names the components)."""
    rows = [line.split() for line in AKS_VERSIONS_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    header = next(row for row in rows if row[0] == "#" and row[1:2] == ["minor"])[2:]
    return {row[0]: dict(zip(header, row[1:], strict=True)) for row in rows if row[0][0].isdigit()}


def crd_schema_dirs(version: str) -> list[Path]:
    """The schema directories that apply to Kubernetes `version`: the top level, then its versioned sets."""
    sets = aks_component_versions().get(version, {})
    return [CRD_SCHEMA_DIR, *(CRD_SCHEMA_DIR / component / release for component, release in sorted(sets.items()))]


@cache
def extension_versions() -> list[tuple[str, str]]:
    """(component, version) of the add-on CRD sets every render is checked against
    (tests/crds/extension-versions.txt)."""
    rows = [line.split() for line in EXTENSION_VERSIONS_FILE.read_text(encoding="utf-8").splitlines()]
    return [(row[0], row[1]) for row in rows if row and not row[0].startswith("#")]


def _load_validators(directory: Path) -> dict[tuple[str, str], jsonschema.protocols.Validator]:
    validators: dict[tuple[str, str], jsonschema.protocols.Validator] = {}
    for path in sorted(directory.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        kind = schema["properties"]["kind"]["enum"][0]
        for api_version in schema["properties"]["apiVersion"]["enum"]:
            validators[(api_version, kind)] = validator
    return validators


@cache
def extension_validators() -> dict[tuple[str, str], list[tuple[str, jsonschema.protocols.Validator]]]:
    """(apiVersion, kind) -> ("<component> <version>", validator) for every version of
    tests/crds/extension-versions.txt."""
    out: dict[tuple[str, str], list[tuple[str, jsonschema.protocols.Validator]]] = {}
    with _LOCK:
        for component, release in extension_versions():
            for key, validator in _load_validators(CRD_SCHEMA_DIR / component / release).items():
                out.setdefault(key, []).append((f"{component} {release}", validator))
    return out


@cache
def _crd_validators(version: str) -> dict[tuple[str, str], jsonschema.protocols.Validator]:
    validators: dict[tuple[str, str], jsonschema.protocols.Validator] = {}
    for directory in crd_schema_dirs(version):
        validators.update(_load_validators(directory))
    return validators


@cache
def validator_for(version: str, api_version: str, kind: str) -> jsonschema.protocols.Validator:
    """The compiled strict validator of `kind` in `api_version` for Kubernetes `version` (e.g. "1.33")."""
    with _LOCK:
        crd = _crd_validators(version).get((api_version, kind))
        if crd is not None:
            return crd
        path = _bundled_dir(version) / _schema_file_name(api_version, kind)
        if not path.is_file():
            msg = f"no schema for {api_version} {kind} in Kubernetes {version} (and none in tests/schemas/)"
            raise LookupError(msg)
        schema = json.loads(path.read_text(encoding="utf-8"))
        return jsonschema.Draft202012Validator(schema, registry=_registry(version))


def _where(error: jsonschema.ValidationError) -> str:
    return "/".join(str(p) for p in error.absolute_path) or "(root)"


def schema_errors(obj: Mapping[str, Any], version: str) -> list[str]:
    """Readable strict-schema violations of one object for Kubernetes `version` (and, for an add-on kind of
    extension-versions.txt, for each of its versions); empty when valid."""
    name = f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"
    key = (str(obj.get("apiVersion")), str(obj.get("kind")))
    if key in extension_validators():
        return [
            error
            for release, validator in extension_validators()[key]
            for error in _errors(validator, obj, f"{name} (k8s {version}, {release})")
        ]
    try:
        validator = validator_for(version, *key)
    except LookupError as err:
        return [f"{name}: {err}"]
    return _errors(validator, obj, f"{name} (k8s {version})")


def _errors(validator: jsonschema.protocols.Validator, obj: Mapping[str, Any], where: str) -> list[str]:
    out = []
    for error in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path))):
        # oneOf/anyOf errors hide the useful part in their context: report the deepest one
        leaf = error
        while leaf.context:
            leaf = max(leaf.context, key=lambda e: len(e.absolute_path))
        out.append(f"{where} at {_where(leaf)}: {leaf.message}")
    return out
