import seedrandom from "seedrandom";

/**
 * A seeded random stream. Every random choice in generated data goes through one of these, so the same
 * `(seed, ...path)` gives the same values on every machine and in every worker.
 */
export interface Randomizer {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform float in [min, max). */
  float(min: number, max: number): number;
  /** Uniform integer in [min, max], both ends inclusive. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Index chosen with probability proportional to weights (all >= 0, at least one > 0). */
  weightedIndex(weights: readonly number[]): number;
  /** k distinct items in a random order (k is capped at items.length). */
  sample<T>(items: readonly T[], k: number): T[];
  shuffle<T>(items: readonly T[]): T[];
  /** A UUID-shaped (version 4 layout) id drawn from this stream. */
  uuid(): string;
  /** Normal deviate (Box-Muller), for latency-like quantities. */
  normal(mean: number, stdDev: number): number;
  /** An independent child stream: same parent path + label always gives the same child. */
  fork(label: string | number): Randomizer;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * Creates a randomizer for a path of keys, e.g. `createRandomizer(42, "trajectory", 17)`.
 * @example
 * const rng = createRandomizer(42, "trajectory", 0);
 * rng.int(1, 6); // same value on every run
 */
export function createRandomizer(seed: number | string, ...path: Array<string | number>): Randomizer {
  const key = [String(seed), ...path.map(String)].join("\u001f");
  return new AleaRandomizer(key);
}

class AleaRandomizer implements Randomizer {
  readonly #key: string;
  readonly #prng: seedrandom.PRNG;

  constructor(key: string) {
    this.#key = key;
    this.#prng = seedrandom.alea(key);
  }

  next(): number {
    return this.#prng();
  }

  float(min: number, max: number): number {
    return min + (max - min) * this.#prng();
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.#prng() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.#prng() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick() needs a non-empty list");
    return items[Math.floor(this.#prng() * items.length)] as T;
  }

  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const weight of weights) total += weight;
    if (!(total > 0)) throw new RangeError("weightedIndex() needs at least one positive weight");
    let target = this.#prng() * total;
    for (let i = 0; i < weights.length; i++) {
      target -= weights[i] as number;
      if (target < 0) return i;
    }
    // Floating-point remainder: fall back to the last positive weight.
    for (let i = weights.length - 1; i >= 0; i--) if ((weights[i] as number) > 0) return i;
    return weights.length - 1;
  }

  sample<T>(items: readonly T[], k: number): T[] {
    const pool = items.slice();
    const count = Math.min(k, pool.length);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(this.#prng() * (pool.length - i));
      const swap = pool[i] as T;
      pool[i] = pool[j] as T;
      pool[j] = swap;
    }
    return pool.slice(0, count);
  }

  shuffle<T>(items: readonly T[]): T[] {
    return this.sample(items, items.length);
  }

  uuid(): string {
    const bytes = new Array<number>(16);
    for (let i = 0; i < 16; i += 4) {
      const word = this.#prng.int32() >>> 0;
      bytes[i] = word & 0xff;
      bytes[i + 1] = (word >>> 8) & 0xff;
      bytes[i + 2] = (word >>> 16) & 0xff;
      bytes[i + 3] = (word >>> 24) & 0xff;
    }
    bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
    const h = bytes.map((b) => HEX[b] as string);
    return `${h[0]}${h[1]}${h[2]}${h[3]}-${h[4]}${h[5]}-${h[6]}${h[7]}-${h[8]}${h[9]}-${h[10]}${h[11]}${h[12]}${h[13]}${h[14]}${h[15]}`;
  }

  normal(mean: number, stdDev: number): number {
    const u1 = 1 - this.#prng();
    const u2 = this.#prng();
    return mean + stdDev * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  fork(label: string | number): Randomizer {
    return new AleaRandomizer(`${this.#key}\u001f${String(label)}`);
  }
}
