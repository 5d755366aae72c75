"""Every scenario of the matrix renders, validates strictly against each supported Kubernetes minor, and passes
every security and reliability rule."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pytest
from harness.cases import GPU_STATES, INGRESSES, PROVIDERS, Case, all_cases, switch_cases
from harness.kube_schema import KUBE_VERSIONS, schema_errors
from harness.render import DEFAULT_KUBE_VERSION, RenderRequest, templates_use_kube_version
from harness.rules import RULES, check

if TYPE_CHECKING:
    from harness.render import Renderer

CASES = all_cases()
CASE_IDS = [case.id for case in CASES]

# Kinds every scenario renders; the rest depend on the switches.
ALWAYS = {"Deployment", "Service", "ServiceAccount", "ConfigMap"}


def test_matrix_covers_every_switch_combination() -> None:
    ids = {case.id for case in switch_cases()}
    assert len(ids) == len(GPU_STATES) * len(PROVIDERS) * len(INGRESSES)
    for gpu, provider, ingress in itertools.product(("cpu", "gpu"), PROVIDERS, INGRESSES):
        assert f"{gpu}-{provider}-ingress_{ingress}" in ids


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_renders(renderer: Renderer, case: Case) -> None:
    manifest = renderer.render(case.request())
    kinds = {kind for kind, _ in manifest.kinds_names}
    assert kinds >= ALWAYS, f"{case.id}: missing {ALWAYS - kinds}"
    assert len(manifest.kinds_names) == len(manifest.objects), f"{case.id}: duplicate (kind, name) pairs"


def render_version(kube_version: str) -> str:
    """The `--kube-version` to render with for a schema check of `kube_version`: that minor when a template reads
    `.Capabilities.KubeVersion`, else the default (the output cannot differ; test_output_independent_of_kube_version
    checks that)."""
    return f"{kube_version}.0" if templates_use_kube_version() else DEFAULT_KUBE_VERSION


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
def test_output_independent_of_kube_version(renderer: Renderer, kube_version: str) -> None:
    if templates_use_kube_version():
        pytest.skip("templates read .Capabilities.KubeVersion: every minor is rendered separately")
    for case in (CASES[0], CASES[-1]):
        default = renderer.render(case.request())
        other = renderer.render(case.request(kube_version=f"{kube_version}.0"))
        assert other.objects == default.objects, f"{case.id}: output differs on Kubernetes {kube_version}"


@pytest.mark.parametrize("kube_version", ["1.29.0", "1.30.9"])
def test_unsupported_kube_version_refused(renderer: Renderer, kube_version: str) -> None:
    """Chart.yaml kubeVersion >=1.31 (the oldest minor AKS supports)."""
    error = renderer.render_error(RenderRequest.make(kube_version=kube_version))
    assert "kubeVersion" in error.stderr or "incompatible" in error.stderr.lower(), error.stderr


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_kubernetes_schema(renderer: Renderer, case: Case, kube_version: str) -> None:
    """Strict schema of each supported minor (unknown fields are errors)."""
    manifest = renderer.render(case.request(kube_version=render_version(kube_version)))
    errors = [error for obj in manifest.objects for error in schema_errors(obj, kube_version)]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("rule_name", sorted(RULES))
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_rule(renderer: Renderer, case: Case, rule_name: str) -> None:
    manifest = renderer.render(case.request())
    violations = check(manifest, rule_name)
    assert not violations, f"{case.id}:\n" + "\n".join(violations)
