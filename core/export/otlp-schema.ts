import { z } from "zod";

/**
 * The subset of OTLP/JSON (opentelemetry-proto `ExportTraceServiceRequest`, JSON encoding) that the trace export
 * writes: ids as lower-case hex, times as unix-nanosecond decimal strings, 64-bit integers as strings, enums as
 * numbers. Strict, so a record that validates here is one an OTLP/JSON receiver accepts.
 */
export const TraceIdSchema = z
  .string()
  .regex(/^(?!0{32})[0-9a-f]{32}$/, "trace id: 32 lower-case hex digits, not all zero");
export const SpanIdSchema = z
  .string()
  .regex(/^(?!0{16})[0-9a-f]{16}$/, "span id: 16 lower-case hex digits, not all zero");
const DIGITS = /^\d+$/;
const UnixNanos = z.string().regex(/^\d{1,20}$/, "unix nanoseconds as a decimal string");

export type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } };

export const AnyValueSchema: z.ZodType<AnyValue> = z.lazy(() =>
  z.union([
    z.strictObject({ stringValue: z.string() }),
    z.strictObject({ boolValue: z.boolean() }),
    z.strictObject({ intValue: z.string().regex(/^-?\d{1,19}$/) }),
    z.strictObject({ doubleValue: z.number() }),
    z.strictObject({ arrayValue: z.strictObject({ values: z.array(AnyValueSchema) }) }),
  ]),
);

export const KeyValueSchema = z.strictObject({ key: z.string().min(1), value: AnyValueSchema });
export type KeyValue = z.infer<typeof KeyValueSchema>;

/** SpanKind: 1 INTERNAL, 2 SERVER, 3 CLIENT, 4 PRODUCER, 5 CONSUMER. */
export const SPAN_KIND = { internal: 1, server: 2, client: 3 } as const;
/** Status.code: 0 UNSET, 1 OK, 2 ERROR. */
export const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;

export const SpanLinkSchema = z.strictObject({
  traceId: TraceIdSchema,
  spanId: SpanIdSchema,
  attributes: z.array(KeyValueSchema),
});

export const SpanSchema = z
  .strictObject({
    traceId: TraceIdSchema,
    spanId: SpanIdSchema,
    parentSpanId: SpanIdSchema.optional(),
    name: z.string().min(1),
    kind: z.int().min(0).max(5),
    startTimeUnixNano: UnixNanos,
    endTimeUnixNano: UnixNanos,
    attributes: z.array(KeyValueSchema),
    links: z.array(SpanLinkSchema).optional(),
    status: z.strictObject({ code: z.int().min(0).max(2), message: z.string().optional() }).optional(),
  })
  .refine(
    (span) =>
      !DIGITS.test(span.startTimeUnixNano) ||
      !DIGITS.test(span.endTimeUnixNano) ||
      BigInt(span.endTimeUnixNano) >= BigInt(span.startTimeUnixNano),
    "a span must not end before it starts",
  );

export const OtlpTraceRequestSchema = z.strictObject({
  resourceSpans: z.array(
    z.strictObject({
      resource: z.strictObject({ attributes: z.array(KeyValueSchema) }),
      scopeSpans: z.array(
        z.strictObject({
          scope: z.strictObject({ name: z.string(), version: z.string() }),
          spans: z.array(SpanSchema),
          schemaUrl: z.url().optional(),
        }),
      ),
      schemaUrl: z.url().optional(),
    }),
  ),
});

export type OtlpSpan = z.infer<typeof SpanSchema>;
export type OtlpTraceRequest = z.infer<typeof OtlpTraceRequestSchema>;
