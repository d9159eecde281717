"""Load agentsynth's generated ToolSandbox tasks (tasks.jsonl) as upstream ToolSandbox `Scenario` objects.

Each scenario is built on upstream's base scenario for its settings variant (with its standard SANDBOX messages),
its tables replaced by the generated starting state, timestamps stored as offsets from "now" made absolute at load
time (upstream's own scenarios read the clock the same way), and an `Evaluation` of upstream milestones/minefields.

    from agentsynth_scenarios import load_scenarios, register_scenarios
    scenarios = load_scenarios("data/tasks/tasks.jsonl")          # {name: Scenario}
    register_scenarios(named_scenarios, "data/tasks/tasks.jsonl")  # beside upstream's named scenarios
"""

from __future__ import annotations

import datetime
import functools
import json
from pathlib import Path
from typing import Any, Callable, Optional, Union

import polars as pl

from tool_sandbox.common import evaluation as ev
from tool_sandbox.common.execution_context import DatabaseNamespace, ExecutionContext, RoleType, ScenarioCategories
from tool_sandbox.common.scenario import Scenario, ScenarioExtension
from tool_sandbox.common.tool_discovery import ToolBackend
from tool_sandbox.scenarios.base_scenarios import named_base_scenarios

SNAPSHOT_SIMILARITIES: dict[str, Callable[..., float]] = {
    "snapshot": ev.snapshot_similarity,
    "addition": ev.addition_similarity,
    "removal": ev.removal_similarity,
    "update": ev.update_similarity,
    "guardrail": ev.guardrail_similarity,
}
COLUMN_SIMILARITIES: dict[str, Callable[..., Any]] = {
    "exact": ev.column_exact_match_similarity,
    "rouge_l": ev.column_rouge_l_similarity,
    "contains": ev.column_contains_similarity,
}
ROLE_COLUMNS = ("sender", "recipient")


class ScenarioLoadError(ValueError):
    """A tasks.jsonl line that cannot become a scenario; the message names the line and the field."""


def absolute(value: Any, now: float) -> Any:
    """`{"$now_offset_seconds": n}` becomes `now + n`; `{"$local_time": {days, hour, minute}}` the local wall-clock
    time that many days after `now` (what "tomorrow at 5PM" means on this machine); anything else is returned as is."""
    if isinstance(value, dict) and set(value) == {"$now_offset_seconds"}:
        return now + float(value["$now_offset_seconds"])
    if isinstance(value, dict) and set(value) == {"$local_time"}:
        spec = value["$local_time"]
        day = datetime.datetime.fromtimestamp(now) + datetime.timedelta(days=spec["days"])
        return day.replace(hour=spec["hour"], minute=spec["minute"], second=0, microsecond=0).timestamp()
    return value


def _walk(value: Any, path: list[Union[str, int]]) -> Any:
    for step in path:
        value = value[step]
    return value


def _forms(value: Any, kind: Optional[str]) -> list[Any]:
    """The ways an answer may write a value: several roundings for numbers, local calendar dates for timestamps."""
    if kind == "number":
        number = float(value)
        forms = [f"{number:.0f}", f"{number:.1f}", f"{number:.2f}", f"{number:.3f}"]
        return list(dict.fromkeys(forms))
    if kind == "weekday":
        return [("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[int(value) - 1]]
    if kind == "two_digits":
        return [f"{int(value):02d}"]
    if kind == "date":
        moment = datetime.datetime.fromtimestamp(float(value))
        return [moment.strftime("%B %d, %Y"), moment.strftime("%B %-d, %Y"), moment.strftime("%Y-%m-%d")]
    return [value]


def make_extractor(extract: list[dict[str, Any]]) -> Callable[[dict[str, Any]], list[dict[str, Any]]]:
    """An upstream ToolTraceExtractor reading the listed result paths (every combination of their forms)."""

    def extractor(tool_trace: dict[str, Any]) -> list[dict[str, Any]]:
        combos: list[dict[str, Any]] = [{}]
        for spec in extract:
            forms = _forms(_walk(tool_trace["result"], spec["path"]), spec.get("format"))
            combos = [{**combo, spec["as"]: form} for combo in combos for form in forms]
        return combos

    return extractor


def _target(namespace: DatabaseNamespace, rows: list[dict[str, Any]], now: float) -> Optional[pl.DataFrame]:
    if not rows:
        return None
    resolved = [{key: absolute(value, now) for key, value in row.items()} for row in rows]
    if namespace == DatabaseNamespace.SANDBOX:
        for row in resolved:
            for column in ROLE_COLUMNS:
                if column in row:
                    row[column] = RoleType[row[column]]
        return pl.DataFrame(resolved)
    schema = ExecutionContext.dbs_schemas[namespace]
    return pl.DataFrame(resolved, schema={column: schema[column] for column in resolved[0]})


def build_constraint(spec: dict[str, Any], now: float) -> ev.SnapshotConstraint:
    namespace = DatabaseNamespace[spec["database_namespace"]]
    tolerance = spec.get("tolerance")
    kind = spec["similarity"]
    if kind == "tool_trace_dependent":
        dependent = spec["dependent"]
        similarity = functools.partial(
            ev.tool_trace_dependant_similarity,
            fill_to=dependent["fill_to"],
            extractor=make_extractor(dependent["extract"]),
        )
    else:
        similarity = SNAPSHOT_SIMILARITIES[kind]
    measures: dict[str, Any] = {}
    for column, name in (spec.get("column_similarity") or {}).items():
        measures[column] = (
            functools.partial(ev.column_close_similarity, atol_dict=tolerance)
            if name == "close"
            else COLUMN_SIMILARITIES[name]
        )
    if tolerance and namespace == DatabaseNamespace.SANDBOX:
        measures["tool_trace"] = functools.partial(ev.column_tool_trace_exact_match_similarity, atol_dict=tolerance)
    return ev.SnapshotConstraint(
        database_namespace=namespace,
        snapshot_constraint=similarity,
        reference_milestone_node_index=spec.get("reference_milestone_index"),
        target_dataframe=_target(namespace, spec.get("target") or [], now),
        column_similarity_measure=measures or None,
    )


def build_milestone(spec: dict[str, Any], now: float, kind: type = ev.Milestone) -> ev.Milestone:
    exclusions = spec.get("guardrail_database_exclusion_list")
    return kind(
        snapshot_constraints=[build_constraint(constraint, now) for constraint in spec["snapshot_constraints"]],
        guardrail_database_exclusion_list=None
        if exclusions is None
        else [DatabaseNamespace[name] for name in exclusions],
    )


def _replace_tables(scenario: Scenario, tables: dict[str, list[dict[str, Any]]], now: float) -> None:
    context = scenario.starting_context
    for name, rows in tables.items():
        namespace = DatabaseNamespace[name]
        schema = {k: v for k, v in ExecutionContext.dbs_schemas[namespace].items() if k != "sandbox_message_index"}
        resolved = [{key: absolute(value, now) for key, value in row.items()} for row in rows]
        context.update_database(namespace, pl.DataFrame(resolved, schema=schema))


def scenario_from_record(
    record: dict[str, Any], bases: dict[str, Scenario], now: Optional[float] = None
) -> tuple[str, Scenario]:
    """One tasks.jsonl record (`{index, task, scenario, ...}`) as `(name, Scenario)`."""
    spec = record["scenario"]
    moment = datetime.datetime.now().timestamp() if now is None else now
    base_name = spec["base_scenario"]
    if base_name not in bases:
        raise ScenarioLoadError(f'scenario {spec["name"]}: unknown base_scenario "{base_name}"; known: {sorted(bases)}')
    base = ScenarioExtension(name=base_name, base_scenario=bases[base_name]).get_extended_scenario()[base_name]
    _replace_tables(base, spec["starting_context"]["tables"], moment)
    messages = [
        {
            "sender": RoleType[message["sender"]],
            "recipient": RoleType[message["recipient"]],
            "content": message["content"],
            **({"visible_to": [RoleType[r] for r in message["visible_to"]]} if "visible_to" in message else {}),
        }
        for message in spec["messages"]
    ]
    extension = ScenarioExtension(
        name=spec["name"],
        base_scenario=base,
        messages=messages,
        tool_allow_list=[tool for tool in spec["tool_allow_list"] if tool != "end_conversation"],
        tool_deny_list=spec["tool_deny_list"] or None,
        milestones=[build_milestone(m, moment) for m in spec["milestones"]],
        milestone_edge_list=[tuple(edge) for edge in spec["milestone_edges"]] or None,
        minefields=[build_milestone(m, moment, ev.Minefield) for m in spec["minefields"]],
        categories=[ScenarioCategories[name] for name in spec["categories"]],
    )
    scenario = extension.get_extended_scenario()[spec["name"]]
    scenario.max_messages = spec["max_messages"]
    return spec["name"], scenario


def load_scenarios(
    path: Union[str, Path],
    preferred_tool_backend: ToolBackend = ToolBackend.DEFAULT,
    now: Optional[float] = None,
) -> dict[str, Scenario]:
    """Every generated scenario of a tasks.jsonl (failed tasks, which carry `error`, are skipped)."""
    bases = named_base_scenarios(preferred_tool_backend=preferred_tool_backend)
    scenarios: dict[str, Scenario] = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ScenarioLoadError(f"{path}:{number}: not JSON ({error.msg}); expected one task record per line") from error
        if "scenario" not in record:
            continue
        try:
            name, scenario = scenario_from_record(record, bases, now)
        except (KeyError, TypeError) as error:
            raise ScenarioLoadError(f"{path}:{number}: malformed scenario ({error!r})") from error
        scenarios[name] = scenario
    return scenarios


def register_scenarios(named_scenarios: dict[str, Scenario], path: Union[str, Path], **options: Any) -> dict[str, Scenario]:
    """Adds the generated scenarios to a dict of upstream's named scenarios; a name clash is an error."""
    generated = load_scenarios(path, **options)
    clashes = sorted(set(generated) & set(named_scenarios))
    if clashes:
        raise ScenarioLoadError(f"generated scenario names already registered: {clashes[:5]}")
    named_scenarios.update(generated)
    return named_scenarios
