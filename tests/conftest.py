"""Shared pytest wiring: the helm renderer fixture, render factories, goldens option and render statistics.

`HELM_BIN` (or `--helm`) picks the helm binary (default `.tools/bin/helm4`). The session renderer pre-renders the
whole matrix in a thread pool the first time a render test needs it; every render is cached per unique input.
At the end of the session the number of unique renders and the time spent in helm are stored in the pytest cache
(`.pytest_cache/v/render/stats/<helm>`), where scripts/bench_render.py reads them.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest
from harness.cases import all_cases
from harness.kube_schema import KUBE_VERSIONS
from harness.render import (
    DEFAULT_HELM,
    DEFAULT_KUBE_VERSION,
    DEFAULT_NAMESPACE,
    DEFAULT_RELEASE,
    Manifest,
    Renderer,
    RenderError,
    RenderRequest,
    assert_messages,
    templates_use_kube_version,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

_STATE: dict[str, Any] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    """Options of the render tier."""
    group = parser.getgroup("render", "ai-inference render tests")
    group.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite tests/goldens/*.yaml from the current chart instead of comparing (review the diff!)",
    )
    group.addoption(
        "--helm",
        default=os.environ.get("HELM_BIN", str(DEFAULT_HELM)),
        help="helm binary for the render tier (env HELM_BIN; default .tools/bin/helm4)",
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    """Remember when the session started (for the wall time recorded with the render stats)."""
    _STATE["started"] = time.perf_counter()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Store render statistics for scripts/bench_render.py and close the renderer."""
    renderer: Renderer | None = _STATE.pop("renderer", None)
    if renderer is None:
        return
    renderer.close()
    stats = {
        **renderer.stats.as_dict(),
        "helm": renderer.helm.name,
        "wall_seconds": round(time.perf_counter() - _STATE.get("started", time.perf_counter()), 3),
        "exitstatus": int(exitstatus),
    }
    cache = getattr(session.config, "cache", None)  # absent with -p no:cacheprovider
    if cache is not None:
        cache.set(f"render/stats/{renderer.helm.name}", stats)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"render stats ({renderer.helm.name}): {stats['unique']} unique helm renders "
            f"({stats['failures']} expected failures), {stats['hits']} cache hits, "
            f"{stats['helm_seconds']}s in helm"
        )


class RenderFunc(Protocol):
    """`render(overrides, values_files=..., kube_version=...)` -> Manifest (cached)."""

    def __call__(
        self,
        overrides: Mapping[str, Any] | None = None,
        *,
        values_files: Iterable[Path] = (),
        release: str = DEFAULT_RELEASE,
        namespace: str = DEFAULT_NAMESPACE,
        kube_version: str = DEFAULT_KUBE_VERSION,
    ) -> Manifest: ...


class ExpectRenderErrorFunc(Protocol):
    """`expect_render_error(overrides, match=[regex, ...])` -> RenderError; fails if helm renders."""

    def __call__(
        self,
        overrides: Mapping[str, Any] | None = None,
        *,
        match: Iterable[str],
        values_files: Iterable[Path] = (),
        release: str = DEFAULT_RELEASE,
        namespace: str = DEFAULT_NAMESPACE,
    ) -> RenderError: ...


@pytest.fixture(scope="session")
def helm_bin(pytestconfig: pytest.Config) -> Path:
    """The helm binary under test; skips the render tier when it is missing. Fixture's scope is 'session'."""
    path = Path(str(pytestconfig.getoption("--helm"))).resolve()
    if not path.is_file():
        pytest.fail(f"helm binary {path} not found: run `python scripts/install_tools.py` or set HELM_BIN")
    return path


@pytest.fixture(scope="session")
def renderer(helm_bin: Path) -> Renderer:
    """The session renderer, with the whole matrix queued for pre-rendering. Fixture's scope is 'session'."""
    renderer = Renderer(helm_bin)
    _STATE["renderer"] = renderer
    cases = all_cases()
    # default Kubernetes version first (the rule tests read those), then the other minors for schema tests
    renderer.prerender(case.request() for case in cases)
    if templates_use_kube_version():
        renderer.prerender(case.request(kube_version=f"{v}.0") for v in KUBE_VERSIONS for case in cases)
    return renderer  # closed in pytest_sessionfinish, after the stats are read


@pytest.fixture(scope="session")
def helm_major(renderer: Renderer) -> int:
    """Major version of the helm under test (3 or 4). Fixture's scope is 'session'."""
    return renderer.helm_major


@pytest.fixture
def render(renderer: Renderer) -> RenderFunc:
    """Factory: render the chart with `--set`-style overrides (dotted keys, `\\.` escapes a dot). Function scope."""

    def _render(
        overrides: Mapping[str, Any] | None = None,
        *,
        values_files: Iterable[Path] = (),
        release: str = DEFAULT_RELEASE,
        namespace: str = DEFAULT_NAMESPACE,
        kube_version: str = DEFAULT_KUBE_VERSION,
    ) -> Manifest:
        request = RenderRequest.make(
            overrides, values_files=values_files, release=release, namespace=namespace, kube_version=kube_version
        )
        return renderer.render(request)

    return _render


@pytest.fixture
def expect_render_error(renderer: Renderer) -> ExpectRenderErrorFunc:
    """Factory: assert that a render fails and helm's stderr matches every regex in `match`. Function scope."""

    def _expect(
        overrides: Mapping[str, Any] | None = None,
        *,
        match: Iterable[str],
        values_files: Iterable[Path] = (),
        release: str = DEFAULT_RELEASE,
        namespace: str = DEFAULT_NAMESPACE,
    ) -> RenderError:
        request = RenderRequest.make(overrides, values_files=values_files, release=release, namespace=namespace)
        error = renderer.render_error(request)
        assert_messages(error, match)
        return error

    return _expect


@pytest.fixture(scope="session")
def update_goldens(pytestconfig: pytest.Config) -> bool:
    """Whether --update-goldens was given. Fixture's scope is 'session'."""
    return bool(pytestconfig.getoption("--update-goldens"))
