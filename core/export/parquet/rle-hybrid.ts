import type { ByteSink } from "./byte-sink.ts";

/**
 * Parquet's RLE/bit-packed hybrid of `values[0..count)` at `bitWidth` bits, written straight into `sink`: runs of 8
 * or more equal values as RLE runs, everything between them as bit-packed groups of 8 (the last group padded with
 * zeros). The same choice of runs as hyparquet-writer's `writeRleBitPackedHybrid`, so the same bytes, without its
 * intermediate writer and copy, which cost more than the encoding for the many short level streams of a row group.
 * @example
 * writeRleHybrid(sink, new Uint8Array([1, 1, 1, 1, 1, 1, 1, 1]), 8, 1); // one RLE run: 0x10 0x01
 */
export function writeRleHybrid(sink: ByteSink, values: Uint8Array | Int32Array, count: number, bitWidth: number): void {
  let pendingGroups = 0;
  let packedStart = 0;
  let i = 0;
  while (i < count) {
    const first = values[i] as number;
    let run = 1;
    while (i + run < count && values[i + run] === first) run++;
    if (run >= 8) {
      if (pendingGroups > 0) {
        writeBitPacked(sink, values, count, packedStart, pendingGroups, bitWidth);
        pendingGroups = 0;
      }
      writeVarInt(sink, run << 1);
      const width = (bitWidth + 7) >> 3;
      sink.ensure(width);
      for (let j = 0; j < width; j++) sink.buffer[sink.length++] = (first >> (j << 3)) & 0xff;
      i += run;
    } else {
      if (pendingGroups === 0) packedStart = i;
      pendingGroups++;
      i += 8;
    }
  }
  if (pendingGroups > 0) writeBitPacked(sink, values, count, packedStart, pendingGroups, bitWidth);
}

/** The hybrid preceded by its length as 4 bytes little-endian (how version-1 data pages store levels). */
export function writeLengthPrefixedRleHybrid(
  sink: ByteSink,
  values: Uint8Array | Int32Array,
  count: number,
  bitWidth: number,
): void {
  sink.uint32(0);
  const start = sink.length;
  writeRleHybrid(sink, values, count, bitWidth);
  sink.buffer.writeUInt32LE(sink.length - start, start - 4);
}

function writeBitPacked(
  sink: ByteSink,
  values: Uint8Array | Int32Array,
  count: number,
  start: number,
  groups: number,
  bitWidth: number,
): void {
  writeVarInt(sink, (groups << 1) | 1);
  const total = groups * 8;
  sink.ensure(total * bitWidth + 1);
  const out = sink.buffer;
  let at = sink.length;
  const mask = (1 << bitWidth) - 1;
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < total; i++) {
    const index = start + i;
    buffer |= (index < count ? (values[index] as number) & mask : 0) << bits;
    bits += bitWidth;
    while (bits >= 8) {
      out[at++] = buffer & 0xff;
      buffer >>>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) out[at++] = buffer & 0xff;
  sink.length = at;
}

function writeVarInt(sink: ByteSink, value: number): void {
  sink.ensure(5);
  let rest = value;
  while ((rest & ~0x7f) !== 0) {
    sink.buffer[sink.length++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  sink.buffer[sink.length++] = rest;
}
