import { ByteWriter } from "hyparquet-writer";
import { writeRleBitPackedHybrid } from "hyparquet-writer/src/encoding.js";
import { describe, expect, it } from "vitest";
import { ByteSink } from "../../../core/export/parquet/byte-sink.ts";
import { writeLengthPrefixedRleHybrid, writeRleHybrid } from "../../../core/export/parquet/rle-hybrid.ts";

/** The library's encoding of the same values: ours must give its bytes (the files' bytes depend on it). */
function reference(values: Int32Array, bitWidth: number): Buffer {
  const writer = new ByteWriter(64);
  writeRleBitPackedHybrid(writer, values, bitWidth);
  return Buffer.from(writer.getBytes());
}

function ours(values: Int32Array, bitWidth: number): Buffer {
  const sink = new ByteSink(16);
  // Values past `count` must be ignored: the column buffers hand over arrays longer than their rows.
  const padded = new Int32Array(values.length + 5).fill((1 << bitWidth) - 1);
  padded.set(values);
  writeRleHybrid(sink, padded, values.length, bitWidth);
  return Buffer.from(sink.view());
}

/** Deterministic values of `bitWidth` bits with runs of every length, so both RLE runs and bit-packed groups occur. */
function valuesWithRuns(count: number, bitWidth: number, seed: number): Int32Array {
  const values = new Int32Array(count);
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state;
  };
  for (let i = 0; i < count; ) {
    const value = next() % 2 ** bitWidth;
    const run = 1 + (next() % 20);
    for (let k = 0; k < run && i < count; k++) values[i++] = value;
  }
  return values;
}

describe("the RLE/bit-packed hybrid", () => {
  it("gives hyparquet-writer's bytes for runs and groups at every width a page uses", () => {
    for (const bitWidth of [1, 2, 3, 5, 8, 12, 17]) {
      for (const count of [0, 1, 7, 8, 9, 100, 1000]) {
        const values = valuesWithRuns(count, bitWidth, bitWidth * 1000 + count);
        expect(ours(values, bitWidth).equals(reference(values, bitWidth)), `width ${bitWidth}, ${count} values`).toBe(
          true,
        );
      }
    }
  });

  it("writes a run of 8 equal values as one RLE run and fewer as a bit-packed group", () => {
    expect([...ours(new Int32Array(8).fill(1), 1)]).toEqual([8 << 1, 1]);
    // One group of 8 (header (1 << 1) | 1), the three ones packed least significant bit first.
    expect([...ours(new Int32Array([1, 1, 1]), 1)]).toEqual([3, 0b111]);
  });

  it("prefixes the length as four bytes little-endian for version-1 levels", () => {
    const sink = new ByteSink(4);
    const values = new Int32Array([1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    writeLengthPrefixedRleHybrid(sink, values, values.length, 1);
    const body = reference(values, 1);
    expect(sink.view().readUInt32LE(0)).toBe(body.length);
    expect(sink.view().subarray(4).equals(body)).toBe(true);
  });
});
