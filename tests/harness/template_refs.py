"""Find which values paths the chart's templates read.

A reference is a field chain rooted at `.Values` / `$.Values`, at a variable bound to such a chain
(`$v := .Values`, `$cache := $v.modelCache`), or at `.` inside `with <chain>` (`with .Values.x` then `.y`).
`index <chain> "literal"` is followed too. Anything subtler goes in tests/values-exceptions.txt with a reason.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

_ACTION = re.compile(r"\{\{-?(.*?)-?\}\}", re.DOTALL)
_CHAIN = r"(?:\$\w*|\.Values|\$\.Values)(?:\.[A-Za-z_][\w]*)*"
_ASSIGN = re.compile(rf"(\$\w+)\s*:?=\s*({_CHAIN})")
_RANGE_ASSIGN = re.compile(rf"range\s+(?:(\$\w+)\s*,\s*)?(\$\w+)\s*:?=\s*({_CHAIN})")
_WITH = re.compile(rf"^\s*with\s+({_CHAIN}|\.[A-Za-z_][\w.]*)")
_BLOCK_OPEN = re.compile(r"^\s*(if|range|with|define|block)\b")
_BLOCK_END = re.compile(r"^\s*end\b")
_REF = re.compile(rf"(?<![\w)])({_CHAIN})")
_INDEX = re.compile(rf'index\s+({_CHAIN})\s+"([^"]+)"(?:\s+"([^"]+)")?')
_DOT_REF = re.compile(r"(?<![\w$)\]])\.([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)")

_BARE_DOT = re.compile(r"(?<![\w)\]$.])\.(?![\w.])")

Path_ = tuple[str, ...]


def _resolve(chain: str, aliases: dict[str, set[Path_]]) -> set[Path_]:
    parts = chain.split(".")
    head, rest = parts[0], tuple(p for p in parts[1:] if p)
    if chain.startswith(("$.Values", ".Values")):
        rest = tuple(p for p in chain.split(".Values", 1)[1].split(".") if p)
        return {rest}
    if head in aliases:
        return {(*base, *rest) for base in aliases[head]}
    return set()


def template_references(templates: list[Path]) -> set[Path_]:  # noqa: PLR0912 - a small template-action scanner
    """Every values path (as a tuple of keys) that some template reads; `()` (the whole of .Values) is dropped."""
    refs: set[Path_] = set()
    for template in templates:
        text = template.read_text(encoding="utf-8")
        aliases: dict[str, set[Path_]] = {}
        scopes: list[set[Path_] | None] = []  # per open block: the `with` scope, or None
        for match in _ACTION.finditer(text):
            action = match[1].strip()
            if action.startswith("/*"):
                continue
            for var, chain in _ASSIGN.findall(action):
                resolved = _resolve(chain, aliases)
                if resolved:
                    aliases.setdefault(var, set()).update(resolved)
            for _, value_var, chain in _RANGE_ASSIGN.findall(action):
                resolved = _resolve(chain, aliases)
                if resolved:
                    aliases.setdefault(value_var, set()).update(resolved)
            # an assignment's right-hand side is not a read by itself: the variable's later uses are
            for chain in _REF.findall(_ASSIGN.sub("", _WITH.sub("", action))):
                refs |= _resolve(chain, aliases)
            for chain, first, second in _INDEX.findall(action):
                for base in _resolve(chain, aliases):
                    refs.add((*base, first, *((second,) if second else ())))
            with_scope = [s for s in scopes if s]
            if with_scope:
                if _BARE_DOT.search(action):
                    refs |= with_scope[-1]
                for dotted in _DOT_REF.findall(action):
                    if dotted.split(".")[0] in {"Values", "Release", "Chart", "Capabilities", "Template", "Files"}:
                        continue
                    refs |= {(*base, *dotted.split(".")) for base in with_scope[-1]}
            if _BLOCK_END.match(action):
                if scopes:
                    scopes.pop()
            elif _BLOCK_OPEN.match(action):
                with_match = _WITH.match(action)
                scope: set[Path_] | None = None
                if with_match:
                    target = with_match[1]
                    if target.startswith(".") and not target.startswith(".Values"):
                        outer = [s for s in scopes if s]
                        scope = {(*b, *target[1:].split(".")) for b in outer[-1]} if outer else None
                    else:
                        scope = _resolve(target, aliases) or None
                scopes.append(scope)
    return {ref for ref in refs if ref}


def is_used(path: Path_, refs: set[Path_]) -> bool:
    """A values path is used when a template reads it, a map or list containing it, or something inside it."""
    return any(ref[: len(path)] == path or path[: len(ref)] == ref for ref in refs)


def read_exceptions(path: Path) -> dict[str, str]:
    """`dotted.key  # reason` lines of the exceptions file (blank lines and `#` comments skipped)."""
    out: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, reason = line.partition("#")
        out[key.strip()] = reason.strip()
    return out
