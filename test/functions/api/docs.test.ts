import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { createMemoryObjectStore } from "../../../core/storage/drivers/memory.ts";
import { createApp } from "../../../functions/api/app.ts";
import { EXAMPLES } from "../../../functions/api/examples.ts";
import {
  BatchAcceptedSchema,
  BatchSpecRequestSchema,
  BatchStatusSchema,
  ErrorSchema,
  StoredShardSchema,
  TasksRequestSchema,
  TasksResponseSchema,
  TrajectoriesRequestSchema,
} from "../../../functions/api/schemas.ts";

function app() {
  return createApp({
    store: createMemoryObjectStore(),
    taskModels: () => {
      throw new Error("no model in this test");
    },
    async startBatch() {
      throw new Error("no batches in this test");
    },
  });
}

interface Operation {
  requestBody?: { content: Record<string, { example?: unknown; examples?: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { example?: unknown; examples?: unknown }> }>;
}

describe("API reference", () => {
  it("serves Scalar's interactive reference at /docs, reading /openapi.json", async () => {
    const response = await app().request("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain("Scalar.createApiReference");
    expect(html).toContain('"url": "/openapi.json"');
  });

  it("has a request example for every body and a reply example for every response with content", async () => {
    const document = (await (await app().request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
    );
    expect(operations.map((entry) => entry.name).sort()).toContain("DELETE /v1/batches/{id}");
    for (const { name, operation } of operations) {
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
        expect(media.example ?? media.examples, `${name} request ${type}`).toBeDefined();
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          expect(media.example ?? media.examples, `${name} ${status} ${type}`).toBeDefined();
        }
      }
    }
  });

  it("uses examples that the request and reply schemas accept", () => {
    const check = (schema: z.ZodType, value: unknown) => expect(schema.safeParse(value).error).toBeUndefined();
    for (const example of Object.values(EXAMPLES.trajectoriesRequest)) check(TrajectoriesRequestSchema, example.value);
    for (const example of Object.values(EXAMPLES.batchRequest)) check(BatchSpecRequestSchema, example.value);
    check(TasksRequestSchema, EXAMPLES.tasksRequest);
    check(TasksResponseSchema, EXAMPLES.tasksResponse);
    check(StoredShardSchema, EXAMPLES.storedShard);
    check(BatchAcceptedSchema, EXAMPLES.batchAccepted);
    check(BatchStatusSchema, EXAMPLES.batchStatus);
    check(BatchStatusSchema, EXAMPLES.batchCancelled);
    check(ErrorSchema, EXAMPLES.error);
  });
});
