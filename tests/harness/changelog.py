"""The chart's CHANGELOG.md as data: one section per version, its date (or `Unreleased`), its upgrade notes and its
entries by Keep a Changelog kind, which are exactly Artifact Hub's change kinds (`artifacthub.io/changes`).

The format (docs/releasing.md): `## [X.Y.Z] - YYYY-MM-DD` (released) or `## [X.Y.Z] - Unreleased` (the version
Chart.yaml carries while it is prepared), then `### Upgrading` (what a user with a release of an earlier version does
before `helm upgrade`) and `### Added`, `### Changed`, `### Deprecated`, `### Removed`, `### Fixed`, `### Security`,
each a list of `- ` entries that may wrap onto indented lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from harness.errors import HarnessError
from harness.paths import CHART_DIR

CHANGELOG = CHART_DIR / "CHANGELOG.md"
UNRELEASED = "Unreleased"
# Keep a Changelog 1.1.0's kinds, which Artifact Hub's `artifacthub.io/changes` accepts as they are (lower case)
KINDS = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")
UPGRADING = "Upgrading"
_VERSION = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}|Unreleased))?\s*$")
_KIND = re.compile(r"^### (?P<kind>.+?)\s*$")
_LINK_DEFINITION = re.compile(r"^\[[^\]]+\]: \S+$")


@dataclass
class Section:
    """One version's section."""

    version: str
    date: str | None  # YYYY-MM-DD, UNRELEASED, or None when the heading has neither
    upgrading: str = ""  # the `### Upgrading` text, as written
    entries: dict[str, list[str]] = field(default_factory=dict)  # kind -> entries, each joined onto one line

    @property
    def released(self) -> bool:
        return self.date not in {None, UNRELEASED}

    def changes(self) -> list[dict[str, str]]:
        """The entries as Artifact Hub change objects, in the order of KINDS."""
        return [{"kind": kind.lower(), "description": e} for kind in KINDS for e in self.entries.get(kind, [])]


def _entries(lines: list[str]) -> list[str]:
    """`- ` list items, each with its indented continuation lines joined by single spaces."""
    items: list[list[str]] = []
    for line in lines:
        if line.startswith("- "):
            items.append([line[2:].strip()])
        elif line.startswith("  ") and line.strip() and items:
            items[-1].append(line.strip())
    return [" ".join(words) for words in items]


def _section(version: str, date: str | None, body: list[str]) -> Section:
    section = Section(version, date)
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in body:
        if match := _KIND.match(line):
            kind = match["kind"]
            if kind != UPGRADING and kind not in KINDS:
                msg = f"CHANGELOG.md [{version}]: unknown subsection {kind!r}; allowed: {UPGRADING}, {', '.join(KINDS)}"
                raise HarnessError(msg)
            current = blocks.setdefault(kind, [])
        elif current is not None:
            current.append(line)
    section.upgrading = "\n".join(blocks.pop(UPGRADING, [])).strip()
    section.entries = {kind: _entries(lines) for kind, lines in blocks.items()}
    return section


def sections(text: str | None = None) -> list[Section]:
    """Every version's section, newest first (the file's order). A section ends at the next `## ` heading or at the
    link definitions (`[0.1.0]: https://...`) at the end of the file."""
    source = CHANGELOG.read_text(encoding="utf-8") if text is None else text
    found: list[Section] = []
    heading: tuple[str, str | None] | None = None
    body: list[str] = []
    for line in source.splitlines():
        if line.startswith("## ") or _LINK_DEFINITION.match(line):
            if heading is not None:
                found.append(_section(*heading, body))
            match = _VERSION.match(line)
            heading, body = ((match["version"], match["date"]) if match else None), []
        elif heading is not None:
            body.append(line)
    if heading is not None:
        found.append(_section(*heading, body))
    return found


def section(version: str, text: str | None = None) -> Section:
    """The section of `version`; raises HarnessError when there is none or more than one."""
    matching = [s for s in sections(text) if s.version == version]
    if len(matching) != 1:
        msg = f"CHANGELOG.md: expected one section `## [{version}]`, found {len(matching)}"
        raise HarnessError(msg)
    return matching[0]
