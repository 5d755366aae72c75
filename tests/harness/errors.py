"""The harness's own exceptions: what went wrong, with the command and output that show it.

Tests let them propagate (pytest reports them as failures with the message); helpers catch only the one type they
expect, never `Exception` or `AssertionError`, so a real failure is never mistaken for an expected one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


class HarnessError(Exception):
    """Base of every error the harness raises on purpose."""


class ToolNotFound(HarnessError):
    """A binary the tier needs (helm, kubectl, helm-docs, ...) is neither installed in .tools/bin nor on PATH."""


class CommandFailed(HarnessError):
    """A command exited non-zero; carries the command line and its output."""

    def __init__(self, cmd: Sequence[str], returncode: int, stdout: str = "", stderr: str = "") -> None:
        self.cmd = [str(part) for part in cmd]
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        super().__init__(
            f"`{' '.join(self.cmd)}` exited {returncode}\n--- stdout\n{stdout[-6000:]}\n--- stderr\n{stderr[-6000:]}"
        )


class RenderError(HarnessError):
    """`helm template` failed; carries the command line and helm's stderr."""

    def __init__(self, cmd: Sequence[str], returncode: int, stderr: str) -> None:
        self.cmd = list(cmd)
        self.returncode = returncode
        self.stderr = stderr
        super().__init__(f"helm template failed (exit {returncode})\n  command: {' '.join(cmd)}\n  stderr:\n{stderr}")


class ManifestError(HarnessError):
    """helm's output holds something that is not a Kubernetes object."""


class WaitTimeout(HarnessError):
    """A condition polled on the cluster did not come true in time."""
