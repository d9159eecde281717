import { closest, distance } from "fastest-levenshtein";

/**
 * The allowed name closest to what was typed, when it is close enough to be a typo (at most a third of the letters
 * differ, and at least one edit is always tolerated); undefined otherwise, so a wild guess is never offered.
 * @example
 * closestName("anomaly_injecton", ["data_generation", "anomaly_injection"]); // "anomaly_injection"
 */
export function closestName(typed: string, allowed: readonly string[]): string | undefined {
  if (allowed.length === 0) return undefined;
  const candidate = closest(
    typed.toLowerCase(),
    allowed.map((name) => name.toLowerCase()),
  );
  const index = allowed.findIndex((name) => name.toLowerCase() === candidate);
  const best = allowed[index];
  if (best === undefined) return undefined;
  return distance(typed.toLowerCase(), candidate) <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

/**
 * The message for an unknown key: its name, a "did you mean" when one is close, and every allowed key.
 * @example
 * unknownKeyMessage("random_sed", ["random_seed", "data_generation"]);
 * // 'unknown key "random_sed"; did you mean "random_seed"? allowed: random_seed, data_generation'
 */
export function unknownKeyMessage(key: string, allowed: readonly string[], noun = "key"): string {
  const suggestion = closestName(key, allowed);
  const hint = suggestion === undefined ? "" : `; did you mean ${JSON.stringify(suggestion)}?`;
  return `unknown ${noun} ${JSON.stringify(key)}${hint}${hint === "" ? ";" : ""} allowed: ${allowed.join(", ")}`;
}
