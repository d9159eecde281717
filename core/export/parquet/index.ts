export { isoToMs } from "./iso-ms.ts";
export { type ParquetColumn, type ParquetColumnType, ParquetFileWriter, schemaOf } from "./parquet-file.ts";
export {
  PARQUET_SPLITS,
  PARQUET_ZSTD_LEVEL,
  type ParquetShardFile,
  ParquetShardWriter,
  type ParquetTableOptions,
  parquetColumns,
  parquetFileKey,
  ROW_GROUP_ROWS,
} from "./shard-writer.ts";
export { type EdgeRow, type NodeRow, PARQUET_TABLES, type ParquetTableName } from "./tables.ts";
export { PARQUET_SCHEMA_VERSION } from "./version.ts";
