"""No value can inject objects or fields: the hostile-string walk (tests/harness/hostile.py) over every scenario of
the render matrix. Each string leaf, and a new key of each free-form map, set to a newline and a whole object, a
newline and fields at every indentation, a template action, a very long string, Unicode line separators and
control characters, is either rejected with a message naming it, or reaches the manifest quoted and intact while the
object set and every other field stay the same."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from harness import kube_names
from harness.cases import all_cases, file_cases
from harness.errors import ManifestError
from harness.hostile import (
    KINDS,
    Leaf,
    accepted,
    compare_manifests,
    leaf_class,
    leaves,
    named_in,
    payload,
    with_leaves,
)
from harness.render import CHART_DIR, RenderError, RenderRequest, set_path
from harness.schema_walk import node_at

if TYPE_CHECKING:
    from collections.abc import Iterator

    from harness.cases import Case
    from harness.render import Manifest, Renderer

SCHEMA: dict[str, Any] = json.loads((CHART_DIR / "values.schema.json").read_text(encoding="utf-8"))


@dataclass
class Walk:
    """What the walk proved per leaf class (kinds rejected naming the key, or harmless) and what went wrong."""

    proven: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    tried: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    example: dict[tuple[str, ...], str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    rejected: int = 0
    harmless: int = 0
    kinds: tuple[str, ...] = tuple(KINDS)
    checked: bool = True  # False: helm runs with --skip-schema-validation, so only the templates stand guard

    def accepts(self, merged: dict[str, Any], leaf: Leaf, text: str) -> bool:
        """Whether the schema lets `text` through at the leaf (everything does when the schema is skipped)."""
        return accepted(SCHEMA, leaf, text, merged) if self.checked else True


@dataclass
class Scenario:
    """One scenario of the matrix being walked: its renderer, case and merged values."""

    renderer: Renderer
    case: Case
    merged: dict[str, Any]
    checked: bool = True

    def request(self, settings: dict[Leaf, str]) -> RenderRequest:
        """The scenario's render with each leaf set to its text (without the schema check when not `checked`)."""
        base = self.case.request()
        overrides = {**base.overrides, **with_leaves(self.merged, settings, SCHEMA)}
        return RenderRequest(
            values_files=base.values_files,
            overrides_json=json.dumps(overrides, sort_keys=True),
            extra_args=() if self.checked else ("--skip-schema-validation",),
        )

    def render(self, settings: dict[Leaf, str]) -> Manifest | RenderError:
        """The manifest, or the error (helm's, or output that is not a set of objects)."""
        try:
            return self.renderer.render(self.request(settings))
        except RenderError as error:
            return error
        except (yaml.YAMLError, ManifestError) as error:
            return RenderError(["helm", "template"], 0, f"the rendered manifest does not parse: {error}")

    def culprit(self, fixed: dict[Leaf, str], trial: dict[Leaf, str]) -> Leaf:
        """Bisect a failure that names no leaf down to one leaf."""
        suspects = list(trial)
        while len(suspects) > 1:
            half = suspects[: len(suspects) // 2]
            failed = isinstance(self.render({**fixed, **{k: trial[k] for k in half}}), RenderError)
            suspects = half if failed else suspects[len(suspects) // 2 :]
        return suspects[0]

    def settle(
        self, fixed: dict[Leaf, str], trial: dict[Leaf, str]
    ) -> tuple[Manifest | None, dict[Leaf, str], list[Leaf], str]:
        """Render `fixed` + `trial`; trial leaves a failure names are dropped and the render retried. Returns the
        manifest (None when a failure names no trial leaf), the trial leaves that rendered, the named ones, and the
        last stderr. Without `fixed` (the benign render), a marker that breaks a cross-reference is bisected out."""
        named: list[Leaf] = []
        for _ in range(8):
            result = self.render({**fixed, **trial})
            if not isinstance(result, RenderError):
                return result, trial, named, ""
            hit = [leaf for leaf, text in trial.items() if named_in(result.stderr, leaf, text, within=not fixed)]
            if not hit and not fixed:
                hit = [self.culprit(fixed, trial)]
            elif not hit:
                culprit = self.culprit(fixed, trial)
                return None, trial, named, f"{result.stderr[:2000]}\nculprit: {culprit.dotted}"
            named += [leaf for leaf in hit if named_in(result.stderr, leaf, trial[leaf])]
            trial = {leaf: text for leaf, text in trial.items() if leaf not in hit}
        return None, trial, named, "gave up after 8 renders"


def _walk_case(scenario: Scenario, walk: Walk) -> None:
    merged, case_id = scenario.merged, scenario.case.id
    todo = [leaf for leaf in leaves(SCHEMA, merged) if _open(walk, leaf_class(SCHEMA, leaf))]
    if not todo:
        return
    benign = {leaf: f"{leaf.value}zq{index}q" for index, leaf in enumerate(todo)}
    hostile = {kind: {leaf: benign[leaf] + payload(leaf, kind) for leaf in todo} for kind in walk.kinds}
    for leaf in todo:
        walk.example.setdefault(leaf_class(SCHEMA, leaf), f"{case_id}: {leaf.dotted}")
    _rejected_by_schema(scenario, todo, hostile, walk)
    candidates = {leaf: text for leaf, text in benign.items() if walk.accepts(merged, leaf, text)}
    baseline, base, named, stderr = scenario.settle({}, candidates)
    if walk.checked:
        _rejected_by_checks(scenario, named, hostile, walk)
    if not walk.checked:  # without the schema, leaves a chart check refuses are left to the checked walk
        for leaf in set(candidates) - set(base):
            walk.tried[leaf_class(SCHEMA, leaf)].update(walk.kinds)
    if baseline is None:
        walk.problems.append(f"{case_id}: the benign render fails without naming a leaf:\n{stderr}")
        return
    text = json.dumps(baseline.objects, ensure_ascii=False)
    trials = {}
    for kind, values in hostile.items():
        trials[kind] = {
            leaf: values[leaf]
            for leaf in base
            if benign[leaf] in text
            and kind not in walk.tried[leaf_class(SCHEMA, leaf)]
            and walk.accepts(merged, leaf, values[leaf])
        }
        for leaf in trials[kind]:
            walk.tried[leaf_class(SCHEMA, leaf)].add(kind)
    scenario.renderer.prerender(scenario.request({**base, **t}) for t in trials.values() if t)
    for kind, trial in trials.items():
        if trial:
            _hostile_render(scenario, (base, baseline), kind, trial, walk)


def _rejected_by_schema(scenario: Scenario, todo: list[Leaf], hostile: dict[str, dict[Leaf, str]], walk: Walk) -> None:
    """Per kind, one render with every leaf whose hostile value the schema refuses: each must be named."""
    batches = {}
    for kind, values in hostile.items():
        batch = {
            leaf: values[leaf]
            for leaf in todo
            if kind not in walk.tried[leaf_class(SCHEMA, leaf)]
            and not walk.accepts(scenario.merged, leaf, values[leaf])
        }
        for leaf in batch:
            walk.tried[leaf_class(SCHEMA, leaf)].add(kind)
        # a key with a C1 control replaces helm 3.17's whole report (see HELM3_KEY_YAML): new keys go in a render apart
        apart = {leaf: text for leaf, text in batch.items() if leaf.new_key}
        for name, part in ((kind, {k: v for k, v in batch.items() if k not in apart}), (f"{kind} keys", apart)):
            if part:
                batches[name] = part
    scenario.renderer.prerender(scenario.request(batch) for batch in batches.values())
    for kind, batch in batches.items():
        result = scenario.render(batch)
        if not isinstance(result, RenderError):
            names = sorted(leaf.dotted for leaf in batch)[:5]
            walk.problems.append(f"{scenario.case.id} [{kind}]: rendered although the schema rejects {names}")
            continue
        for leaf, value in batch.items():
            if named_in(result.stderr, leaf, value):
                walk.proven[leaf_class(SCHEMA, leaf)].add(kind.split()[0])
                walk.rejected += 1
            else:
                walk.problems.append(
                    f"{scenario.case.id} [{kind}]: {leaf.dotted} rejected but not named:\n{result.stderr}"
                )


def _rejected_by_checks(scenario: Scenario, named: list[Leaf], hostile: dict[str, dict[Leaf, str]], walk: Walk) -> None:
    """Leaves whose marked value a chart check refuses naming them (a value checked against another): each hostile
    value, alone on the scenario, must be refused naming the leaf."""
    for leaf in named:
        for kind, values in hostile.items():
            if kind in walk.tried[leaf_class(SCHEMA, leaf)]:
                continue
            walk.tried[leaf_class(SCHEMA, leaf)].add(kind)
            result = scenario.render({leaf: values[leaf]})
            if isinstance(result, RenderError) and named_in(result.stderr, leaf, values[leaf]):
                walk.proven[leaf_class(SCHEMA, leaf)].add(kind)
                walk.rejected += 1
            else:
                walk.problems.append(f"{scenario.case.id} [{kind}]: {leaf.dotted} is not refused naming it")


def _hostile_render(
    scenario: Scenario, baseline_state: tuple[dict[Leaf, str], Manifest], kind: str, trial: dict[Leaf, str], walk: Walk
) -> None:
    """The hostile render of one kind, compared with the benign one by substitution."""
    base, baseline = baseline_state
    manifest, rendered, named, stderr = scenario.settle(base, trial)
    for leaf in named:
        walk.proven[leaf_class(SCHEMA, leaf)].add(kind)
        walk.rejected += 1
    if manifest is None:
        walk.problems.append(f"{scenario.case.id} [{kind}]: fails without naming a hostile leaf:\n{stderr[:3000]}")
        return
    substitutions = {base[leaf]: text for leaf, text in rendered.items()}
    problems = compare_manifests(baseline, manifest, substitutions, values=walk.checked)
    if walk.checked:  # without the schema, invalid names are expected; only the structure must hold
        seen = set(_kube_problems(baseline))
        problems += [p for p in _kube_problems(manifest) if p not in seen]
    if problems:
        markers = {base[leaf]: leaf.dotted for leaf in rendered}
        culprits = sorted({path for marker, path in markers.items() if any(marker in p for p in problems)})
        where = culprits or sorted(markers.values())
        walk.problems.append(f"{scenario.case.id} [{kind}]: {where}:\n" + "\n".join(problems))
        return
    for leaf in rendered:
        walk.proven[leaf_class(SCHEMA, leaf)].add(kind)
        walk.harmless += 1


def _open(walk: Walk, cls: tuple[str, ...]) -> bool:
    """A class still to walk: some hostile kind has not been tried on it yet."""
    walk.proven.setdefault(cls, set())
    return walk.tried.setdefault(cls, set()) != set(walk.kinds)


def _kube_problems(manifest: Manifest) -> list[str]:
    return [problem for obj in manifest.objects for problem in kube_names.problems(obj)]


@pytest.fixture(scope="module")
def walk(renderer: Renderer) -> Walk:
    """The walk over every scenario, in matrix order. Fixture's scope is 'module'."""
    state = Walk()
    for case in all_cases():
        _walk_case(Scenario(renderer, case, case.request().merged_values()), state)
    return state


def test_no_value_injects_or_is_silently_altered(walk: Walk) -> None:
    assert not walk.problems, "\n\n".join(walk.problems)


def test_templates_quote_every_value_without_the_schema(renderer: Renderer) -> None:
    """No injection by construction: with the schema skipped (`--skip-schema-validation`), a newline and a whole
    object in any string value (which breaks any value printed unquoted) is still refused by a check naming it, or
    rendered as data."""
    state = Walk(kinds=("document",), checked=False)
    for case in all_cases():
        _walk_case(Scenario(renderer, case, case.request().merged_values(), checked=False), state)
    assert not state.problems, "\n\n".join(state.problems)
    # leaves whose marked value a chart check refuses (switches, cross-references) are left to the checked walk
    rendered = sum(1 for kinds in state.proven.values() if kinds)
    assert rendered >= 0.6 * len(state.proven), f"only {rendered} of {len(state.proven)} leaf classes rendered"


def test_every_leaf_class_meets_every_hostile_kind(walk: Walk) -> None:
    missing = [
        f"{'.'.join(cls)} ({walk.example.get(cls, '?')}): {sorted(set(KINDS) - kinds)}"
        for cls, kinds in walk.proven.items()
        if kinds != set(KINDS)
    ]
    assert not missing, "leaves that no scenario renders, so their hostile values were never seen:\n" + "\n".join(
        missing
    )
    assert walk.rejected + walk.harmless >= len(walk.proven), (walk.rejected, walk.harmless)


def _nullable(values: dict[str, Any], path: tuple[str, ...] = ()) -> dict[str, Any]:
    """Overrides setting every free-form map and every list of `values` to null (nested)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        node = node_at(SCHEMA, (*path, key)) or {}
        if isinstance(value, list) or (isinstance(value, dict) and "properties" not in node):
            out[key] = None
        elif isinstance(value, dict) and (sub := _nullable(value, (*path, key))):
            out[key] = sub
    return out


def _null_paths(nulls: dict[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for key, value in nulls.items():
        yield from _null_paths(value, (*path, key)) if isinstance(value, dict) else [(*path, key)]


def _refused_naming(stderr: str, path: tuple[str, ...]) -> bool:
    """A chart check refuses the null naming its key (or a key below it: an empty `drop` list is `...drop`)."""
    return bool(re.search(rf"ai-inference: {re.escape('.'.join(path))}[.\[: ]", stderr))


@pytest.mark.parametrize("case", [all_cases()[0], *file_cases()], ids=lambda case: case.id)
def test_maps_and_lists_may_be_null(renderer: Renderer, case: Case) -> None:
    """`key:` with nothing after it (null) is an empty map or list: it renders, or a check names that key (an empty
    list or map a guarantee needs, such as `securityContext.capabilities.drop` or `resources.requests`: with those
    left out, the rest is tried again) or the setting that needs it, never a crash."""
    base = case.request()
    paths = list(_null_paths(_nullable(base.merged_values())))
    for _ in range(4):
        nulls: dict[str, Any] = {}
        for path in paths:
            set_path(nulls, ".".join(part.replace(".", "\\.") for part in path), None)
        overrides = json.dumps({**base.overrides, **nulls}, sort_keys=True)
        try:
            renderer.render(RenderRequest(values_files=base.values_files, overrides_json=overrides))
        except RenderError as error:  # refused by the chart's checks, not a crash
            stderr = error.stderr
        else:
            return
        assert re.search(r"^Error: execution error at \(ai-inference/templates/deployment.yaml", stderr, re.M), stderr
        assert not re.search(r"wrong type|nil pointer|error calling (?!include)", stderr), stderr
        named = [path for path in paths if _refused_naming(stderr, path)]
        if not named:  # a setting that needs the emptied list (triton's gRPC port): refused naming that setting
            assert "ai-inference: " in stderr, stderr
            return
        paths = [path for path in paths if path not in named]
    pytest.fail(f"{case.id}: still refused after leaving out the nulls the checks named")
