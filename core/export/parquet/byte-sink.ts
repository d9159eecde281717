/**
 * `Buffer#utf8Write` is what `buf.write(text, offset, "utf8")` calls after normalising its arguments; calling it
 * directly measured a third faster per short string, and strings are most of a row's cost (protobufjs does the same).
 */
type Utf8Writable = Buffer & { utf8Write(text: string, offset: number): number };

/** A growable byte buffer that values are encoded straight into (no intermediate arrays of strings or numbers). */
export class ByteSink {
  buffer: Buffer;
  length = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Makes room for `bytes` more bytes. */
  ensure(bytes: number): void {
    const needed = this.length + bytes;
    if (needed <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  uint8(value: number): void {
    this.ensure(1);
    this.buffer[this.length++] = value;
  }

  uint32(value: number): void {
    this.ensure(4);
    this.buffer.writeUInt32LE(value, this.length);
    this.length += 4;
  }

  /** A PLAIN BYTE_ARRAY value: its UTF-8 length as 4 bytes little-endian, then the bytes. */
  lengthPrefixedUtf8(text: string): void {
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
    this.ensure(4 + text.length * 3);
    const start = this.length + 4;
    const written = (this.buffer as Utf8Writable).utf8Write(text, start);
    this.buffer.writeUInt32LE(written, this.length);
    this.length = start + written;
  }

  bytes(source: Uint8Array): void {
    this.ensure(source.byteLength);
    this.buffer.set(source, this.length);
    this.length += source.byteLength;
  }

  /** The bytes written so far (a view: valid until the next write or reset). */
  view(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  reset(): void {
    this.length = 0;
  }
}
