"""A gradient-boosting anomaly detector on aggregate trajectory features, as a detector author would build one.

Reads agentsynth trajectory JSONL (one trajectory per line), computes many aggregate features per trajectory, trains
one gradient-boosting classifier per anomaly type (that type against normal trajectories) on the `train` split and
prints, per type, the ROC-AUC on the `test` split as JSON lines. Needs scikit-learn (Debian: python3-sklearn).

    /usr/bin/python3 bench/detector.py data.jsonl
"""

import json
import math
import re
import sys
from collections import Counter

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

NODE_TYPES = ["USER_ENQUIRY", "PLANNING", "REASONING", "TOOL_CALL", "LLM_CALL", "VALIDATION", "HANDOFF",
              "MEMORY_ACCESS", "OBSERVATION", "ACTION"]
STATUSES = ["completed", "failed", "timeout", "interrupted"]
PATTERNS = ["simple_linear", "branched_analysis", "multi_agent_handoffs", "complex_research", "error_recovery"]
EDGE_TYPES = ["execution_flow", "handoff", "data_dependency"]
RELATIONSHIPS = ["sequential", "branch", "merge", "recovery", "handoff", "dependency"]
TOOLS = ["WEB_SEARCH", "READ_DOCUMENT", "ANALYZE_DATA", "EXTERNAL_API", "DEEP_RESEARCH", "WRITE_CODE",
         "PREPARE_DOCUMENT", "MEMORY_STORE_RETRIEVE"]
ERRORS = ["TIMEOUT", "RATE_LIMITED", "SERVICE_UNAVAILABLE", "INVALID_PARAMS", "AUTH_FAILED", "UPSTREAM_FAILED"]


def inputs_key(node):
    kind = node["node_type"]
    if kind == "TOOL_CALL":
        return "T" + node["tool_type"] + json.dumps(node["tool_parameters"], sort_keys=True)
    if kind == "LLM_CALL":
        return "L" + node["llm_purpose"] + node["llm_prompt"]
    if kind == "MEMORY_ACCESS":
        return "M" + node["memory_operation"] + node["memory_key"]
    if kind == "REASONING":
        return "R" + node["description"]
    if kind == "PLANNING":
        return "P" + node["planning_output"]["strategy"]
    return None


def outputs_key(node):
    kind = node["node_type"]
    if kind == "TOOL_CALL":
        return json.dumps(node["tool_result"], sort_keys=True)
    if kind == "LLM_CALL":
        return node["llm_response"]
    if kind == "MEMORY_ACCESS":
        return json.dumps(node["memory_value"], sort_keys=True)
    if kind == "REASONING":
        return json.dumps(node["reasoning_output"], sort_keys=True)
    if kind == "PLANNING":
        return json.dumps(node["planning_output"], sort_keys=True)
    return None


NUMBER = re.compile(r"\d+(?:\.\d+)?")


def numbers(value):
    """Every number written in a value's text (a JSON value is searched as its JSON text)."""
    text = value if isinstance(value, str) else json.dumps(value)
    return set(NUMBER.findall(text))


def stated_text(node):
    kind = node["node_type"]
    if kind == "LLM_CALL":
        return node["llm_response"]
    if kind == "REASONING":
        return node["reasoning_output"]["conclusion"]
    if kind == "ACTION":
        return node["final_output"]
    return None


def unsupported_numbers(t, by_id):
    """Per step that states something about a tool result it consumes: numbers it states that none of its inputs
    (the tool results, its own prompt, the task) contain. A text-reading aggregate: a misread value shows up here,
    and so does every number a step computes or rounds on its own."""
    inputs = {}
    for e in t["edges"]:
        if e["edge_type"] == "data_dependency":
            inputs.setdefault(e["target_node_id"], []).append(by_id.get(e["source_node_id"]))
    steps = total = 0
    for node in t["nodes"]:
        text = stated_text(node)
        sources = [s for s in inputs.get(node["node_id"], []) if s and s["node_type"] == "TOOL_CALL"]
        if text is None or not sources:
            continue
        known = numbers(t["task_description"])
        for s in sources:
            known |= numbers(s["tool_result"]) | numbers(s["tool_parameters"])
        if node["node_type"] == "LLM_CALL":
            known |= numbers(node["llm_prompt"])
        missing = numbers(text) - known
        total += len(missing)
        steps += 1 if missing else 0
    return steps, total


def features(t):
    nodes = t["nodes"]
    edges = t["edges"]
    by_id = {n["node_id"]: n for n in nodes}
    f = {}
    n = len(nodes)
    f["n_nodes"] = n
    f["n_edges"] = len(edges)
    for p in PATTERNS:
        f["pattern_" + p] = 1.0 if t["pattern"] == p else 0.0
    f["status_traj_completed"] = 1.0 if t["status"] == "completed" else 0.0
    f["status_traj_failed"] = 1.0 if t["status"] == "failed" else 0.0
    f["total_duration"] = t["total_duration"]
    types = Counter(x["node_type"] for x in nodes)
    for k in NODE_TYPES:
        f["n_" + k] = types.get(k, 0)
        f["share_" + k] = types.get(k, 0) / max(1, n)
    statuses = Counter(x["status"] for x in nodes)
    for s in STATUSES:
        f["st_" + s] = statuses.get(s, 0)
    for k in NODE_TYPES:
        f["fail_" + k] = sum(1 for x in nodes if x["node_type"] == k and x["status"] != "completed")
        durations = [x["duration"] for x in nodes if x["node_type"] == k]
        f["dmax_" + k] = max(durations) if durations else 0.0
        f["dmean_" + k] = sum(durations) / len(durations) if durations else 0.0
        f["retry_" + k] = sum(x["retry_count"] for x in nodes if x["node_type"] == k)
    errors = Counter(x["error_code"] for x in nodes if x["error_code"])
    for e in ERRORS:
        f["err_" + e] = errors.get(e, 0)
    f["retry_sum"] = sum(x["retry_count"] for x in nodes)
    f["retry_max"] = max((x["retry_count"] for x in nodes), default=0)
    f["perf_mean"] = sum(x["performance_score"] for x in nodes) / max(1, n)
    f["perf_min"] = min((x["performance_score"] for x in nodes), default=0)
    f["completion_rate"] = t["metadata"]["completion_rate"]
    f["avg_node_duration"] = t["metadata"]["average_node_duration"]
    durations = sorted(x["duration"] for x in nodes)
    f["dur_max"] = durations[-1] if durations else 0
    f["dur_p90"] = durations[int(0.9 * (len(durations) - 1))] if durations else 0
    f["dur_sum_over_total"] = sum(durations) / max(1e-9, t["total_duration"])
    et = Counter(e["edge_type"] for e in edges)
    for k in EDGE_TYPES:
        f["e_" + k] = et.get(k, 0)
    rel = Counter(e["relationship_type"] for e in edges)
    for k in RELATIONSHIPS:
        f["rel_" + k] = rel.get(k, 0)
    f["edge_success_min"] = min((e["success_rate"] for e in edges), default=1)
    f["edge_errors"] = sum(e["error_count"] for e in edges)
    f["edge_timeouts"] = sum(e["timeout_count"] for e in edges)
    f["edge_latency_max"] = max((e["latency"] for e in edges), default=0)
    f["edge_reliability_mean"] = sum(e["reliability_score"] for e in edges) / max(1, len(edges))
    # Graph shape: back edges, fan-in/out, depth.
    f["back_edges"] = sum(1 for e in edges if e["target_node_id"] in by_id and e["source_node_id"] in by_id
                          and by_id[e["target_node_id"]]["start_time"] < by_id[e["source_node_id"]]["end_time"])
    outdeg = Counter(e["source_node_id"] for e in edges if e["edge_type"] != "data_dependency")
    indeg = Counter(e["target_node_id"] for e in edges if e["edge_type"] != "data_dependency")
    f["max_out"] = max(outdeg.values(), default=0)
    f["max_in"] = max(indeg.values(), default=0)
    # Node-type transitions along control edges.
    pairs = Counter()
    for e in edges:
        s = by_id.get(e["source_node_id"])
        d = by_id.get(e["target_node_id"])
        if s is None or d is None:
            continue
        pairs[(s["node_type"], d["node_type"], e["edge_type"])] += 1
    for a in NODE_TYPES:
        for b in NODE_TYPES:
            f["pair_%s_%s" % (a, b)] = pairs.get((a, b, "execution_flow"), 0) + pairs.get((a, b, "handoff"), 0)
    # Tool transitions along control edges (tool -> next tool on the same path).
    tool_pairs = Counter()
    for e in edges:
        if e["edge_type"] == "data_dependency":
            continue
        s = by_id.get(e["source_node_id"])
        d = by_id.get(e["target_node_id"])
        if s and d and s["node_type"] == "TOOL_CALL" and d["node_type"] == "TOOL_CALL":
            tool_pairs[(s["tool_type"], d["tool_type"])] += 1
    for a in TOOLS:
        for b in TOOLS:
            f["tp_%s_%s" % (a, b)] = tool_pairs.get((a, b), 0)
    tools = Counter(x["tool_type"] for x in nodes if x["node_type"] == "TOOL_CALL")
    for k in TOOLS:
        f["tool_" + k] = tools.get(k, 0)
    f["distinct_tools"] = len(tools)
    # Repetition: same inputs, same inputs and outputs, consecutive repeats.
    seen_in = Counter()
    seen_io = Counter()
    rep_in = rep_io = 0
    run = best_run = 0
    prev_io = None
    for x in nodes:
        ki = inputs_key(x)
        if ki is None:
            prev_io = None
            run = 0
            continue
        ko = ki + "|" + str(outputs_key(x))
        if seen_in[ki]:
            rep_in += 1
        if seen_io[ko]:
            rep_io += 1
        seen_in[ki] += 1
        seen_io[ko] += 1
        run = run + 1 if ko == prev_io else 0
        best_run = max(best_run, run)
        prev_io = ko
    f["repeat_inputs"] = rep_in
    f["repeat_io"] = rep_io
    f["max_identical_run"] = best_run
    f["max_same_inputs"] = max(seen_in.values(), default=0)
    # Validation: rejections, scores.
    vals = [x for x in nodes if x["node_type"] == "VALIDATION"]
    f["val_rejected"] = sum(1 for x in vals if not x["validation_result"])
    f["val_score_min"] = min((x["validation_score"] for x in vals), default=1)
    f["val_score_mean"] = sum(x["validation_score"] for x in vals) / len(vals) if vals else 1
    # Planning.
    plans = [x for x in nodes if x["node_type"] == "PLANNING"]
    f["plan_steps_ratio"] = (plans[0]["planning_output"]["planned_steps"] / max(1, n)) if plans else 0
    f["plan_distinct_strategies"] = len(set(x["planning_output"]["strategy"] for x in plans))
    llm = [x for x in nodes if x["node_type"] == "LLM_CALL"]
    f["llm_planning"] = sum(1 for x in llm if x["llm_purpose"] == "planning")
    f["llm_models"] = len(set(x["llm_model"] for x in llm))
    f["llm_tokens"] = sum(x["llm_tokens_used"] for x in llm)
    # Handoffs.
    hand = [x for x in nodes if x["node_type"] == "HANDOFF"]
    f["handoff_failed"] = sum(1 for x in hand if not x["handoff_success"])
    f["handoff_targets"] = len(set(x["target_agent"] for x in hand))
    f["handoff_retry_max"] = max((x["retry_count"] for x in hand), default=0)
    # Memory: a retrieve whose value differs from the latest store of its key before it.
    latest = {}
    mismatch = 0
    mem_ops = Counter()
    for x in nodes:
        if x["node_type"] != "MEMORY_ACCESS":
            continue
        mem_ops[x["memory_operation"]] += 1
        if x["memory_operation"] == "store":
            latest[x["memory_key"]] = x["memory_value"]
        elif x["memory_operation"] == "retrieve" and x["memory_key"] in latest:
            if latest[x["memory_key"]] != x["memory_value"]:
                mismatch += 1
    f["mem_mismatch"] = mismatch
    f["mem_store"] = mem_ops.get("store", 0)
    f["mem_retrieve"] = mem_ops.get("retrieve", 0)
    f["has_action"] = 1.0 if types.get("ACTION", 0) > 0 else 0.0
    # Content: what steps state against what they read.
    f["unsupported_steps"], f["unsupported_numbers"] = unsupported_numbers(t, by_id)
    return f


def main(path):
    rows = []
    labels = []
    splits = []
    names = None
    with open(path) as handle:
        for line in handle:
            t = json.loads(line)
            f = features(t)
            if names is None:
                names = list(f.keys())
            rows.append([f[k] for k in names])
            labels.append(t["metadata"]["anomaly_types"])
            splits.append(t["split"])
    print("features: %d trajectories" % len(rows), file=sys.stderr)
    x = np.asarray(rows, dtype=np.float64)
    normal = np.array([len(l) == 0 for l in labels])
    train = np.array([s == "train" for s in splits])
    test = np.array([s == "test" for s in splits])
    kinds = sorted({k for l in labels for k in l})
    for kind in kinds:
        has = np.array([kind in l for l in labels])
        use = normal | has
        tr = use & train
        te = use & test
        if has[tr].sum() < 10 or has[te].sum() < 10:
            continue
        model = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.1, max_leaf_nodes=31,
                                               random_state=0)
        model.fit(x[tr], has[tr])
        score = model.predict_proba(x[te])[:, 1]
        auc = roc_auc_score(has[te], score)
        print(json.dumps({"anomaly_type": kind, "auc": round(float(auc), 4), "train": int(has[tr].sum()),
                          "test": int(has[te].sum()), "features": len(names)}))
        sys.stdout.flush()
        print(kind, round(float(auc), 4), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
