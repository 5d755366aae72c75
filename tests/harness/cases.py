"""The render matrix: every combination of the three switches, plus every scenario file `values/*.yaml`."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.render import DEFAULT_KUBE_VERSION, RenderRequest, chart_values_files

if TYPE_CHECKING:
    from pathlib import Path

# Obviously fake Azure IDs (the form every values file uses too): a real tenant must never appear in a render.
TENANT_ID = "00000000-0000-0000-0000-000000000001"
CLIENT_ID = "00000000-0000-0000-0000-000000000002"
HOST = "vision.example.com"

GPU_STATES = (False, True)
PROVIDERS = ("native", "csi")
INGRESSES = ("off", "nginx", "agic")

# The least a provider needs to render; `secrets.env` is included so the env wiring is exercised in both modes.
PROVIDER_OVERRIDES: dict[str, dict[str, Any]] = {
    "native": {
        "secrets.provider": "native",
        "secrets.native.data": {"api-key": "not-a-real-key"},
        "secrets.env": {"API_KEY": "api-key"},
    },
    "csi": {
        "secrets.provider": "csi",
        "secrets.csi.keyvaultName": "roo-kv",
        "secrets.csi.tenantId": TENANT_ID,
        "secrets.csi.clientId": CLIENT_ID,
        "secrets.csi.objects": [{"objectName": "OpenAIKey", "objectType": "secret", "objectAlias": "api-key"}],
        "secrets.csi.syncSecret.enabled": True,
        "secrets.env": {"API_KEY": "api-key"},
    },
}


def ingress_overrides(ingress: str) -> dict[str, Any]:
    """Overrides for one ingress position."""
    if ingress == "off":
        return {"ingress.enabled": False}
    return {"ingress.enabled": True, "ingress.controller": ingress, "ingress.hosts": [HOST]}


@dataclass(frozen=True)
class Case:
    """One scenario of the matrix: an id for test names and what to render."""

    id: str
    overrides: tuple[tuple[str, Any], ...] = ()
    values_file: Path | None = None

    def request(self, *, kube_version: str = DEFAULT_KUBE_VERSION) -> RenderRequest:
        """The render request of this case."""
        files = (self.values_file,) if self.values_file else ()
        return RenderRequest.make(dict(self.overrides), values_files=files, kube_version=kube_version)


def switch_cases() -> list[Case]:
    """gpu.enabled x secrets.provider x ingress (off, nginx, agic)."""
    cases = []
    for gpu, provider, ingress in itertools.product(GPU_STATES, PROVIDERS, INGRESSES):
        overrides = {"gpu.enabled": gpu, **PROVIDER_OVERRIDES[provider], **ingress_overrides(ingress)}
        case_id = f"{'gpu' if gpu else 'cpu'}-{provider}-ingress_{ingress}"
        cases.append(Case(id=case_id, overrides=tuple(overrides.items())))
    return cases


def file_cases() -> list[Case]:
    """One case per values/*.yaml (found by glob: a new file joins every parametrized test)."""
    return [Case(id=f"values-{path.stem}", values_file=path) for path in chart_values_files()]


def all_cases() -> list[Case]:
    """The whole matrix."""
    return switch_cases() + file_cases()
