// Entry of every pool thread (loaded by piscina): loads the job handler module once, then runs the tasks it is given.
import { workerData } from "node:worker_threads";
import type { JobHandler, PoolBootData, PoolOutcome, PoolTask } from "./job-handler.ts";

const boot = workerData as PoolBootData;

async function loadHandler(): Promise<JobHandler<unknown>> {
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(boot.moduleUrl)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`Cannot load the job handler module ${boot.moduleUrl}: ${describe(error)}`);
  }
  const factory = loaded[boot.exportName];
  if (typeof factory !== "function") {
    throw new Error(`The job handler module ${boot.moduleUrl} has no function export named "${boot.exportName}".`);
  }
  const handler: unknown = await factory(boot.workerData);
  if (typeof handler !== "function") {
    throw new Error(`"${boot.exportName}" in ${boot.moduleUrl} must return a job handler function.`);
  }
  return handler as JobHandler<unknown>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Loaded once per thread; a module that fails to load fails every task with the same clear message.
const handlerPromise = loadHandler();
handlerPromise.catch(() => undefined);

/** Handler errors come back as a value, so the pool can tell them from a thread that died (a rejected run). */
export async function runTask(task: PoolTask): Promise<PoolOutcome> {
  try {
    const handler = await handlerPromise;
    const value = await handler(task.job, {
      attempt: task.attempt,
      maxAttempts: task.maxAttempts,
      progress: (data) => task.progress?.postMessage(data),
    });
    return { ok: true, value };
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return { ok: false, message: describe(error), ...(typeof code === "string" ? { code } : {}) };
  } finally {
    task.progress?.close();
  }
}
