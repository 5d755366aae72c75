"""Chart docs and metadata: the README's required content (its drift against helm-docs is checked by
test_generated.py), Chart.yaml and CHANGELOG.md."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from harness import changelog
from harness.paths import CHART_DIR, REPO_ROOT, chart_meta, chart_values_files

if TYPE_CHECKING:
    from pathlib import Path

CHART_NAME = str(chart_meta()["name"])
CHART_VERSION = str(chart_meta()["version"])

# Parameters whose description helm-docs cannot read yet, with the values.yaml fix. Goal: empty; stale entries fail.
KNOWN_UNDOCUMENTED: dict[str, str] = {}


def parameter_rows() -> dict[str, str]:
    readme = (CHART_DIR / "README.md").read_text()
    rows: dict[str, str] = {}
    table = readme[readme.index("## Values") :]
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[1] in {"string", "int", "bool", "object", "list", "float"}:
            rows[cells[0]] = cells[-1]
    return rows


def test_every_parameter_is_described() -> None:
    rows = parameter_rows()
    assert len(rows) > 50, "the parameters table looks truncated"
    undocumented = {key for key, description in rows.items() if not description}
    new = sorted(undocumented - set(KNOWN_UNDOCUMENTED))
    stale = sorted(set(KNOWN_UNDOCUMENTED) - undocumented)
    assert not new, f"parameters without a description (add a `# --` comment in values.yaml): {new}"
    assert not stale, f"now documented, remove from KNOWN_UNDOCUMENTED: {stale}"


REQUIRED_TEXT = [
    # the toggles
    "gpu:\n  enabled: true",
    "provider: csi",
    "controller: agic",
    "controller: nginx",
    # AKS prerequisites per mode
    "az aks update -g <rg> -n <cluster> --attach-acr",
    "--enable-addons azure-keyvault-secrets-provider",
    "--enable-secret-rotation --rotation-poll-interval",
    "--enable-oidc-issuer --enable-workload-identity",
    "az identity federated-credential create",
    "--subject system:serviceaccount:<ns>:<sa>",
    "az aks approuting enable",
    "az aks approuting update",
    "--enable-kv --attach-kv",
    "-a ingress-appgw",
    "--node-taints sku=gpu:NoSchedule",
    # troubleshooting
    "az aks check-acr",
    "Insufficient nvidia.com/gpu",
    "untolerated taint",
    "didn't match Pod's node affinity/selector",
    "azure.workload.identity/use",
    "413",
    "504",
    "request-timeout",
    "Reloader",
    # OCI / ACR (the chart's current name and version)
    "az acr login --name <registry>",
    f"helm push {CHART_NAME}-{CHART_VERSION}.tgz oci://<registry>.azurecr.io/helm",
    f"oci://<registry>.azurecr.io/helm/{CHART_NAME} --version {CHART_VERSION}",
    # AKS facts users must act on outside the chart
    "kind: NginxIngressController",
    "loadBalancerAnnotations:",
    "service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout",
    "loadBalancerIdleTimeoutMinutes: 30",
    "az aks update -g <rg> -n <cluster> --enable-gateway-api",
    "az aks addon update -g <rg> -n <cluster> --addon azure-keyvault-secrets-provider --enable-secret-rotation\n",
    "a gateway the AGIC add-on creates is Standard_v2",
    "gatewaySku: WAF_v2",
    "ingressapplicationgateway-<cluster>",
    "**Network Contributor** and **Reader** on the gateway's resource group",
    "gatewayIPConfigurations[0].subnet.id",
    "policySettings.max_request_body_size_in_kb",
    "apiVersion: azmonitoring.coreos.com/v1",
    "ignores the Prometheus\nOperator's `monitoring.coreos.com`",
    "label `rsName: ama-metrics`",
    "--enable-azure-monitor-metrics",
    "az acr import --name <acr-name> --source docker.io/library/busybox:1.37.0",
    "kubectl get nodes -L kubernetes.azure.com/agentpool,kubernetes.azure.com/accelerator,accelerator",
    "the unprefixed `accelerator` and `agentpool` labels are deprecated",
    "## References",
    # Gateway API, canary, KEDA
    "--enable-gateway-api",
    "--enable-app-routing-istio",
    "--enable-application-load-balancer",
    "--enable-keda",
    "system:serviceaccount:kube-system:keda-operator",
    "kubernetes.azure.com/tls-cert-keyvault-uri",
    "kubernetes.azure.com/tls-cert-service-account",
    "## Migration from App Routing nginx / AGIC to Gateway API",
    "Promote and roll back in two upgrades",
    # notes
    "Gateway API",
    "November 2026",
    "## Scanner exceptions",
    "helm-docs",
    # how a user runs chart-testing with the repository's ct.yaml
    "ct lint --config ct.yaml",
    "ct install --config ct.yaml",
    # which version, verified install, what changed: releases and their signatures
    "## Verify a release",
    "## Upgrading",
    f"az acr repository show-tags --name <registry> --repository helm/{CHART_NAME}",
    "<!-- verify:install -->",
    "--certificate-oidc-issuer https://token.actions.githubusercontent.com",
    "matchOIDCIdentity:",
    "chartRef:",
    f"CHANGELOG.md#upgrading-to-{CHART_VERSION}",
    "# yaml-language-server: $schema=",
    "<!-- images:begin",
]


@pytest.mark.parametrize("text", REQUIRED_TEXT)
def test_readme_covers(text: str) -> None:
    assert text in (CHART_DIR / "README.md").read_text()


# Claims that were wrong once, with what is true instead; none may come back in the docs or the values files.
FORBIDDEN_TEXT = {
    "runs outside the cluster": "AGIC is a pod in the cluster; the Application Gateway is outside it",
    "default Application Gateway subnet": "no source names a default subnet of the AGIC add-on; the user sets theirs",
    "72f988bf-86f1-41af-91ab-2d7cd011db47": "a real tenant ID; examples use 00000000-0000-0000-0000-00000000000N",
}


def doc_files() -> list[Path]:
    return [
        REPO_ROOT / "README.md",
        CHART_DIR / "README.md",
        CHART_DIR / "README.md.gotmpl",
        CHART_DIR / "values.yaml",
        *chart_values_files(),
    ]


@pytest.mark.parametrize("text", sorted(FORBIDDEN_TEXT))
def test_docs_do_not_repeat_a_wrong_aks_fact(text: str) -> None:
    found = [
        f"{path.relative_to(REPO_ROOT)}:{number}"
        for path in doc_files()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if text in line
    ]
    assert not found, f"{text!r} in {found}: {FORBIDDEN_TEXT[text]}"


def test_timeout_table_has_a_row_per_path() -> None:
    """The real end-to-end limit per ingress path: application routing's nginx, AGIC, and the Gateway API modes."""
    readme = (CHART_DIR / "README.md").read_text()
    section = readme[readme.index("## Timeouts") :]
    section = section[: section.index("\n## ", 1)]
    table = section[section.index("| Path |") :].split("\n\n", 1)[0]  # after the generated table of defaults
    rows = [line.split("|")[1].strip() for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    paths = [
        "App Routing nginx",
        "AGIC",
        "Gateway API on approuting-istio",
        "Gateway API on Application Gateway for Containers",
    ]
    assert [row.split(" (")[0] for row in rows[1:]] == paths, rows
    assert "**240 s** by default" in section, "the nginx row states the load balancer's default idle limit"


def test_readme_links_a_picture_per_values_file() -> None:
    readme = (CHART_DIR / "README.md").read_text()
    for values in chart_values_files():
        for ext in ("png", "svg"):
            assert f"(../../docs/diagrams/{values.stem}.{ext})" in readme, f"no {ext} link for {values.name}"
    linked = set(re.findall(r"\(\.\./\.\./docs/diagrams/([^)]+)\)", readme))
    missing = sorted(name for name in linked if not (REPO_ROOT / "docs" / "diagrams" / name).is_file())
    assert not missing, f"README links pictures that do not exist (run nox -s generate): {missing}"


# --- Chart.yaml and CHANGELOG.md ------------------------------------------------------------------------------------


def annotation_list(meta: dict[str, Any], key: str) -> list[dict[str, str]]:
    value = yaml.safe_load(meta["annotations"][key])
    assert isinstance(value, list), f"{key} must be a YAML list in a string"
    return value


def test_chart_metadata() -> None:
    meta = chart_meta()
    assert meta["apiVersion"] == "v2"
    assert meta["kubeVersion"] == ">=1.31.0-0"
    assert meta["appVersion"]
    assert meta["maintainers"]
    assert meta["sources"]
    assert meta["keywords"]
    assert meta["home"]
    annotations = meta["annotations"]
    assert annotations["artifacthub.io/license"] == "Apache-2.0"
    # the categories Artifact Hub accepts (artifacthub/hub internal/hub/package.go, PackageCategoryFromName)
    assert annotations["artifacthub.io/category"] in ARTIFACT_HUB_CATEGORIES
    links = annotation_list(meta, "artifacthub.io/links")
    assert links
    assert all(link["name"] and link["url"].startswith("https://") for link in links), links
    # a signKey without url makes Artifact Hub refuse the annotations (internal/tracker/source/helm/helm.go)
    assert yaml.safe_load(annotations["artifacthub.io/signKey"])["url"].endswith("README.md#verify-a-release")


ARTIFACT_HUB_CATEGORIES = {
    "ai-machine-learning",
    "database",
    "integration-delivery",
    "monitoring-logging",
    "networking",
    "security",
    "storage",
    "streaming-messaging",
    "skip-prediction",
}


def test_artifacthub_images_include_the_defaults() -> None:
    """The list is generated (scripts/generate/catalog.py); a default install's two images are in it."""
    meta = chart_meta()
    defaults = yaml.safe_load((CHART_DIR / "values.yaml").read_text())
    image = defaults["image"]
    repository = "/".join(filter(None, (image["registry"], image["repository"])))  # an empty registry is left out
    server = f"{repository}:{image['tag'] or meta['appVersion']}"
    test = defaults["helmTest"]["image"]
    listed = {entry["image"] for entry in annotation_list(meta, "artifacthub.io/images")}
    assert {server, f"{test['registry']}/{test['repository']}:{test['tag']}"} <= listed


def test_artifacthub_changes_are_this_versions_changelog() -> None:
    meta = chart_meta()
    changes = annotation_list(meta, "artifacthub.io/changes")
    assert changes
    assert changes == changelog.section(str(meta["version"])).changes()


def test_every_changelog_version_has_a_dated_or_unreleased_heading_and_its_upgrade_anchor() -> None:
    text = (CHART_DIR / "CHANGELOG.md").read_text()
    sections = changelog.sections(text)
    assert sections[0].version == str(chart_meta()["version"]), "the newest section is Chart.yaml's"
    assert all(s.date for s in sections), [s.version for s in sections if not s.date]
    assert all(s.released for s in sections[1:]), "only the newest version may be Unreleased"
    for s in sections:
        if s.upgrading:
            assert f'<a id="upgrading-to-{s.version}"></a>' in text, f"no anchor for the upgrade notes of {s.version}"
    assert sections[0].upgrading, f"{sections[0].version} has no Upgrading notes (the README links them)"


def test_readme_generator_is_pinned() -> None:
    installer = (REPO_ROOT / "scripts" / "install" / "go_tools.py").read_text()
    assert '"github.com/norwoodj/helm-docs/cmd/helm-docs", "v1.14.2"' in installer
    assert "helm-docs v1.14.2" in (CHART_DIR / "README.md").read_text()
