import { DEFAULT_TRAJECTORY_CONFIG, generateTrajectory } from "./core/trajectory/index.ts";
const ts = []; for (let i = 0; i < 5000; i++) ts.push(generateTrajectory(DEFAULT_TRAJECTORY_CONFIG, 42, i));
const UNSAFE = /["\\\u0000-\u001f\ud800-\udfff]/;
function str(s: string) { return UNSAFE.test(s) ? JSON.stringify(s) : `"${s}"`; }
const cache = new Map<string, (o: any) => string>();
function value(v: any): string {
  switch (typeof v) {
    case "string": return str(v);
    case "number": return Number.isFinite(v) ? "" + v : "null";
    case "boolean": return v ? "true" : "false";
    case "object": if (v === null) return "null"; if (Array.isArray(v)) { let s = "["; for (let i = 0; i < v.length; i++) { if (i) s += ","; s += value(v[i]); } return s + "]"; } return obj(v);
    default: return "null";
  }
}
function obj(o: any): string {
  const keys = Object.keys(o); const sig = keys.join(",");
  let f = cache.get(sig);
  if (!f) {
    const parts = keys.map((k, i) => `${JSON.stringify((i ? "," : "{") + JSON.stringify(k) + ":")} + v(o[${JSON.stringify(k)}])`);
    f = new Function("v", `return function(o){ return ${parts.join(" + ")} + "}"; }`)(value) as (o: any) => string;
    cache.set(sig, f);
  }
  return f(o);
}
for (let r = 0; r < 3; r++) {
  let t0 = performance.now(); let a = 0;
  for (const t of ts) a += JSON.stringify(t).length;
  const j = performance.now() - t0; t0 = performance.now(); let b = 0;
  for (const t of ts) b += obj(t).length;
  const c = performance.now() - t0;
  console.log(`json ${(5000 / j * 1000).toFixed(0)}/s custom ${(5000 / c * 1000).toFixed(0)}/s same=${a === b}`);
}
console.log(obj(ts[0]) === JSON.stringify(ts[0]));
