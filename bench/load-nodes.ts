// Child process of the formats bench: loads every row of a Parquet dataset's node table into an in-memory DuckDB
// table and prints the row count and its own peak RSS as JSON, so the reader's memory is measured alone.
import { DuckDBInstance } from "@duckdb/node-api";

const [dir] = process.argv.slice(2);
const db = await DuckDBInstance.create(":memory:");
const connection = await db.connect();
const started = performance.now();
await connection.run(`CREATE TABLE nodes AS SELECT * FROM read_parquet('${dir}/nodes/*/*.parquet')`);
const rows = Number((await connection.runAndReadAll("SELECT count(*) FROM nodes")).getRows()[0]?.[0]);
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ rows, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
