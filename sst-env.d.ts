/* Hand-written and committed: SST regenerates this file on `sst dev`/`sst deploy`, but CI type-checks offline.
   Keep it in step with the links in sst.config.ts (bucket, queues, secrets). */
/* deno-fmt-ignore-file */
import "sst";
declare module "sst" {
  export interface Resource {
    AnthropicApiKey: { type: "sst.sst.Secret"; value: string };
    BatchPoller: { type: "sst.aws.CronV2" };
    Api: { name: string; type: "sst.aws.Function"; url: string };
    ApiToken: { type: "sst.sst.Secret"; value: string };
    Datasets: { name: string; type: "sst.aws.Bucket" };
    FanOut: { name: string; type: "sst.aws.Function" };
    OpenaiApiKey: { type: "sst.sst.Secret"; value: string };
    Shards: { type: "sst.aws.Queue"; url: string };
    ShardsDeadLetter: { type: "sst.aws.Queue"; url: string };
  }
}
export {};
