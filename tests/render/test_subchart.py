"""The chart as a dependency of an umbrella chart: `helm dependency build` from a `file://` repository, then
`helm lint --strict` and `helm template` of the umbrella, with the helm under test (Helm 3 and Helm 4 sessions).

Helm hands every subchart the parent's `global` values; a strict schema that rejected `global` would make the chart
unusable as a dependency. The umbrella also sets globals of other charts (which must be ignored), the chart's
`global.imageRegistry` and `global.imagePullSecrets`, and an extra object.
"""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING

import pytest
import yaml
from harness.render import CHART_DIR, Renderer, RenderRequest

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

UMBRELLA_VALUES = {
    "global": {
        "imageRegistry": "mirror.example.com",
        "imagePullSecrets": ["mirror-pull"],
        "storageClass": "for-another-subchart",
    },
    "ai-inference": {
        "image": {"repository": "vllm/vllm-openai", "tag": "v0.31.0"},
        "containerPort": 8000,
        "commonAnnotations": {"owner": "platform"},
        "extraObjects": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "umbrella-extra"}}],
    },
}


def helm(renderer: Renderer, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The helm under test with its cache, config and data homes inside the test's directory."""
    env = dict(os.environ)
    for name in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"):
        env[name] = str(home / name.lower())
    return subprocess.run([str(renderer.helm), *args], capture_output=True, text=True, env=env, check=False)


@pytest.fixture(scope="module")
def umbrella(renderer: Renderer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small umbrella chart depending on this chart, with its dependency built."""
    root = tmp_path_factory.mktemp("umbrella")
    chart_meta = yaml.safe_load((CHART_DIR / "Chart.yaml").read_text(encoding="utf-8"))
    chart = root / "platform"
    chart.mkdir()
    meta = {
        "apiVersion": "v2",
        "name": "platform",
        "version": "1.0.0",
        "kubeVersion": chart_meta["kubeVersion"],
        "dependencies": [
            {"name": "ai-inference", "version": chart_meta["version"], "repository": f"file://{CHART_DIR}"},
        ],
    }
    (chart / "Chart.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    (chart / "values.yaml").write_text(yaml.safe_dump(UMBRELLA_VALUES), encoding="utf-8")
    (chart / "templates").mkdir()
    (chart / "templates" / "NOTES.txt").write_text("The platform umbrella.\n", encoding="utf-8")
    built = helm(renderer, root, "dependency", "build", str(chart))
    assert built.returncode == 0, built.stderr
    assert list((chart / "charts").glob("ai-inference-*.tgz")), built.stdout
    return chart


@pytest.fixture(scope="module")
def umbrella_renderer(renderer: Renderer, umbrella: Path) -> Iterator[Renderer]:
    """The harness's renderer for the umbrella chart, with the helm under test."""
    made = Renderer(renderer.helm, chart_dir=umbrella)
    yield made
    made.close()


def test_umbrella_lints(renderer: Renderer, umbrella: Path) -> None:
    proc = helm(renderer, umbrella.parent, "lint", "--strict", str(umbrella))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_umbrella_renders_the_subchart(umbrella_renderer: Renderer) -> None:
    manifest = umbrella_renderer.render(RenderRequest.make(release="plat", namespace="ml"))
    deployment = manifest.get("Deployment")
    spec = deployment["spec"]["template"]["spec"]
    assert spec["containers"][0]["image"] == "mirror.example.com/vllm/vllm-openai:v0.31.0"
    assert spec["imagePullSecrets"] == [{"name": "mirror-pull"}]
    test_pod = manifest.get("Pod")
    assert test_pod["spec"]["containers"][0]["image"] == "mirror.example.com/library/busybox:1.37.0", "the test pod too"
    assert deployment["metadata"]["labels"]["app.kubernetes.io/version"] == "v0.31.0"
    assert deployment["metadata"]["annotations"]["owner"] == "platform"
    assert manifest.has("ConfigMap", "umbrella-extra")
    assert {o["metadata"]["namespace"] for o in manifest.objects if o["kind"] != "ConfigMap"} == {"ml"}


def test_umbrella_reports_subchart_errors(umbrella_renderer: Renderer) -> None:
    """The subchart's validation still speaks through the umbrella, naming its key."""
    request = RenderRequest.make({"ai-inference.strategy.maxSurge": 0}, release="plat")
    error = umbrella_renderer.render_error(request)
    assert "strategy.maxSurge/strategy.maxUnavailable: both are 0" in error.stderr, error.stderr
