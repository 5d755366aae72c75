"""The chart README's adoption of the kubectl-applied roo-vision app, checked without a cluster.

Its commands use only flags the helm under test has (the render tier runs under Helm 3 and Helm 4), the reference
manifests (docs/roo-vision/manifests) and the values files that adopt them name the same objects with the same
selector, port and image, and an adopt values file renders exactly what its base file renders, minus the Secret.
The smoke tier (tests/smoke/test_adopt.py) runs the same commands on a cluster.
"""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING, Any

import pytest
from harness.adoption import README_NAMESPACE, RELEASE, SECRET, STEPS, VARIANTS, Variant, long_flags, readme_blocks
from harness.render import REPO_ROOT, RenderRequest

if TYPE_CHECKING:
    from harness.render import Manifest, Renderer

# Objects only the chart renders (the manifests have none of them): adopted by nobody, created by the install.
CHART_ONLY = {"ServiceAccount", "PodDisruptionBudget", "Pod"}  # Pod: the helm test hook
BASE_FILES = {
    "values/roo-vision-adopt.yaml": "values/roo-vision.yaml",
    "values/roo-vision-gpu-adopt.yaml": "values/roo-vision-gpu.yaml",
}


def render(renderer: Renderer, values: str) -> Manifest:
    return renderer.render(
        RenderRequest.make(values_files=[REPO_ROOT / values], release=RELEASE, namespace=README_NAMESPACE)
    )


def helm_help(renderer: Renderer, command: str) -> str:
    return subprocess.run(
        [str(renderer.helm), command, "--help"], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def test_readme_has_every_step() -> None:
    blocks = readme_blocks()
    assert set(blocks) == set(STEPS), blocks.keys()
    for helm in ("helm3", "helm4"):
        (command,) = blocks[helm]
        assert command.startswith(f"helm install {RELEASE} charts/ai-inference -n {README_NAMESPACE} -f "), command


def test_readme_flags_exist_in_this_helm(renderer: Renderer) -> None:
    """Every flag of this helm's adoption command is in `helm install --help`, and so are the check's `helm
    template` flags; the other helm's flags are not all there (they differ on purpose)."""
    blocks = readme_blocks()
    mine, other = ("helm4", "helm3") if renderer.helm_major == 4 else ("helm3", "helm4")
    install_help = helm_help(renderer, "install")
    (command,) = blocks[mine]
    missing = sorted(f for f in long_flags(command) if f"{f} " not in install_help and f"{f}=" not in install_help)
    assert not missing, f"{mine} block uses flags `helm install` lacks: {missing}"
    (other_command,) = blocks[other]
    assert any(f"{f} " not in install_help for f in long_flags(other_command) - long_flags(command))
    template_help = helm_help(renderer, "template")
    for check in blocks["check"]:
        helm_part = check.split("|")[0]
        assert all(f"{f} " in template_help for f in long_flags(helm_part)), helm_part


def manifest_index(variant: Variant) -> dict[tuple[str, str], dict[str, Any]]:
    return {(o["kind"], o["metadata"]["name"]): o for o in variant.manifest_objects()}


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_values_adopt_every_manifest_object(renderer: Renderer, variant: Variant) -> None:
    """Every object of the manifests (but the kept Secret) has a rendered object of the same kind and name, so Helm
    adopts it instead of creating a second one; the chart adds only the objects in CHART_ONLY."""
    manifests = manifest_index(variant)
    rendered = render(renderer, variant.values).kinds_names
    kept = {("Secret", SECRET)} if variant.kept_secret else set()
    assert set(manifests) - kept <= rendered, sorted(set(manifests) - kept - rendered)
    assert not kept & rendered, "the kept Secret would be rendered (and its key overwritten)"
    assert {kind for kind, _ in rendered - set(manifests)} <= CHART_ONLY, sorted(rendered - set(manifests))


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_values_keep_what_the_running_app_depends_on(renderer: Renderer, variant: Variant) -> None:
    """The immutable selector, the Service's selector, port, unnamed port and target, the image, the replica count
    and the container's port and env sources are the manifests' own."""
    manifests, m = manifest_index(variant), render(renderer, variant.values)
    live_dep, dep = manifests["Deployment", "roo-vision"], m.get("Deployment", "roo-vision")
    assert dep["spec"]["selector"] == live_dep["spec"]["selector"]
    assert dep["spec"]["replicas"] == live_dep["spec"]["replicas"]
    (live_c,) = live_dep["spec"]["template"]["spec"]["containers"]
    (c,) = (c for c in dep["spec"]["template"]["spec"]["containers"] if c["name"] == live_c["name"])
    assert c["image"] == live_c["image"]
    assert [p["containerPort"] for p in c["ports"]] == [p["containerPort"] for p in live_c["ports"]]
    env = {e["name"]: e for e in c["env"]}
    assert all(env[e["name"]] == e for e in live_c["env"]), live_c["env"]
    live_svc, svc = manifests["Service", "roo-vision-svc"]["spec"], m.get("Service", "roo-vision-svc")["spec"]
    assert svc["selector"] == live_svc["selector"]
    assert [(p.get("name"), p["port"], p["targetPort"]) for p in svc["ports"]] == [
        (p.get("name"), p["port"], p["targetPort"]) for p in live_svc["ports"]
    ]


@pytest.mark.parametrize("adopt", sorted(BASE_FILES))
def test_adopt_file_is_its_base_without_the_secret(renderer: Renderer, adopt: str) -> None:
    """values/roo-vision-adopt.yaml renders what values/roo-vision.yaml renders, except the Secret (nothing else
    depends on it); the same for the GPU pair."""

    def without_secret(m: Manifest) -> dict[tuple[str, str], Any]:
        return {(o["kind"], o["metadata"]["name"]): o for o in m.objects if o["kind"] != "Secret"}

    base = render(renderer, BASE_FILES[adopt])
    assert base.has("Secret", SECRET)
    assert without_secret(render(renderer, adopt)) == without_secret(base)
