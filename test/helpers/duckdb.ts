import { DuckDBInstance } from "@duckdb/node-api";

/**
 * Reads Parquet files with DuckDB (an independent reader): every row as a plain object, timestamps as epoch
 * milliseconds, BIGINTs as numbers, lists as arrays, in the order `orderBy` gives.
 */
export async function readParquetRows(glob: string, orderBy: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  try {
    const source = `read_parquet('${glob.replaceAll("'", "''")}')`;
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
    const columns = described.getRowObjectsJson().map((row) => ({
      name: String(row.column_name),
      type: String(row.column_type),
    }));
    const select = columns
      .map(({ name, type }) => (type.startsWith("TIMESTAMP") ? `epoch_ms("${name}") AS "${name}"` : `"${name}"`))
      .join(", ");
    const result = await connection.runAndReadAll(`SELECT ${select} FROM ${source} ORDER BY ${orderBy}`);
    // BIGINT (and epoch_ms) come back as text in JSON form; the values here all fit a double exactly.
    const bigints = new Set(
      columns.filter((c) => c.type === "BIGINT" || c.type.startsWith("TIMESTAMP")).map((c) => c.name),
    );
    return result.getRowObjectsJson().map((row) => {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row)) {
        out[key] = value !== null && (bigints.has(key) || typeof value === "bigint") ? Number(value) : value;
      }
      return out;
    });
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

/** Column names and DuckDB types of a Parquet file. */
export async function parquetColumnTypes(path: string): Promise<Array<{ name: string; type: string }>> {
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  try {
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    return described
      .getRowObjectsJson()
      .map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}
