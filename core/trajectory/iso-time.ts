const DAY_MS = 86_400_000;
const ZERO = 48;

let cachedDay = Number.NaN;
/** Character codes of the cached `YYYY-MM-DDT` prefix. */
const prefix = new Array<number>(11).fill(ZERO);

/**
 * `new Date(ms).toISOString()` for non-negative epoch milliseconds, without allocating a Date per call: the
 * `YYYY-MM-DDT` prefix is cached per day (a trajectory's times rarely cross midnight). Built in one
 * `String.fromCharCode` call so the result is a flat string (see `drawId` for why that matters).
 * @example
 * formatIsoMs(Date.UTC(2024, 5, 1, 10)); // "2024-06-01T10:00:00.000Z"
 */
export function formatIsoMs(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    const text = new Date(day * DAY_MS).toISOString();
    for (let i = 0; i < 11; i++) prefix[i] = text.charCodeAt(i);
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return String.fromCharCode(
    prefix[0] as number,
    prefix[1] as number,
    prefix[2] as number,
    prefix[3] as number,
    prefix[4] as number,
    prefix[5] as number,
    prefix[6] as number,
    prefix[7] as number,
    prefix[8] as number,
    prefix[9] as number,
    prefix[10] as number,
    ZERO + Math.floor(hours / 10),
    ZERO + (hours % 10),
    58,
    ZERO + Math.floor(minutes / 10),
    ZERO + (minutes % 10),
    58,
    ZERO + Math.floor(seconds / 10),
    ZERO + (seconds % 10),
    46,
    ZERO + Math.floor(millis / 100),
    ZERO + (Math.floor(millis / 10) % 10),
    ZERO + (millis % 10),
    90,
  );
}

/** Seconds with millisecond precision (the unit of `duration` and `latency`) to integer milliseconds. */
export function toMs(seconds: number): number {
  return Math.round(seconds * 1000);
}
