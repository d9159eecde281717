const ZERO = 48;

/**
 * Epoch milliseconds of an ISO-8601 UTC time with millisecond precision (`2024-06-01T10:00:00.000Z`, the only shape
 * trajectories carry), computed from the digits: about ten times cheaper than `Date.parse`, which matters at two
 * timestamps per node. Anything of another shape goes to `Date.parse`, and an unparseable text is an error.
 * @example
 * isoToMs("1970-01-02T00:00:00.001Z"); // 86400001
 */
export function isoToMs(text: string): number {
  if (text.length !== 24 || text.charCodeAt(23) !== 90 || text.charCodeAt(10) !== 84) return parseOther(text);
  const digit = (i: number) => text.charCodeAt(i) - ZERO;
  const year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const month = digit(5) * 10 + digit(6);
  const day = digit(8) * 10 + digit(9);
  const time =
    (digit(11) * 10 + digit(12)) * 3_600_000 +
    (digit(14) * 10 + digit(15)) * 60_000 +
    (digit(17) * 10 + digit(18)) * 1000 +
    digit(20) * 100 +
    digit(21) * 10 +
    digit(22);
  return daysFromCivil(year, month, day) * 86_400_000 + time;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function parseOther(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new TypeError(`not an ISO-8601 time: ${JSON.stringify(text)}`);
  return ms;
}
