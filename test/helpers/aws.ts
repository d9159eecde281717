import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";

/** Region every test client and the emulator agree on. */
export const TEST_AWS_REGION = "us-east-1";

/** Fake credentials: the emulator accepts any, and real AWS would reject these, so tests can never touch it. */
export const TEST_AWS_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" } as const;

/** An S3 client for the emulator: path-style addressing (no bucket subdomains on 127.0.0.1), fake credentials. */
export function createTestS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: TEST_AWS_REGION,
    credentials: TEST_AWS_CREDENTIALS,
    forcePathStyle: true,
    maxAttempts: 1,
  });
}

/**
 * An SQS client for the emulator. `useQueueUrlAsEndpoint: false` keeps requests on the endpoint even when a QueueUrl
 * names another host (fauxqs can hand out `sqs.<region>.localhost` URLs, which do not resolve; infra-findings §3).
 */
export function createTestSqsClient(endpoint: string): SQSClient {
  return new SQSClient({
    endpoint,
    region: TEST_AWS_REGION,
    credentials: TEST_AWS_CREDENTIALS,
    useQueueUrlAsEndpoint: false,
    maxAttempts: 1,
  });
}

/**
 * Environment for code that builds its own clients from env (functions/deps.ts): endpoint overrides, region and
 * fake credentials. Apply with `Object.assign(process.env, awsTestEnv(endpoint))` or vitest's `vi.stubEnv`.
 */
export function awsTestEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ENDPOINT_URL_SQS: endpoint,
    AWS_REGION: TEST_AWS_REGION,
    AWS_ACCESS_KEY_ID: TEST_AWS_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_AWS_CREDENTIALS.secretAccessKey,
  };
}
