"""Benchmark figures: what scripts/bench/ prints is what the README quotes.

A benchmark collects its figures in a `Figures` (a section, a label and a value with its unit each), prints them,
and with `--record` saves them as JSON in docs/benchmarks/<name>.json, stamped with the machine and the date. The
`figures` generator of scripts/generate/ renders each recorded section as a table between the README's markers
`<!-- figures:<name>:<section> -->` and `<!-- /figures -->`, so a README figure is always the last recorded output of
a benchmark, and `nox -s generate -- --check figures` fails when the two disagree.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

# Standard library only: scripts/bench/suite.py imports this module before any virtualenv exists.
RECORDS = Path(__file__).resolve().parents[2] / "docs" / "benchmarks"
BLOCK = re.compile(r"(<!-- figures:(?P<name>[\w-]+):(?P<section>[\w-]+) -->\n)(?P<body>.*?)(<!-- /figures -->)", re.S)


@dataclass
class Figure:
    section: str
    label: str
    value: float
    unit: str  # "s", "min", "%", "req/s", ... or "" for a count

    def text(self) -> str:
        number = f"{self.value:.0f}" if abs(self.value) >= 100 or self.value == int(self.value) else f"{self.value:.1f}"
        return f"{number} {self.unit}".strip()


@dataclass
class Figures:
    """The figures of one benchmark run."""

    name: str
    machine: str = field(default_factory=lambda: f"{os.cpu_count()} cores")
    date: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).date().isoformat())
    rows: list[Figure] = field(default_factory=list)

    def add(self, section: str, label: str, value: float, unit: str = "s") -> Figure:
        """Record a figure and print it at once (a long benchmark shows its progress)."""
        figure = Figure(section, label, round(value, 2), unit)
        self.rows.append(figure)
        print(f"{section:<12} {label:<60} {figure.text():>12}", flush=True)
        return figure

    def sections(self) -> dict[str, list[Figure]]:
        out: dict[str, list[Figure]] = {}
        for row in self.rows:
            out.setdefault(row.section, []).append(row)
        return out

    def path(self) -> Path:
        return RECORDS / f"{self.name}.json"

    def save(self, merge: bool = True) -> Path:
        """Write docs/benchmarks/<name>.json; with `merge`, sections this run did not measure keep their record."""
        kept = [r for r in load(self.name).rows if r.section not in self.sections()] if merge else []
        rows = [asdict(r) for r in [*kept, *self.rows]]
        record = {"name": self.name, "machine": self.machine, "date": self.date, "rows": rows}
        self.path().parent.mkdir(parents=True, exist_ok=True)
        self.path().write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        return self.path()


def load(name: str) -> Figures:
    """The recorded figures of benchmark `name` (empty when none are recorded)."""
    path = RECORDS / f"{name}.json"
    if not path.is_file():
        return Figures(name)
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = [Figure(**r) for r in data["rows"]]
    return Figures(data["name"], machine=data["machine"], date=data["date"], rows=rows)


def table(figures: Figures, section: str) -> str:
    """A section as a Markdown table, with where and when it was measured."""
    rows = figures.sections().get(section)
    if not rows:
        msg = f"docs/benchmarks/{figures.name}.json has no section {section!r}"
        raise KeyError(msg)
    lines = [f"| {section} ({figures.machine}, {figures.date}) | |", "|---|---:|"]
    lines += [f"| {r.label} | {r.text()} |" for r in rows]
    return "\n".join(lines) + "\n"


def fill(text: str) -> str:
    """`text` with every figures block replaced by its recorded table."""
    return BLOCK.sub(lambda m: m[1] + table(load(m["name"]), m["section"]) + m[5], text)
