"""The render tier renders the whole scenario matrix at every supported Kubernetes minor: queue it all in the
renderer's thread pool as soon as the first test asks for the renderer."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from harness.cases import all_cases
from harness.kube_schema import KUBE_VERSIONS
from harness.render import templates_use_kube_version

if TYPE_CHECKING:
    from harness.render import Renderer


@pytest.fixture(scope="session")
def renderer(renderer: Renderer) -> Renderer:
    """The session renderer with the matrix queued: the default Kubernetes version first (the rule tests read
    those), then the other minors for the schema tests when a template reads the Kubernetes version."""
    cases = all_cases()
    renderer.prerender(case.request() for case in cases)
    if templates_use_kube_version():
        renderer.prerender(case.request(kube_version=f"{v}.0") for v in KUBE_VERSIONS for case in cases)
    return renderer
