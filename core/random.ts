import { createCipheriv, createHash } from "node:crypto";

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
const SEPARATOR = "\u001f";

/**
 * A dataset seed together with a secret, for an evaluation set whose labels must not be recoverable: every stream is
 * then drawn from a keystream keyed with the secret (see `KeystreamRandomizer`), so neither the seed nor the
 * generated values let anyone reproduce the data or its labels without the secret.
 */
export interface SecretSeed {
  readonly seed: number;
  /** High-entropy secret (hex), kept with the labels. */
  readonly secret: string;
}

/** What a dataset's random streams derive from: a public seed, or a seed with a secret. */
export type Seed = number | SecretSeed;

/** The public part of a seed. */
export function publicSeed(seed: Seed): number {
  return typeof seed === "number" ? seed : seed.seed;
}

/**
 * Creates a randomizer for a path of keys, e.g. `createRandomizer(42, "trajectory", 17)`. A `SecretSeed` gives a
 * keystream randomizer keyed with its secret; a plain seed gives the fast Alea generator.
 * @example
 * const rng = createRandomizer(42, "trajectory", 0);
 * rng.int(1, 6); // same value on every run
 */
export function createRandomizer(seed: Seed | string, ...path: Array<string | number>): Randomizer {
  if (typeof seed === "object")
    return new KeystreamRandomizer(seed.secret, [String(seed.seed), ...path.map(String)].join(SEPARATOR));
  const key = [String(seed), ...path.map(String)].join(SEPARATOR);
  return new AleaRandomizer(key);
}

/**
 * Everything a randomizer draws, derived from two primitives: `next()` (uniform in [0, 1)) and `uint32()`. The
 * generators differ only in those.
 */
abstract class DerivedDraws implements Randomizer {
  abstract next(): number;
  protected abstract uint32(): number;
  abstract fork(label: string | number): Randomizer;

  float(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick() needs a non-empty list");
    return items[Math.floor(this.next() * items.length)] as T;
  }

  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const weight of weights) total += weight;
    if (!(total > 0)) throw new RangeError("weightedIndex() needs at least one positive weight");
    let target = this.next() * total;
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
      const j = i + Math.floor(this.next() * (pool.length - i));
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
      const word = this.uint32();
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
    const u1 = 1 - this.next();
    const u2 = this.next();
    return mean + stdDev * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}

/** 2^-32. */
const INV_2_32 = 2.3283064365386963e-10;

/**
 * Baagøe's Alea generator with the seeding of seedrandom's `alea`: the same arithmetic in the same order, so the same
 * numbers. Written out as a class because seedrandom's builds half a dozen closures per generator, and generation
 * creates a generator per trajectory.
 */
class AleaRandomizer extends DerivedDraws {
  readonly #key: string;
  // Initialised with numbers (not left undefined until the constructor sets them) so V8 keeps them as unboxed
  // doubles: a field that starts undefined boxes every value written to it, which made each draw 50% slower.
  #s0 = 0;
  #s1 = 0;
  #s2 = 0;
  #c = 1;

  constructor(key: string) {
    super();
    this.#key = key;
    const mash = new Mash();
    this.#s0 = mash.hash(" ");
    this.#s1 = mash.hash(" ");
    this.#s2 = mash.hash(" ");
    this.#s0 -= mash.hash(key);
    if (this.#s0 < 0) this.#s0 += 1;
    this.#s1 -= mash.hash(key);
    if (this.#s1 < 0) this.#s1 += 1;
    this.#s2 -= mash.hash(key);
    if (this.#s2 < 0) this.#s2 += 1;
  }

  next(): number {
    const t = 2091639 * this.#s0 + this.#c * INV_2_32;
    this.#s0 = this.#s1;
    this.#s1 = this.#s2;
    this.#c = t | 0;
    this.#s2 = t - this.#c;
    return this.#s2;
  }

  protected uint32(): number {
    return ((this.next() * 0x100000000) | 0) >>> 0;
  }

  fork(label: string | number): Randomizer {
    return new AleaRandomizer(`${this.#key}${SEPARATOR}${String(label)}`);
  }
}

/** Alea's seed hash: each call goes on from where the previous one left its state. */
class Mash {
  #n = 0xefc8249d;

  hash(data: string): number {
    let n = this.#n;
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000;
    }
    this.#n = n;
    return (n >>> 0) * INV_2_32;
  }
}

const KEYSTREAM_BLOCK = Buffer.alloc(4096);
const ZERO_IV = Buffer.alloc(16);

/**
 * Draws from AES-256-CTR keyed with SHA-256(secret, path). Alea's output is its own state (three draws reveal it, and
 * every trajectory id shows four), so anyone could continue an Alea stream from published values; a keystream reveals
 * nothing of its key or of the streams of other paths. Slower than Alea, so only evaluation sets use it.
 */
class KeystreamRandomizer extends DerivedDraws {
  readonly #secret: string;
  readonly #path: string;
  readonly #cipher;
  #block: Buffer = Buffer.alloc(0);
  #offset = 0;

  constructor(secret: string, path: string) {
    super();
    this.#secret = secret;
    this.#path = path;
    const key = createHash("sha256").update(secret).update(SEPARATOR).update(path).digest();
    this.#cipher = createCipheriv("aes-256-ctr", key, ZERO_IV);
  }

  next(): number {
    return this.uint32() / 4_294_967_296;
  }

  protected uint32(): number {
    if (this.#offset + 4 > this.#block.length) {
      this.#block = this.#cipher.update(KEYSTREAM_BLOCK);
      this.#offset = 0;
    }
    const word = this.#block.readUInt32LE(this.#offset);
    this.#offset += 4;
    return word;
  }

  fork(label: string | number): Randomizer {
    return new KeystreamRandomizer(this.#secret, `${this.#path}${SEPARATOR}${String(label)}`);
  }
}
