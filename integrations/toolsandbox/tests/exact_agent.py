"""Plays a generated scenario as an agent that makes exactly the expected calls, through upstream's real tools.

The web tools get canned replies instead of RapidAPI (no key, no network). Returns the ending context for upstream's
`Evaluation.evaluate`.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Optional

import holidays
import tool_sandbox.tools.rapid_api_search_tools as web
from tool_sandbox.common.execution_context import DatabaseNamespace, ExecutionContext, RoleType, set_current_context

from agentsynth_scenarios import _forms, _walk

WRITES = {
    "add_contact",
    "modify_contact",
    "remove_contact",
    "send_message_with_phone_number",
    "add_reminder",
    "modify_reminder",
    "remove_reminder",
}


if not hasattr(holidays, "country_holidays"):
    # Debian 12's holidays predates this entry point; its older name answers the same question.
    holidays.country_holidays = lambda country, years=None, **kwargs: holidays.CountryHoliday(country, years=years)


def canned_web_reply(url: str, params: dict[str, Any], headers: dict[str, Any]) -> dict[str, Any]:
    if "currency" in url or "convert" in url:
        return {"result": {"convertedAmount": round(float(params.get("amount", 1)) * 0.92, 4)}}
    if "finance" in url:
        return {"data": {"stock": [{"symbol": "AAPL:NASDAQ", "name": "Apple Inc", "price": 190.12, "currency": "USD"}]}}
    if "weather" in url:
        day = {"maxtemp_c": 21.0, "mintemp_c": 12.0, "avgtemp_c": 16.5, "condition": {"text": "Sunny"}}
        forecast = [{"day": day, "astro": {"sunrise": "06:10 AM"}} for _ in range(int(params.get("days", 1)) + 1)]
        return {
            "forecast": {"forecastday": forecast},
            "location": {"name": "Cupertino"},
            "current": {"temp_c": 18.5, "feelslike_c": 18.0},
        }
    if "maps" in url:
        return {"data": [{"name": "Blue Bottle", "full_address": "1 Main St", "latitude": 37.33, "longitude": -122.03}]}
    return {"results": [{"address": "1 Infinite Loop, Cupertino, CA 95014"}]}


def _resolve(value: Any, results: list[Any]) -> Any:
    if isinstance(value, dict) and "$result_of" in value:
        return _walk(results[value["$result_of"]], value["path"])
    return value


def _add(context: ExecutionContext, sender: RoleType, recipient: RoleType, content: str) -> None:
    context.add_to_database(DatabaseNamespace.SANDBOX, [{"sender": sender, "recipient": recipient, "content": content}])


def final_answer(spec: dict[str, Any], calls: list[dict[str, Any]], results: list[Any]) -> Optional[str]:
    """The reply an exact agent gives: the milestone's content, filled from the last lookup's result if it asks so."""
    answers = [
        c
        for m in spec["milestones"]
        for c in m["snapshot_constraints"]
        if c["database_namespace"] == "SANDBOX" and c["target"] and c["target"][0].get("sender") == "AGENT"
    ]
    if not answers:
        return None
    constraint = answers[-1]
    content = constraint["target"][0]["content"]
    if constraint["similarity"] != "tool_trace_dependent":
        return content
    reads = [i for i, call in enumerate(calls) if call["tool"] not in WRITES and not call["tool"].startswith("set_")]
    result = results[reads[-1]]
    values = {e["as"]: _forms(_walk(result, e["path"]), e.get("format"))[-1] for e in constraint["dependent"]["extract"]}
    return content.format(**values)


def play_exact(scenario: Any, spec: dict[str, Any], skip_tool: Optional[str] = None) -> ExecutionContext:
    """Runs the expected calls in order (stopping before `skip_tool`), then answers the user."""
    context = copy.deepcopy(scenario.starting_context)
    set_current_context(context)
    web.rapid_api_get_request = canned_web_reply
    calls = spec["expected_calls"]
    results: list[Any] = []
    for call in calls:
        if call["tool"] == skip_tool:
            break
        arguments = {name: _resolve(value, results) for name, value in call["arguments"].items()}
        _add(context, RoleType.AGENT, RoleType.EXECUTION_ENVIRONMENT, f"{call['tool']}(**{json.dumps(arguments)})")
        _add(context, RoleType.EXECUTION_ENVIRONMENT, RoleType.AGENT, "")
        results.append(context.name_to_tool[call["tool"]](**arguments))
    answer = final_answer(spec, calls, results) if skip_tool is None else None
    if skip_tool is not None:
        answer = next(
            c["target"][0]["content"]
            for m in spec["milestones"]
            for c in m["snapshot_constraints"]
            if c["database_namespace"] == "SANDBOX"
        )
    _add(context, RoleType.AGENT, RoleType.USER, answer or "Done.")
    return context
