// Worker thread of the in-process queue: loads the handler module once, then runs the jobs the main thread sends.
import { parentPort, workerData } from "node:worker_threads";
import type { JobHandler, RunJobMessage, WorkerBootData, WorkerReply } from "./worker-protocol.ts";

const boot = workerData as WorkerBootData;
const port = parentPort!;
const reply = (message: WorkerReply): void => port.postMessage(message);

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

// Loaded once; a module that fails to load fails every job with the same clear message (and they dead-letter).
const handlerPromise = loadHandler();
handlerPromise.catch(() => undefined);

port.on("message", async (message: RunJobMessage) => {
  try {
    const handler = await handlerPromise;
    const job: unknown = JSON.parse(message.body);
    await handler(job, {
      attempt: message.attempt,
      maxAttempts: message.maxAttempts,
      workerIndex: boot.workerIndex,
      progress: (data) => reply({ type: "progress", id: message.id, data }),
    });
    reply({ type: "done", id: message.id });
  } catch (error) {
    reply({ type: "failed", id: message.id, error: describe(error) });
  }
});
