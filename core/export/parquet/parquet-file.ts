import { constants, zstdCompressSync } from "node:zlib";
import type { ColumnChunk, FileMetaData, SchemaElement } from "hyparquet";
import { ByteWriter } from "hyparquet-writer";
import { writePageHeader } from "hyparquet-writer/src/datapage.js";
import { writeMetadata } from "hyparquet-writer/src/metadata.js";
import { ByteSink } from "./byte-sink.ts";
import {
  BooleanColumn,
  type ColumnBuffer,
  DictionaryColumn,
  type EncodedChunk,
  NumberColumn,
  type RowCounter,
  StringColumn,
  StringListColumn,
} from "./column-buffers.ts";
import { isoToMs } from "./iso-ms.ts";

/**
 * What a column holds. `category` is dictionary-encoded text (a small vocabulary, or an id repeated on many rows);
 * `json` is text holding a JSON object (records whose keys vary by value, such as tool parameters); `timestamp` is
 * UTC milliseconds.
 */
export type ParquetColumnType =
  | "string"
  | "category"
  | "json"
  | "int32"
  | "int64"
  | "double"
  | "bool"
  | "timestamp"
  | "string_list";

/** A column of a table whose rows are `R`: its name, type, meaning and where its value is in a row. */
export interface ParquetColumn<R> {
  readonly name: string;
  readonly type: ParquetColumnType;
  /** Null where the row has no value (a field of another node type); false means every row has one. */
  readonly nullable: boolean;
  /** A label a detector is scored on (dropped from evaluation sets). */
  readonly label?: boolean;
  /** Says where the row comes from (seed, index), which an evaluation set must not reveal either. */
  readonly provenance?: boolean;
  readonly description: string;
  /**
   * Where the value is: a dotted property path from the row (`node.user_context.user_id`). A null or missing object
   * past the row's own fields gives null. A `timestamp` column's value is ISO-8601 text, written as epoch ms.
   */
  readonly path: string;
  /** Ties the column to its row type (never set). */
  readonly row?: (row: R) => void;
}

export interface ParquetFileOptions {
  /** zstd level of every page. */
  zstdLevel: number;
  createdBy: string;
  /** Key-value metadata in the footer (for example the schema version). */
  metadata?: ReadonlyArray<{ key: string; value: string }>;
}

const MAGIC = Buffer.from("PAR1", "latin1");
/**
 * Column chunks smaller than this are stored uncompressed. Each `zstdCompressSync` call costs about 0.1 ms before it
 * compresses a byte (Node builds a stream and a context per call), which for the many small chunks of sparse node
 * columns (a type's own fields, null elsewhere) costs more than the few hundred bytes zstd would save.
 */
const MIN_COMPRESSED_BYTES = 2048;

/**
 * Where every column chunk's page body is encoded before it is compressed or copied out: one buffer for all writers
 * of a thread (a row group is written synchronously), so writing a row group allocates no page buffers.
 */
const PAGE = new ByteSink(1 << 20);

/**
 * Writes one Parquet file row group by row group, keeping only the current group's columns and the compressed
 * bytes so far. The file is flat (one leaf per column, lists excepted), version-1 data pages, one page per column
 * chunk, zstd-compressed. Nothing in it depends on time or machine, so the same rows give the same bytes.
 * @example
 * const file = new ParquetFileWriter(columns, { zstdLevel: 3, createdBy: "agentsynth" });
 * for (const row of rows) file.append(row);
 * const bytes = Buffer.concat(file.finish());
 */
export class ParquetFileWriter<R> {
  private readonly buffers: ColumnBuffer[];
  private readonly output: Buffer[] = [MAGIC];
  private offset = MAGIC.length;
  /** Rows appended since the last row group was written (shared with the compiled appenders). */
  private readonly counter = { rows: 0 };
  private readonly appendAll: (row: R) => void;
  private totalRows = 0;
  private readonly rowGroups: FileMetaData["row_groups"] = [];
  private finished = false;

  private readonly columns: readonly ParquetColumn<R>[];
  private readonly options: ParquetFileOptions;

  constructor(columns: readonly ParquetColumn<R>[], options: ParquetFileOptions) {
    this.columns = columns;
    this.options = options;
    this.buffers = columns.map((column) => bufferFor(column.type, column.nullable, this.counter));
    this.appendAll = this.appender();
  }

  /** Rows appended since the last row group was written. */
  get pendingRows(): number {
    return this.counter.rows;
  }

  /** Adds a row. */
  append(row: R): void {
    this.appendAll(row);
  }

  /**
   * A function that adds a row whose columns with a 0 in `mask` are null (not read). It is compiled to straight-line
   * code that reads each column's path inline (`b3.push(row.node.tool_type)`): a loop over the columns calls every
   * getter and buffer from one call site, which V8 cannot inline, and costs about three times as much per value as
   * `JSON.stringify`. Here each buffer has its own call site, and each property read its own inline cache in its
   * own function, so with one appender per node type every read sees a single object shape. (Getter closures, even
   * inlined, would share one cache across all node types, made megamorphic by the ten node shapes.)
   */
  appender(mask?: Uint8Array): (row: R) => void {
    return appenderFactory(this.columns, mask)(this.counter, isoToMs, ...this.buffers) as (row: R) => void;
  }

  /** Encodes, compresses and keeps the pending rows as one row group (nothing when there are none). */
  flushRowGroup(): void {
    if (this.counter.rows === 0) return;
    const groupStart = this.offset;
    const chunks: ColumnChunk[] = [];
    let uncompressedTotal = 0;
    for (let c = 0; c < this.columns.length; c++) {
      const column = this.columns[c] as ParquetColumn<R>;
      const buffer = this.buffers[c] as ColumnBuffer;
      PAGE.reset();
      const encoded = buffer.encode(PAGE);
      const page = PAGE.view();
      const chunkStart = this.offset;
      let uncompressed = 0;
      let dictionaryOffset: number | undefined;
      // The codec is per column chunk: a small chunk is stored as it is (see MIN_COMPRESSED_BYTES).
      const compress = page.length + (encoded.dictionary?.bytes.length ?? 0) >= MIN_COMPRESSED_BYTES;
      if (encoded.dictionary) {
        dictionaryOffset = this.offset;
        uncompressed += this.writePage(
          "DICTIONARY_PAGE",
          encoded.dictionary.bytes,
          encoded.dictionary.count,
          "PLAIN",
          compress,
        );
      }
      const dataOffset = this.offset;
      uncompressed += this.writePage("DATA_PAGE", page, encoded.numValues, encoded.encoding, compress);
      buffer.reset();
      uncompressedTotal += uncompressed;
      chunks.push({
        file_offset: BigInt(chunkStart),
        meta_data: {
          type: physicalType(column.type),
          encodings: encoded.dictionary ? ["PLAIN", "RLE", "RLE_DICTIONARY"] : ["PLAIN", "RLE"],
          path_in_schema: column.type === "string_list" ? [column.name, "list", "element"] : [column.name],
          codec: compress ? "ZSTD" : "UNCOMPRESSED",
          num_values: BigInt(encoded.numValues),
          total_uncompressed_size: BigInt(uncompressed),
          total_compressed_size: BigInt(this.offset - chunkStart),
          data_page_offset: BigInt(dataOffset),
          ...(dictionaryOffset === undefined ? {} : { dictionary_page_offset: BigInt(dictionaryOffset) }),
          ...(column.type === "string_list" ? {} : { statistics: statisticsOf(encoded) }),
        },
      });
    }
    this.rowGroups.push({
      columns: chunks,
      total_byte_size: BigInt(uncompressedTotal),
      num_rows: BigInt(this.counter.rows),
      file_offset: BigInt(groupStart),
      total_compressed_size: BigInt(this.offset - groupStart),
    });
    this.totalRows += this.counter.rows;
    this.counter.rows = 0;
  }

  /** Writes the last row group and the footer; returns the whole file as a list of buffers. */
  finish(): Buffer[] {
    if (this.finished) throw new Error("ParquetFileWriter.finish called twice");
    this.finished = true;
    this.flushRowGroup();
    const footer = new ByteWriter(4096);
    writeMetadata(footer, {
      version: 1,
      schema: schemaOf(this.columns),
      num_rows: BigInt(this.totalRows),
      row_groups: this.rowGroups,
      created_by: this.options.createdBy,
      ...(this.options.metadata ? { key_value_metadata: this.options.metadata.map((kv) => ({ ...kv })) } : {}),
    } as FileMetaData);
    this.push(Buffer.from(footer.getBytes()));
    this.push(MAGIC);
    return this.output;
  }

  private writePage(
    type: "DATA_PAGE" | "DICTIONARY_PAGE",
    body: Buffer,
    numValues: number,
    encoding: EncodedChunk["encoding"],
    compress: boolean,
  ): number {
    // An uncompressed body is a view of a buffer that is written again, so it is copied.
    const compressed = compress
      ? zstdCompressSync(body, { params: { [constants.ZSTD_c_compressionLevel]: this.options.zstdLevel } })
      : Buffer.from(body);
    const header = new ByteWriter(64);
    writePageHeader(header, {
      type,
      uncompressed_page_size: body.length,
      compressed_page_size: compressed.length,
      ...(type === "DATA_PAGE"
        ? {
            data_page_header: {
              num_values: numValues,
              encoding,
              definition_level_encoding: "RLE",
              repetition_level_encoding: "RLE",
            },
          }
        : { dictionary_page_header: { num_values: numValues, encoding: "PLAIN" } }),
    });
    const headerBytes = Buffer.from(header.getBytes());
    this.push(headerBytes);
    this.push(compressed);
    return headerBytes.length + body.length;
  }

  private push(bytes: Buffer): void {
    this.output.push(bytes);
    this.offset += bytes.length;
  }
}

type AppenderFactory = (...args: unknown[]) => (row: never) => void;
/**
 * Compiled appender factories by column list and mask. Compiling once per process (not per file) lets every file's
 * appenders share one function, and so its optimised code: a fresh function per file would be compiled and warmed
 * up again for every shard. The code is built from column positions only, never from data.
 */
const factories = new WeakMap<readonly ParquetColumn<never>[], Map<string, AppenderFactory>>();

function appenderFactory(columns: readonly ParquetColumn<never>[], mask: Uint8Array | undefined): AppenderFactory {
  let byMask = factories.get(columns);
  if (byMask === undefined) {
    byMask = new Map();
    factories.set(columns, byMask);
  }
  const maskKey = mask === undefined ? "" : mask.join("");
  let factory = byMask.get(maskKey);
  if (factory === undefined) {
    const present = (c: number) => mask === undefined || mask[c] === 1;
    // Each record the row refers to (`row.node`, `row.trajectory`) is read once into a local, not once per column.
    const records = new Set(
      columns.filter((column, c) => present(c) && column.path.includes(".")).map((column) => column.path.split(".")[0]),
    );
    const lines = columns.map((column, c) => {
      if (!present(c)) {
        if (!column.nullable) throw new TypeError(`required column ${column.name} is masked out`);
        // A null in a flat column is a row without a value: nothing to record. A list records every row's levels.
        return column.type === "string_list" ? `b${c}.push(null);` : "";
      }
      const value = readExpression(column.path);
      return column.type === "timestamp"
        ? `v = ${value}; b${c}.push(typeof v === "string" ? isoToMs(v) : v);`
        : `b${c}.push(${value});`;
    });
    factory = new Function(
      "counter",
      "isoToMs",
      ...columns.map((_, c) => `b${c}`),
      `return function append(row) {\nlet v;\n${[...records].map((record) => `const r_${record} = row.${record};`).join("\n")}\n${lines.join("\n")}\ncounter.rows++;\n};`,
    ) as AppenderFactory;
    byMask.set(maskKey, factory);
  }
  return factory;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * JavaScript that reads a column's path from `row`: the row's own fields, its records' fields from the locals the
 * appender reads them into (`r_node.status`), deeper objects guarded (`memory_value` is null for a delete). Paths
 * come from the column lists, never from data, and must be plain identifiers.
 */
function readExpression(path: string): string {
  const [first, second, ...rest] = path.split(".");
  for (const part of path.split(".")) {
    if (!IDENTIFIER.test(part)) throw new TypeError(`column path ${path} is not a chain of identifiers`);
  }
  let expression = second === undefined ? `row.${first}` : `r_${first}.${second}`;
  for (const part of rest) expression = `((v = ${expression}) == null ? v : v.${part})`;
  return expression;
}

function bufferFor(type: ParquetColumnType, nullable: boolean, counter: RowCounter): ColumnBuffer {
  switch (type) {
    case "string":
      return new StringColumn(nullable, counter);
    case "json":
      return new JsonColumn(nullable, counter);
    case "category":
      return new DictionaryColumn(nullable, counter);
    case "int32":
      return new NumberColumn(nullable, counter, "INT32");
    case "int64":
    case "timestamp":
      return new NumberColumn(nullable, counter, "INT64");
    case "double":
      return new NumberColumn(nullable, counter, "DOUBLE");
    case "bool":
      return new BooleanColumn(nullable, counter);
    case "string_list":
      return new StringListColumn(nullable);
  }
}

/** JSON text of an object value. */
class JsonColumn extends StringColumn {
  override push(value: unknown): void {
    super.push(value === null || value === undefined ? value : JSON.stringify(value));
  }
}

function physicalType(type: ParquetColumnType): "BYTE_ARRAY" | "INT32" | "INT64" | "DOUBLE" | "BOOLEAN" {
  switch (type) {
    case "int32":
      return "INT32";
    case "int64":
    case "timestamp":
      return "INT64";
    case "double":
      return "DOUBLE";
    case "bool":
      return "BOOLEAN";
    default:
      return "BYTE_ARRAY";
  }
}

function statisticsOf(encoded: EncodedChunk) {
  return {
    null_count: BigInt(encoded.nullCount),
    ...(encoded.min === undefined ? {} : { min_value: encoded.min, max_value: encoded.max as number }),
  };
}

/** The Parquet schema of `columns`: a flat message, lists as the standard three-level LIST. */
export function schemaOf(columns: readonly ParquetColumn<never>[]): SchemaElement[] {
  const schema: SchemaElement[] = [{ name: "schema", num_children: columns.length }];
  for (const column of columns) {
    const repetition_type = column.nullable ? "OPTIONAL" : "REQUIRED";
    if (column.type === "string_list") {
      schema.push(
        { name: column.name, repetition_type, num_children: 1, converted_type: "LIST", logical_type: { type: "LIST" } },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        { name: "element", repetition_type: "REQUIRED", ...leafType("string") },
      );
    } else {
      schema.push({ name: column.name, repetition_type, ...leafType(column.type) });
    }
  }
  return schema;
}

function leafType(type: Exclude<ParquetColumnType, "string_list">): Omit<SchemaElement, "name"> {
  switch (type) {
    case "string":
    case "category":
    case "json":
      return { type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } };
    case "timestamp":
      return {
        type: "INT64",
        converted_type: "TIMESTAMP_MILLIS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
      };
    case "int32":
      return { type: "INT32" };
    case "int64":
      return { type: "INT64" };
    case "double":
      return { type: "DOUBLE" };
    case "bool":
      return { type: "BOOLEAN" };
  }
}
