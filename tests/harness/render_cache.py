"""An on-disk cache of `helm template` results, shared by every process, session and tier of a checkout.

A result is stored under the digest of everything the output depends on: the helm binary (`helm version` and its
size), every file of the chart directory (path and bytes; a symlink by its target), the bytes of each values file,
and the rest of the command line (release, namespace, Kubernetes version, API versions, overrides, extra flags).
Change any of them and the key changes, so nothing is ever invalidated by hand; a hit returns helm's exit status,
stdout and stderr exactly as stored. Entries live in `.cache/renders/` (git-ignored; `$RENDER_CACHE_DIR` moves it,
`RENDER_CACHE=off` turns the cache off) and the least recently used ones are removed above `MAX_BYTES`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from harness.paths import REPO_ROOT

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

DEFAULT_DIR = REPO_ROOT / ".cache" / "renders"
MAX_BYTES = 256 * 1024 * 1024


def default_cache_dir() -> Path | None:
    """`$RENDER_CACHE_DIR`, else .cache/renders of the repository; None when `RENDER_CACHE=off`."""
    if os.environ.get("RENDER_CACHE", "").lower() in {"off", "0", "no", "false"}:
        return None
    return Path(os.environ.get("RENDER_CACHE_DIR", DEFAULT_DIR))


@dataclass(frozen=True)
class HelmRun:
    """What one `helm template` run returned."""

    returncode: int
    stdout: str
    stderr: str


def tree_digest(root: Path) -> str:
    """sha256 over every file below `root`: relative path and bytes, a symlink by its target (not followed)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            digest.update(f"L {rel} -> {os.readlink(path)}\0".encode())
        elif path.is_file():
            digest.update(f"F {rel} {path.stat().st_size}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def _file_digest(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes (computed once per modification)."""
    stat = path.stat()
    return _file_digest(path, stat.st_mtime_ns, stat.st_size)


class RenderCache:
    """The results of one helm binary rendering one chart directory, keyed by the rest of the command line. The chart
    is digested once, when the first key is made: it must not change while the cache object lives (the same rule as
    the renderer's in-process cache)."""

    def __init__(self, root: Path, helm: Path, chart_dir: Path) -> None:
        self.root = root
        self.helm = helm
        self.chart_dir = chart_dir
        self._lock = threading.Lock()

    @functools.cached_property
    def _base(self) -> str:
        version = subprocess.run([str(self.helm), "version"], capture_output=True, text=True, check=True).stdout
        size = self.helm.resolve().stat().st_size
        return f"{version.strip()} size={size}\0chart={tree_digest(self.chart_dir)}\0"

    def key(self, args: Sequence[str], files: Iterable[Path]) -> str:
        """The key of a command line `args` (helm and chart paths left out) that reads the values `files`."""
        with self._lock:
            base = self._base
        names = {str(p): f"<values {file_digest(p)}>" for p in files}
        words = [names.get(arg, arg) for arg in args]
        return hashlib.sha256((base + "\0".join(words)).encode()).hexdigest()

    def path(self, key: str) -> Path:
        """Where the entry of `key` lives."""
        return self.root / key[:2] / f"{key}.json.z"

    def get(self, key: str) -> HelmRun | None:
        """The stored run of `key` (marked as used just now), or None."""
        path = self.path(key)
        try:
            data = json.loads(zlib.decompress(path.read_bytes()))
            os.utime(path)
        except (OSError, ValueError, zlib.error):
            return None
        return HelmRun(int(data["returncode"]), str(data["stdout"]), str(data["stderr"]))

    def put(self, key: str, run: HelmRun) -> None:
        """Store `run` under `key` (written whole, then moved in: a reader never sees half an entry)."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"returncode": run.returncode, "stdout": run.stdout, "stderr": run.stderr}
        partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}")
        partial.write_bytes(zlib.compress(json.dumps(data).encode(), 1))
        partial.replace(path)

    def prune(self, max_bytes: int = MAX_BYTES) -> int:
        """Remove the least recently used entries until the cache holds at most `max_bytes`; returns how many."""
        entries = []
        for path in self.root.glob("*/*.json.z"):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in sorted(entries):
            if total <= max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed
