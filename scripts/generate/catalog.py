#!/usr/bin/env python3
"""Artifact Hub metadata and the image import list, derived from the chart's renders and its CHANGELOG.

    python3 scripts/generate/catalog.py            # rewrite what is stale
    python3 scripts/generate/catalog.py --check    # write nothing; exit 1 when a file is stale

Writes (Artifact Hub reads the annotations: artifacthub/hub internal/tracker/source/helm/helm.go):

    charts/ai-inference/Chart.yaml          artifacthub.io/images: every image the chart's defaults and each values file
                                            of values/ deploy, the helm test pod's included (from `helm template`);
                                            whitelisted (not scanned by Artifact Hub) when it is not publicly pulled
                                            artifacthub.io/changes, containsSecurityUpdates: the CHANGELOG section of
                                            `version`; artifacthub.io/prerelease: whether `version` is a pre-release
    charts/ai-inference/README.md.gotmpl    the block between the `images:` markers: those images, where each is pulled
                                            from, and one `az acr import` per image a team copies into its ACR, each
                                            to the path the chart pulls with `global.imageRegistry` set to that ACR
    charts/ai-inference/artifacthub-repo.yml  the OCI repository's Artifact Hub metadata: its owners (the maintainers)
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml
from harness.changelog import section
from harness.generated import stale
from harness.manifest import Manifest, PodTemplate, pod_containers
from harness.paths import CHART_DIR, REPO_ROOT, chart_meta, chart_values_files
from harness.render import Renderer, RenderRequest, load_values_file
from harness.tools import helm_binary

if TYPE_CHECKING:
    from pathlib import Path

CHART_YAML = CHART_DIR / "Chart.yaml"
README_TEMPLATE = CHART_DIR / "README.md.gotmpl"
REPO_METADATA = CHART_DIR / "artifacthub-repo.yml"
# The login server the import targets are rendered with (`global.imageRegistry`), and how the README writes it.
ACR = "acr.example.azurecr.io"
ACR_PLACEHOLDER = "<acr-name>"
BEGIN = "<!-- images:begin (scripts/generate/catalog.py writes this block from the renders: edit the values files) -->"
END = "<!-- images:end -->"
# Where an image comes from, as the README's table says it
PUBLIC, CREDENTIALS, YOURS = "public", "with the registry's credentials", "your registry"
HOOK = "helm.sh/hook"


@dataclass
class Image:
    """One image reference and what deploys it."""

    image: str
    name: str  # `<scenario>/<container>` of its first use (`helm-test` for the test pod's container)
    origin: str  # PUBLIC, CREDENTIALS or YOURS
    target: str  # repository:tag the chart pulls from the ACR of `global.imageRegistry`
    used_by: list[str] = field(default_factory=list)


def scenarios() -> dict[str, Path | None]:
    """Scenario name -> its values file: the chart's defaults, then every file of values/."""
    return {"defaults": None, **{f.stem: f for f in chart_values_files()}}


def scenario_requests(values: Path | None) -> tuple[RenderRequest, RenderRequest]:
    """A scenario rendered as it is, and with every image pulled from an ACR (`global.imageRegistry`)."""
    files = [values] if values else []
    return RenderRequest.make(values_files=files), RenderRequest.make({"global.imageRegistry": ACR}, values_files=files)


def origin(image: str, pod: PodTemplate, app_repository: str) -> str:
    """YOURS: an Azure Container Registry, or the chart's own application image (the default repository without a
    registry); CREDENTIALS: a pod that pulls with imagePullSecrets; PUBLIC otherwise."""
    host = image.split("/", 1)[0] if "/" in image else ""
    if host.endswith(".azurecr.io") or re.split(r"[:@]", image, maxsplit=1)[0] == app_repository:
        return YOURS
    return CREDENTIALS if pod.spec.get("imagePullSecrets") else PUBLIC


def uses(plain: Manifest, in_acr: Manifest) -> list[tuple[str, PodTemplate, str, str]]:
    """(image, pod, role, target) of every container, paired with the same container of the ACR render."""
    pairs = []
    acr_pods = list(in_acr.pod_templates())
    for pod, acr_pod in zip(plain.pod_templates(), acr_pods, strict=True):
        hook = (pod.owner.get("metadata", {}).get("annotations") or {}).get(HOOK) == "test"
        for container, acr_container in zip(pod_containers(pod), pod_containers(acr_pod), strict=True):
            in_registry = str(acr_container.spec["image"])
            if not in_registry.startswith(f"{ACR}/"):
                msg = f"{container.where}: {in_registry} does not follow global.imageRegistry"
                raise SystemExit(msg)
            target = in_registry.removeprefix(f"{ACR}/")
            pairs.append((str(container.spec["image"]), pod, "helm-test" if hook else container.name, target))
    return pairs


def collect_images(renderer: Renderer) -> list[Image]:
    """Every image of every scenario, in first-use order (defaults first)."""
    app_repository = str(load_values_file(CHART_DIR / "values.yaml")["image"]["repository"])
    plan = {name: scenario_requests(values) for name, values in scenarios().items()}
    renderer.prerender(request for pair in plan.values() for request in pair)
    images: dict[str, Image] = {}
    for scenario, (plain, in_acr) in plan.items():
        for image, pod, role, target in uses(renderer.render(plain), renderer.render(in_acr)):
            entry = images.setdefault(
                image, Image(image, f"{scenario}/{role}", origin(image, pod, app_repository), target)
            )
            if scenario not in entry.used_by:
                entry.used_by.append(scenario)
    return list(images.values())


def block_scalar(key: str, value: Any) -> str:  # noqa: ANN401 - YAML data of any shape
    """`  key: |` and the YAML of `value` indented under it: how Chart.yaml carries Artifact Hub's YAML strings."""
    body = yaml.safe_dump(value, sort_keys=False, width=110, allow_unicode=True)
    return f"  {key}: |\n" + "".join(f"    {line}\n" for line in body.splitlines())


def set_annotation(text: str, key: str, rendered: str) -> str:
    """Replace annotation `key` (a one-line scalar or a `|` block) in Chart.yaml's text; append it when missing."""
    pattern = re.compile(rf"^  {re.escape(key)}:(?: \|\n(?:    .*\n)*| .*\n)", re.MULTILINE)
    if pattern.search(text):
        return pattern.sub(lambda _: rendered, text, count=1)
    return text.rstrip("\n") + "\n" + rendered


def derived_annotations(images: list[Image], version: str) -> dict[str, str]:
    """The generated annotations of Chart.yaml, each as the lines it takes there."""
    notes = section(version)
    listed = [
        {"name": i.name, "image": i.image, **({"whitelisted": True} if i.origin != PUBLIC else {})} for i in images
    ]
    security = "true" if notes.entries.get("Security") else "false"
    prerelease = "true" if re.match(r"^\d+\.\d+\.\d+-", version) else "false"
    return {
        "artifacthub.io/images": block_scalar("artifacthub.io/images", listed),
        "artifacthub.io/changes": block_scalar("artifacthub.io/changes", notes.changes()),
        "artifacthub.io/containsSecurityUpdates": f'  artifacthub.io/containsSecurityUpdates: "{security}"\n',
        "artifacthub.io/prerelease": f'  artifacthub.io/prerelease: "{prerelease}"\n',
    }


def chart_yaml_text(images: list[Image]) -> str:
    text = CHART_YAML.read_text(encoding="utf-8")
    for key, rendered in derived_annotations(images, str(chart_meta()["version"])).items():
        text = set_annotation(text, key, rendered)
    return text


def fully_qualified(image: str) -> str:
    """The image with its registry host, as `az acr import --source` takes it (Docker Hub: docker.io[/library])."""
    first = image.split("/", 1)[0]
    if "/" in image and ("." in first or ":" in first or first == "localhost"):
        return image
    return f"docker.io/{image}" if "/" in image else f"docker.io/library/{image}"


def deployed_by(image: Image, every: list[str]) -> str:
    if image.used_by == every:
        return "the defaults and every values file"
    return ", ".join("the defaults" if s == "defaults" else f"`values/{s}.yaml`" for s in image.used_by)


def readme_block(images: list[Image]) -> str:
    """The README's table of images and the `az acr import` commands for the images a team copies into its ACR."""
    every = list(scenarios())
    rows = [f"| `{i.image}` | {deployed_by(i, every)} | {i.origin} |" for i in images]
    commands = [
        f"az acr import --name {ACR_PLACEHOLDER} --source {fully_qualified(i.image)} --image {i.target}"
        + (" --username <registry user> --password <registry token>" if i.origin == CREDENTIALS else "")
        for i in images
        if i.origin != YOURS
    ]
    table = ["| Image | Deployed by | Pulled |", "|---|---|---|", *rows]
    return "\n".join([BEGIN, *table, "", "```bash", *commands, "```", END])


def readme_text(images: list[Image]) -> str:
    text = README_TEMPLATE.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        msg = f"{README_TEMPLATE.relative_to(REPO_ROOT)}: no block between {BEGIN!r} and {END!r}"
        raise SystemExit(msg)
    return text[:start] + readme_block(images) + text[end + len(END) :]


def repo_metadata_text() -> str:
    """artifacthub-repo.yml: the repository's owners are the chart's maintainers (Artifact Hub's ownership claim)."""
    owners = [{"name": m["name"], "email": m["email"]} for m in chart_meta()["maintainers"] if m.get("email")]
    header = (
        "# Artifact Hub metadata of the OCI repository <registry>/helm/ai-inference, pushed as its tag\n"
        "# `artifacthub.io` by scripts/release/publish.py. Written by scripts/generate/catalog.py from Chart.yaml's\n"
        "# maintainers.\n"
    )
    return header + yaml.safe_dump({"owners": owners}, sort_keys=False)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file is stale")
    args = parser.parse_args(argv)
    renderer = Renderer(helm_binary())
    try:
        images = collect_images(renderer)
    finally:
        renderer.close()
    outputs = {CHART_YAML: chart_yaml_text(images), README_TEMPLATE: readme_text(images)}
    outputs[REPO_METADATA] = repo_metadata_text()
    changed = [stale(path, text, check=args.check) for path, text in outputs.items()]
    return 1 if args.check and any(changed) else 0


if __name__ == "__main__":
    sys.exit(main())
