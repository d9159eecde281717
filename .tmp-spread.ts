function tail(x: number) { return { status: "completed", error_code: null, error_message: null, retry_count: 0, start_time: "", end_time: "", duration: x / 1000, cpu_usage: x, memory_usage: x + 1, network_calls: 0, performance_score: 0, is_anomalous: false, anomaly_type: null }; }
function spread(i: number) { return { node_id: "a" + i, node_type: "REASONING", agent_type: "EXECUTOR", description: "d", reasoning_type: "x", reasoning_confidence: 0.5, reasoning_input: { data_points: i }, reasoning_output: { conclusion: "c" }, ...tail(i) }; }
function literal(i: number) { const x = i; return { node_id: "a" + i, node_type: "REASONING", agent_type: "EXECUTOR", description: "d", reasoning_type: "x", reasoning_confidence: 0.5, reasoning_input: { data_points: i }, reasoning_output: { conclusion: "c" }, status: "completed", error_code: null, error_message: null, retry_count: 0, start_time: "", end_time: "", duration: x / 1000, cpu_usage: x, memory_usage: x + 1, network_calls: 0, performance_score: 0, is_anomalous: false, anomaly_type: null }; }
let sink: unknown[] = [];
for (let r = 0; r < 4; r++) {
  let t0 = performance.now(); for (let i = 0; i < 1e6; i++) sink[i & 1023] = spread(i); const a = performance.now() - t0;
  t0 = performance.now(); for (let i = 0; i < 1e6; i++) sink[i & 1023] = literal(i); const b = performance.now() - t0;
  console.log(`spread ${a.toFixed(0)}ns/op*1e-3  literal ${b.toFixed(0)}`);
}
