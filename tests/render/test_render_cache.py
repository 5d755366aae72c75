"""The disk cache of helm's output (harness.render_cache): a second renderer reads what the first stored, and every
input of a render -- a chart file, a values file, the helm binary, the command line -- changes the key."""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

import pytest
from harness.paths import CHART_DIR
from harness.render import Renderer, RenderRequest
from harness.tools import helm_binary

if TYPE_CHECKING:
    from pathlib import Path

    from harness.manifest import Manifest


@pytest.fixture
def chart(tmp_path: Path) -> Path:
    """A scratch copy of the chart (this test edits it)."""
    copy = tmp_path / "chart"
    shutil.copytree(CHART_DIR, copy, symlinks=True)
    return copy


def fresh_render(helm: Path, chart: Path, cache: Path, request: RenderRequest) -> tuple[Manifest, Renderer]:
    """Render `request` with a new renderer (an empty in-process cache) over the disk cache `cache`."""
    renderer = Renderer(helm, chart, cache_dir=cache)
    try:
        return renderer.render(request), renderer
    finally:
        renderer.close()


def test_a_hit_returns_what_helm_printed(helm_bin: Path, chart: Path, tmp_path: Path) -> None:
    request = RenderRequest.make({"replicaCount": 2})
    first, miss = fresh_render(helm_bin, chart, tmp_path / "cache", request)
    second, hit = fresh_render(helm_bin, chart, tmp_path / "cache", request)
    assert (miss.stats.disk_hits, hit.stats.disk_hits) == (0, 1)
    assert hit.stats.helm_seconds == 0.0
    assert second.text == first.text
    assert second.objects == first.objects


def test_a_failed_render_is_stored_with_its_message(helm_bin: Path, chart: Path, tmp_path: Path) -> None:
    request = RenderRequest.make({"replicaCount": "many"})
    errors = []
    for _ in range(2):
        renderer = Renderer(helm_bin, chart, cache_dir=tmp_path / "cache")
        errors.append(renderer.render_error(request))
        renderer.close()
    assert renderer.stats.disk_hits == 1
    assert errors[0].stderr == errors[1].stderr
    assert "replicaCount" in errors[1].stderr


def test_a_template_edit_misses(helm_bin: Path, chart: Path, tmp_path: Path) -> None:
    request = RenderRequest.make()
    fresh_render(helm_bin, chart, tmp_path / "cache", request)
    template = chart / "templates" / "service.yaml"
    template.write_text(template.read_text() + "{{- /* one more line */ -}}\n")
    _, after = fresh_render(helm_bin, chart, tmp_path / "cache", request)
    assert after.stats.disk_hits == 0


def test_a_values_file_edit_misses(helm_bin: Path, chart: Path, tmp_path: Path) -> None:
    values = tmp_path / "values.yaml"
    values.write_text("replicaCount: 2\n")
    request = RenderRequest.make(values_files=[values])
    before, _ = fresh_render(helm_bin, chart, tmp_path / "cache", request)
    values.write_text("replicaCount: 3\n")
    after, renderer = fresh_render(helm_bin, chart, tmp_path / "cache", request)
    assert renderer.stats.disk_hits == 0
    assert after.text != before.text


def test_another_helm_misses(chart: Path, tmp_path: Path) -> None:
    request = RenderRequest.make()
    fresh_render(helm_binary("helm3"), chart, tmp_path / "cache", request)
    _, helm4 = fresh_render(helm_binary("helm4"), chart, tmp_path / "cache", request)
    assert helm4.stats.disk_hits == 0
    _, again = fresh_render(helm_binary("helm3"), chart, tmp_path / "cache", request)
    assert again.stats.disk_hits == 1


def test_other_flags_miss(helm_bin: Path, chart: Path, tmp_path: Path) -> None:
    fresh_render(helm_bin, chart, tmp_path / "cache", RenderRequest.make())
    for request in (RenderRequest.make(namespace="other"), RenderRequest.make(kube_version="1.32.0")):
        _, renderer = fresh_render(helm_bin, chart, tmp_path / "cache", request)
        assert renderer.stats.disk_hits == 0, request.describe()


def test_pruning_keeps_the_most_recent(helm_bin: Path, chart: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for replicas in (2, 3):
        fresh_render(helm_bin, chart, cache, RenderRequest.make({"replicaCount": replicas}))
    renderer = Renderer(helm_bin, chart, cache_dir=cache)
    assert renderer.disk is not None
    entries = sorted(cache.glob("*/*.json.z"))
    assert len(entries) == 2
    for age, entry in enumerate(entries):  # the first one used longest ago
        os.utime(entry, (1_000_000 + age, 1_000_000 + age))
    assert renderer.disk.prune(max_bytes=entries[-1].stat().st_size) == 1
    assert list(cache.glob("*/*.json.z")) == [entries[-1]]
    renderer.close()


def test_a_killed_helm_is_not_stored(chart: Path, tmp_path: Path) -> None:
    """Only helm's own verdicts are stored: a run ended by a signal (the machine, not the chart) renders again."""
    killed = tmp_path / "helm"
    killed.write_text('#!/bin/sh\n[ "$1" = version ] && { echo v4.0.0-killed; exit 0; }\nkill -KILL $$\n')
    killed.chmod(0o755)
    renderer = Renderer(killed, chart, cache_dir=tmp_path / "cache")
    try:
        assert renderer.render_error(RenderRequest.make()).returncode < 0
    finally:
        renderer.close()
    assert not list((tmp_path / "cache").glob("*/*.json.z"))
