const DAY_MS = 86_400_000;
const ZERO = 48;
const DASH = 45;
const T = 84;

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
  if (day !== cachedDay) setPrefix(day);
  // The milliseconds into the day fit an int32: `| 0` keeps the divisions and `%` in integer arithmetic (`%` on
  // doubles calls fmod, which made this function a third slower).
  let rest = (ms - day * DAY_MS) | 0;
  const hours = (rest / 3_600_000) | 0;
  rest -= hours * 3_600_000;
  const minutes = (rest / 60_000) | 0;
  rest -= minutes * 60_000;
  const seconds = (rest / 1000) | 0;
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
    ZERO + ((hours / 10) | 0),
    ZERO + (hours % 10),
    58,
    ZERO + ((minutes / 10) | 0),
    ZERO + (minutes % 10),
    58,
    ZERO + ((seconds / 10) | 0),
    ZERO + (seconds % 10),
    46,
    ZERO + ((millis / 100) | 0),
    ZERO + (((millis / 10) | 0) % 10),
    ZERO + (millis % 10),
    90,
  );
}

/** Days from 1970-01-01 to 0000-03-01 in the proleptic Gregorian calendar. */
const MARCH_0000 = 719_468;
/** Last day that `toISOString` writes with a four-digit year (9999-12-31). */
const LAST_FOUR_DIGIT_DAY = 2_932_896;

/**
 * Fills `prefix` with `YYYY-MM-DDT` of `day` (days since the epoch). Each trajectory starts on a day of its own, so
 * this runs once per trajectory: computed from the day number (H. Hinnant's `civil_from_days`, in a year that starts
 * in March so the leap day comes last) instead of formatting a Date.
 */
function setPrefix(day: number): void {
  cachedDay = day;
  if (day > LAST_FOUR_DIGIT_DAY) {
    const text = new Date(day * DAY_MS).toISOString();
    for (let i = 0; i < 11; i++) prefix[i] = text.charCodeAt(i);
    return;
  }
  const shifted = day + MARCH_0000;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const dayOfMonth = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = era * 400 + yearOfEra + (month <= 2 ? 1 : 0);
  prefix[0] = ZERO + Math.floor(year / 1000);
  prefix[1] = ZERO + (Math.floor(year / 100) % 10);
  prefix[2] = ZERO + (Math.floor(year / 10) % 10);
  prefix[3] = ZERO + (year % 10);
  prefix[4] = DASH;
  prefix[5] = ZERO + Math.floor(month / 10);
  prefix[6] = ZERO + (month % 10);
  prefix[7] = DASH;
  prefix[8] = ZERO + Math.floor(dayOfMonth / 10);
  prefix[9] = ZERO + (dayOfMonth % 10);
  prefix[10] = T;
}

/** Seconds with millisecond precision (the unit of `duration` and `latency`) to integer milliseconds. */
export function toMs(seconds: number): number {
  return Math.round(seconds * 1000);
}
