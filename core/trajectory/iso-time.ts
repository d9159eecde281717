const DAY_MS = 86_400_000;
const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));

let cachedDay = Number.NaN;
let cachedPrefix = "";

/**
 * `new Date(ms).toISOString()` for non-negative epoch milliseconds, without allocating a Date per call: the
 * `YYYY-MM-DDT` prefix is cached per day (a trajectory's times rarely cross midnight).
 * @example
 * formatIsoMs(Date.UTC(2024, 5, 1, 10)); // "2024-06-01T10:00:00.000Z"
 */
export function formatIsoMs(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${cachedPrefix}${PAD2[hours]}:${PAD2[minutes]}:${PAD2[seconds]}.${PAD3[millis]}Z`;
}

/** Seconds with millisecond precision (the unit of `duration` and `latency`) to integer milliseconds. */
export function toMs(seconds: number): number {
  return Math.round(seconds * 1000);
}
