"""What the READMEs say about the chart is what the chart does: every default a README names next to its key agrees with
values.yaml, the numbers of the timeout table follow from the defaults, the examples it gives render (or are refused)
as it says, `global.imageRegistry` covers what it claims, and the per-server table agrees with the presets.
(Generated parts, the parameters table and the defaults table, come from values.yaml by construction.)"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pytest
from harness.cases import INGRESS_MINIMUM
from harness.paths import CHART_DIR, REPO_ROOT, VALUES_DIR
from harness.render import RenderError, RenderRequest, load_values_file

if TYPE_CHECKING:
    from pathlib import Path

    from harness.render import Renderer

READMES = (REPO_ROOT / "README.md", CHART_DIR / "README.md")
DEFAULTS: dict[str, Any] = load_values_file(CHART_DIR / "values.yaml")
# `key` followed by its default: "`key` (default 240", "`key`, default `64m`", "(`key`, default 64m)"
_CLAIM = re.compile(r"`(?P<key>[a-z][A-Za-z0-9_.]*)`,? \(?default:? `?(?P<value>[^`\s;,)]+)")
# "`key` (default)": a switch that is on by default
_ON_BY_DEFAULT = re.compile(r"`(?P<key>[a-z][A-Za-z0-9_.]*)` \(default\)")
# a table row for a key whose positions are listed: "| `key` | `false` (default) / `true` |"
_ROW_DEFAULT = re.compile(r"^\| `(?P<key>[a-z][A-Za-z0-9_.]*)`[^|]*\| (?:[^|]*?)`(?P<value>[^`]+)` \(default\)", re.M)


def default_of(key: str) -> Any:  # noqa: ANN401 - values are free-form
    """The values.yaml default of a dotted key; KeyError when there is none."""
    node: Any = DEFAULTS
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(key)
        node = node[part]
    return node


def as_text(value: Any) -> str:  # noqa: ANN401 - values are free-form
    """A default as the docs write it: booleans in YAML spelling, an image map as its reference."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict) and {"repository", "tag"} <= set(value):
        return "/".join(filter(None, (value.get("registry"), value["repository"]))) + f":{value['tag']}"
    return str(value)


def prose(path: Path) -> str:
    """A README without its generated parameters table (helm-docs writes it from values.yaml)."""
    text = path.read_text(encoding="utf-8")
    return text.split("\n## Values\n", 1)[0]


def claims() -> list[tuple[str, str, str]]:
    """(file, key, claimed default) of every default a README names next to a values key."""
    found = []
    for path in READMES:
        text = prose(path)
        for pattern in (_CLAIM, _ROW_DEFAULT):
            found += [(path.name, m["key"], m["value"]) for m in pattern.finditer(text)]
        found += [(path.name, m["key"], "true") for m in _ON_BY_DEFAULT.finditer(text)]
    return [(name, key, value) for name, key, value in found if _is_setting(key)]


def _is_setting(key: str) -> bool:
    """A values key with one default (a scalar, or an image map the docs write as a reference)."""
    try:
        value = default_of(key)
    except KeyError:
        return False
    return not isinstance(value, dict) or {"repository", "tag"} <= set(value)


def test_the_claims_are_found() -> None:
    keys = {key for _, key, _ in claims()}
    assert {"ingress.nginx.bodySize", "ingress.agic.gatewaySku", "gpu.avoidGpuNodes", "gpu.enabled"} <= keys, keys


@pytest.mark.parametrize(("readme", "key", "claimed"), claims())
def test_default_claim_matches_values_yaml(readme: str, key: str, claimed: str) -> None:
    assert as_text(default_of(key)) == claimed, f"{readme} says {key} defaults to {claimed}"


def test_no_readme_repeats_a_timeout_default() -> None:
    """The timeout defaults stand in one generated table; the prose names the keys, not their numbers."""
    for path in READMES:
        text = prose(path)
        for key in ("ingress.nginx.timeoutSeconds", "ingress.agic.requestTimeoutSeconds", "preStopSleepSeconds"):
            repeated = re.findall(rf"`{re.escape(key)}`[^`\n]{{0,30}}\(\d+", text)
            assert not repeated, f"{path.name}: {repeated}: name the key, the defaults table has the number"


def test_silent_limit_of_the_timeout_table_follows_from_the_defaults() -> None:
    """'**240 s** by default': nginx's timeout and the load balancer's idle timeout, whichever is shorter."""
    nginx = DEFAULTS["ingress"]["nginx"]
    limit = min(nginx["timeoutSeconds"], nginx["loadBalancerIdleTimeoutMinutes"] * 60)
    section = prose(CHART_DIR / "README.md").split("## Timeouts", 1)[1].split("\n## ", 1)[0]
    assert f"**{limit} s** by default" in section


def test_raising_the_nginx_timeout_works_as_the_readme_shows(renderer: Renderer) -> None:
    """The README's example (idle timeout 30 minutes, timeoutSeconds 1800) renders; without the idle timeout it is
    refused, which is what Troubleshooting says."""
    raised = {
        **INGRESS_MINIMUM,
        "ingress.nginx.loadBalancerIdleTimeoutMinutes": 30,
        "ingress.nginx.timeoutSeconds": 1800,
    }
    ingress = renderer.render(RenderRequest.make(raised)).get("Ingress")
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-read-timeout"] == "1800"
    alone = {**INGRESS_MINIMUM, "ingress.nginx.timeoutSeconds": 1800}
    with pytest.raises(RenderError, match=r"ingress.nginx.timeoutSeconds: 1800 s is longer than the idle timeout"):
        renderer.render(RenderRequest.make(alone))
    assert "loadBalancerIdleTimeoutMinutes: 30\n    timeoutSeconds: 1800" in (CHART_DIR / "README.md").read_text()


def test_global_image_registry_covers_what_the_readme_says(renderer: Renderer) -> None:
    """The server image, an init container and a sidecar that run it, and the helm test pod; an init container's
    own image stays as written."""
    overrides = {
        "global.imageRegistry": "mirror.example.com",
        "initContainers": [
            {
                "name": "warm",
                "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
            },
            {
                "name": "fetch",
                "image": "docker.io/library/busybox:1.37.0",
                "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
            },
        ],
    }
    manifest = renderer.render(RenderRequest.make(overrides))
    images = {c.name: c.spec["image"] for c in manifest.containers()}
    assert images.pop("fetch") == "docker.io/library/busybox:1.37.0"
    assert all(image.startswith("mirror.example.com/") for image in images.values()), images
    assert set(images) == {"warm", "server", "wget"}


SERVERS = {
    "vLLM": "vllm",
    "SGLang": "sglang",
    "Triton": "triton",
    "TGI": "tgi",
    "TEI": "tei",
    "llama.cpp": "llamacpp",
    "Ollama": "ollama",
    "NIM for LLMs": "nim",
}


def server_rows() -> dict[str, list[str]]:
    """The per-server table of the chart README: server name -> its cells."""
    text = prose(CHART_DIR / "README.md")
    table = text.split("| Server (image) |", 1)[1].split("\n\n", 1)[0]
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in table.splitlines()[2:]]
    return {row[0].split(" (")[0]: row for row in rows}


@pytest.mark.parametrize(("server", "preset"), SERVERS.items())
def test_server_table_agrees_with_the_preset(server: str, preset: str) -> None:
    """Port, health path, metrics path of each row are the ones its preset in values/ uses; every row has sources."""
    row = server_rows()[server]
    _, port, health, metrics, _, _, _, sources = row
    values = load_values_file(VALUES_DIR / f"{preset}.yaml")
    args = [str(a) for a in values.get("args", [])]
    moved = "--port" in args or any(a.startswith("--port=") for a in args)
    assert str(values.get("containerPort", 8000)) in port or moved, f"{server}: {port}"
    assert values["probes"]["readyPath"].split(":")[0].split("<")[0] in health or "/v1/models/" in health, health
    monitor = values.get("serviceMonitor", {})
    if monitor.get("enabled"):
        assert monitor.get("path", "/metrics") in metrics, f"{server}: {metrics}"
    assert "`" in sources, f"{server}: no sources"


def test_every_server_preset_is_in_the_presets_table() -> None:
    text = prose(CHART_DIR / "README.md").split("## Inference servers", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z0-9-]+)\.yaml` \|", text, re.M))
    assert set(SERVERS.values()) == listed, listed
    assert all((VALUES_DIR / f"{name}.yaml").is_file() for name in listed)


def test_root_readme_lists_every_values_file() -> None:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for path in sorted(VALUES_DIR.glob("*.yaml")):
        assert f"[`{path.name}`](values/{path.name})" in text, f"README.md: no row for {path.name}"
        assert f"[{path.stem}](docs/diagrams/{path.stem}.png)" in text, f"README.md: no picture link for {path.stem}"


def test_idle_timeout_range_is_the_one_the_readme_states(renderer: Renderer) -> None:
    """'4 to 30' minutes: the schema's bounds of ingress.nginx.loadBalancerIdleTimeoutMinutes, and what the chart
    accepts in the Gateway's load balancer annotation."""
    schema = json.loads((CHART_DIR / "values.schema.json").read_text(encoding="utf-8"))
    bounds = schema["properties"]["ingress"]["properties"]["nginx"]["properties"]["loadBalancerIdleTimeoutMinutes"]
    assert (bounds["minimum"], bounds["maximum"]) == (4, 30)
    section = prose(CHART_DIR / "README.md").split("## Timeouts", 1)[1].split("\n## ", 1)[0]
    assert section.count("4 to 30") >= 2
    annotation = (
        "gateway.infrastructureAnnotations.service\\.beta\\.kubernetes\\.io/azure-load-balancer-tcp-idle-timeout"
    )
    route = {"httpRoute.enabled": True, "gateway.create": True, "httpRoute.hostnames": ["a.example.com"]}
    renderer.render(RenderRequest.make({**route, annotation: "30"}))
    with pytest.raises(RenderError, match=r'"31" is not a number of minutes the Azure Load Balancer accepts'):
        renderer.render(RenderRequest.make({**route, annotation: "31"}))
