import { Logger } from "@aws-lambda-powertools/logger";

/**
 * The service's one logger: structured JSON lines through Powertools Logger, in the Lambda handlers (which add the
 * invocation context) and in `npm start` and its worker threads alike. Level from POWERTOOLS_LOG_LEVEL (default
 * INFO), service name from POWERTOOLS_SERVICE_NAME (default agentsynth).
 * @example
 * logger.error("shard failed", { batch_id, shard, code: "storage_failed", error: message });
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "agentsynth" });
