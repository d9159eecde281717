/** Version of the Parquet tables' layout; it changes whenever a column is added, removed, renamed or retyped. */
export const PARQUET_SCHEMA_VERSION = "agentsynth.parquet/v2";
/** The footer's `created_by`: readers show it, and it must not vary by machine or time. */
export const GENERATOR_NAME_AND_VERSION = `agentsynth (${PARQUET_SCHEMA_VERSION})`;
