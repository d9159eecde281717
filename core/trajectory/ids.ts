import type { Randomizer } from "../random.ts";

/** Character codes of the hex digits. */
const HEX = Array.from({ length: 16 }, (_, i) => i.toString(16).charCodeAt(0));
const TWO_TO_32 = 4_294_967_296;
const DASH = 45;
const FOUR = 52;

function nibble(word: number, shift: number): number {
  return HEX[(word >>> shift) & 15] as number;
}

/**
 * A version-4-shaped UUID from four 32-bit draws of `rng`. Same role as `Randomizer.uuid()`, but built in one
 * `String.fromCharCode` call: concatenating pieces makes V8 rope strings, which cost several times more to build and
 * roughly double the cost of `JSON.stringify` later (ids are a large share of every trajectory's bytes).
 */
export function drawId(rng: Randomizer): string {
  const a = (rng.next() * TWO_TO_32) >>> 0;
  const b = (rng.next() * TWO_TO_32) >>> 0;
  // Variant bits 10xx (RFC 4122); the version nibble 4 is written as a constant below.
  const c = (((rng.next() * TWO_TO_32) >>> 0) & 0x3fffffff) | 0x80000000;
  const d = (rng.next() * TWO_TO_32) >>> 0;
  return String.fromCharCode(
    nibble(a, 28),
    nibble(a, 24),
    nibble(a, 20),
    nibble(a, 16),
    nibble(a, 12),
    nibble(a, 8),
    nibble(a, 4),
    nibble(a, 0),
    DASH,
    nibble(b, 28),
    nibble(b, 24),
    nibble(b, 20),
    nibble(b, 16),
    DASH,
    FOUR,
    nibble(b, 8),
    nibble(b, 4),
    nibble(b, 0),
    DASH,
    nibble(c, 28),
    nibble(c, 24),
    nibble(c, 20),
    nibble(c, 16),
    DASH,
    nibble(c, 12),
    nibble(c, 8),
    nibble(c, 4),
    nibble(c, 0),
    nibble(d, 28),
    nibble(d, 24),
    nibble(d, 20),
    nibble(d, 16),
    nibble(d, 12),
    nibble(d, 8),
    nibble(d, 4),
    nibble(d, 0),
  );
}
