export {
  type FormatFile,
  TRAJECTORY_FORMAT_NAMES,
  TRAJECTORY_FORMATS,
  type TrajectoryFormat,
  type TrajectoryFormatName,
  trajectoryFormat,
} from "./formats.ts";
export {
  decodeColumn,
  GRAPH_EXPORT_FORMAT,
  GRAPH_VOCABULARIES,
  type GraphRecord,
  GraphRecordSchema,
  graphExportVocabularies,
  serializeGraphRecord,
  toGraphRecord,
} from "./graph.ts";
export { serializeOtlpTrace, spanIdOf, toOtlpTrace, traceIdOf, unixNanos } from "./otlp.ts";
export { type OtlpSpan, type OtlpTraceRequest, OtlpTraceRequestSchema } from "./otlp-schema.ts";
