import { ByteSink } from "./byte-sink.ts";
import { writeLengthPrefixedRleHybrid, writeRleHybrid } from "./rle-hybrid.ts";

/**
 * One column chunk of a row group, encoded but not yet compressed: the body of its version-1 data page (levels, then
 * values) is in the sink given to `encode`; dictionary columns also have the body of their dictionary page. Both are
 * views, valid until the sink is written again or the buffer is reset.
 */
export interface EncodedChunk {
  dictionary?: { bytes: Buffer; count: number };
  /** Level entries in the page: rows for a flat column, elements plus empty or null lists for a list column. */
  numValues: number;
  encoding: "PLAIN" | "RLE_DICTIONARY";
  nullCount: number;
  /** Bounds of a numeric column (also timestamps, in epoch milliseconds), for readers that skip row groups. */
  min?: number;
  max?: number;
}

/**
 * Collects one column's values for the current row group. `encode` writes the page body into a sink (shared by all
 * columns, so a row group allocates no page buffers); `reset` starts the next group once the chunk is written.
 */
export interface ColumnBuffer {
  push(value: unknown): void;
  encode(page: ByteSink): EncodedChunk;
  reset(): void;
}

const TWO_TO_32 = 4_294_967_296;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The rows appended to a file since its last row group, shared by the file's columns (the row being appended). */
export interface RowCounter {
  rows: number;
}

/**
 * Which rows of a nullable column have a value: their row numbers, read from the file's row counter when a value
 * arrives. A null costs nothing while rows are appended (most node columns are null on most rows: another type's
 * fields), and the definition levels are laid out once per row group.
 */
class Presence {
  private present = new Int32Array(1024);
  private count = 0;
  private levels = new Uint8Array(1024);

  private readonly counter: RowCounter;

  constructor(counter: RowCounter) {
    this.counter = counter;
  }

  /** The row being appended has a value. */
  mark(): void {
    if (this.count === this.present.length) this.present = grow(this.present);
    this.present[this.count++] = this.counter.rows;
  }

  get rows(): number {
    return this.counter.rows;
  }

  get nulls(): number {
    return this.counter.rows - this.count;
  }

  /** Writes the version-1 definition levels (4-byte length, then the RLE/bit-packed hybrid of width 1). */
  writeTo(sink: ByteSink): void {
    const rows = this.counter.rows;
    if (this.levels.length < rows) this.levels = new Uint8Array(Math.max(rows, this.levels.length * 2));
    const levels = this.levels;
    levels.fill(0, 0, rows);
    for (let i = 0; i < this.count; i++) levels[this.present[i] as number] = 1;
    writeLengthPrefixedRleHybrid(sink, levels, rows, 1);
  }

  reset(): void {
    this.count = 0;
  }
}

function grow<T extends Uint8Array | Int32Array | Float64Array>(array: T): T {
  const grown = new (array.constructor as new (length: number) => T)(array.length * 2);
  grown.set(array);
  return grown;
}

/**
 * Shared null handling: a value is present unless null or undefined (a field a record does not have). Every
 * subclass has its own `push` calling `present` and its own `add`: one `push` shared by all column classes would
 * be a single megamorphic call site for `add` in V8, and measured twice as slow per value.
 */
abstract class BaseColumn implements ColumnBuffer {
  protected readonly presence: Presence | undefined;
  protected count = 0;

  constructor(nullable: boolean, counter: RowCounter) {
    this.presence = nullable ? new Presence(counter) : undefined;
  }

  abstract push(value: unknown): void;

  /** Records the row's presence; true when the value is to be added. */
  protected present(value: unknown): boolean {
    if (value === null || value === undefined) {
      if (this.presence === undefined) throw new TypeError("a required Parquet column got null");
      return false;
    }
    this.presence?.mark();
    return true;
  }

  protected levelsInto(sink: ByteSink): void {
    this.presence?.writeTo(sink);
  }

  protected rows(): number {
    return this.presence ? this.presence.rows : this.count;
  }

  protected nulls(): number {
    return this.presence ? this.presence.nulls : 0;
  }

  reset(): void {
    this.presence?.reset();
    this.count = 0;
  }

  abstract encode(page: ByteSink): EncodedChunk;
}

/** UTF-8 text, PLAIN-encoded: for values that rarely repeat (ids, descriptions, prompts). */
export class StringColumn extends BaseColumn {
  private readonly values = new ByteSink();

  push(value: unknown): void {
    if (!this.present(value)) return;
    this.values.lengthPrefixedUtf8(value as string);
    this.count++;
  }

  encode(page: ByteSink): EncodedChunk {
    this.levelsInto(page);
    page.bytes(this.values.view());
    return { numValues: this.rows(), encoding: "PLAIN", nullCount: this.nulls() };
  }

  override reset(): void {
    super.reset();
    this.values.reset();
  }
}

/** UTF-8 text, dictionary-encoded: for categories and for ids repeated on many rows (a node's trajectory id). */
export class DictionaryColumn extends BaseColumn {
  private codes = new Int32Array(1024);
  private readonly dictionary = new Map<string, number>();
  private readonly dictionaryBytes = new ByteSink(4096);
  // The previous value and its code: a node's trajectory id, or its type on a run of nodes of one type, repeats
  // row after row, and comparing with the same string is cheaper than a map lookup.
  private last: string | undefined;
  private lastCode = 0;

  push(value: unknown): void {
    if (!this.present(value)) return;
    const text = value as string;
    let code: number | undefined;
    if (text === this.last) code = this.lastCode;
    else {
      code = this.dictionary.get(text);
      if (code === undefined) {
        code = this.dictionary.size;
        this.dictionary.set(text, code);
        this.dictionaryBytes.lengthPrefixedUtf8(text);
      }
      this.last = text;
      this.lastCode = code;
    }
    if (this.count === this.codes.length) this.codes = grow(this.codes);
    this.codes[this.count++] = code;
  }

  encode(page: ByteSink): EncodedChunk {
    this.levelsInto(page);
    // Codes are written with the smallest bit width that holds the largest one (at least 1: some readers reject 0).
    const bitWidth = Math.max(1, Math.ceil(Math.log2(this.dictionary.size)));
    page.uint8(bitWidth);
    writeRleHybrid(page, this.codes, this.count, bitWidth);
    return {
      dictionary: { bytes: this.dictionaryBytes.view(), count: this.dictionary.size },
      numValues: this.rows(),
      encoding: "RLE_DICTIONARY",
      nullCount: this.nulls(),
    };
  }

  override reset(): void {
    super.reset();
    this.dictionary.clear();
    this.dictionaryBytes.reset();
    this.last = undefined;
  }
}

/** Numbers kept as doubles until encoded as INT32, INT64 (also timestamps in epoch milliseconds) or DOUBLE. */
export class NumberColumn extends BaseColumn {
  private values = new Float64Array(1024);
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  private readonly physical: "INT32" | "INT64" | "DOUBLE";

  constructor(nullable: boolean, counter: RowCounter, physical: "INT32" | "INT64" | "DOUBLE") {
    super(nullable, counter);
    this.physical = physical;
  }

  push(value: unknown): void {
    if (!this.present(value)) return;
    const number = value as number;
    if (this.count === this.values.length) this.values = grow(this.values);
    this.values[this.count++] = number;
    if (number < this.min) this.min = number;
    if (number > this.max) this.max = number;
  }

  encode(page: ByteSink): EncodedChunk {
    const width = this.physical === "INT32" ? 4 : 8;
    this.levelsInto(page);
    page.ensure(this.count * width);
    const out = page.buffer;
    let at = page.length;
    const values = this.values;
    if (this.physical === "DOUBLE" && LITTLE_ENDIAN) {
      // The doubles' own bytes are PLAIN DOUBLE on a little-endian machine: one copy instead of a call per value.
      out.set(new Uint8Array(values.buffer, 0, this.count * 8), at);
      at += this.count * 8;
    } else if (this.physical === "DOUBLE") {
      for (let i = 0; i < this.count; i++, at += 8) out.writeDoubleLE(values[i] as number, at);
    } else if (this.physical === "INT32") {
      for (let i = 0; i < this.count; i++, at += 4) out.writeInt32LE(values[i] as number, at);
    } else {
      for (let i = 0; i < this.count; i++, at += 8) {
        const value = values[i] as number;
        const high = Math.floor(value / TWO_TO_32);
        out.writeUInt32LE(value - high * TWO_TO_32, at);
        out.writeInt32LE(high, at + 4);
      }
    }
    page.length = at;
    return {
      numValues: this.rows(),
      encoding: "PLAIN",
      nullCount: this.nulls(),
      ...(this.count > 0 ? { min: this.min, max: this.max } : {}),
    };
  }

  override reset(): void {
    super.reset();
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
  }
}

/** Booleans, PLAIN-encoded (one bit each, least significant first). */
export class BooleanColumn extends BaseColumn {
  private values = new Uint8Array(1024);

  push(value: unknown): void {
    if (!this.present(value)) return;
    if (this.count === this.values.length) this.values = grow(this.values);
    this.values[this.count++] = value ? 1 : 0;
  }

  encode(page: ByteSink): EncodedChunk {
    this.levelsInto(page);
    const bytes = (this.count + 7) >> 3;
    page.ensure(bytes);
    page.buffer.fill(0, page.length, page.length + bytes);
    for (let i = 0; i < this.count; i++) {
      if (this.values[i])
        page.buffer[page.length + (i >> 3)] = (page.buffer[page.length + (i >> 3)] as number) | (1 << (i & 7));
    }
    page.length += bytes;
    return { numValues: this.rows(), encoding: "PLAIN", nullCount: this.nulls() };
  }
}

/**
 * A list of strings per row (a three-level Parquet LIST of required UTF-8 elements), PLAIN-encoded. Repetition level
 * 0 starts a row. Definition levels count the optional and repeated levels above a value: in a nullable list 0 is a
 * null list, 1 an empty one and 2 an element; in a required list 0 is an empty list and 1 an element.
 */
export class StringListColumn implements ColumnBuffer {
  private repetition = new Uint8Array(1024);
  private definition = new Uint8Array(1024);
  private levels = 0;
  private nullLists = 0;
  private readonly values = new ByteSink();

  private readonly nullable: boolean;

  constructor(nullable: boolean) {
    this.nullable = nullable;
  }

  push(value: unknown): void {
    if (value === null || value === undefined) {
      if (!this.nullable) throw new TypeError("a required Parquet list column got null");
      this.level(0, 0);
      this.nullLists++;
      return;
    }
    const items = value as readonly string[];
    const element = this.nullable ? 2 : 1;
    if (items.length === 0) {
      this.level(0, element - 1);
      return;
    }
    for (let i = 0; i < items.length; i++) {
      this.level(i === 0 ? 0 : 1, element);
      this.values.lengthPrefixedUtf8(items[i] as string);
    }
  }

  private level(repetition: number, definition: number): void {
    if (this.levels === this.repetition.length) {
      this.repetition = grow(this.repetition);
      this.definition = grow(this.definition);
    }
    this.repetition[this.levels] = repetition;
    this.definition[this.levels++] = definition;
  }

  encode(page: ByteSink): EncodedChunk {
    writeLengthPrefixedRleHybrid(page, this.repetition, this.levels, 1);
    writeLengthPrefixedRleHybrid(page, this.definition, this.levels, this.nullable ? 2 : 1);
    page.bytes(this.values.view());
    return { numValues: this.levels, encoding: "PLAIN", nullCount: this.nullLists };
  }

  reset(): void {
    this.levels = 0;
    this.nullLists = 0;
    this.values.reset();
  }
}
