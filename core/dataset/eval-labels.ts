import { relativeLabelsKey } from "../storage/keys.ts";
import type { ObjectStore } from "../storage/object-store.ts";
import type { LabelsEntry } from "./manifest.ts";
import { writeShard } from "./write-shard.ts";

/**
 * Collects the label lines of one shard of an evaluation set while it renders (`onLabels` of the shard renderer) and
 * writes them to `labels/NNNNN.jsonl` beside the shards once the shard is done. A shard's labels are about a
 * kilobyte per trajectory, so holding one shard's worth is bounded by the shard size, not the dataset's.
 */
export class ShardLabels {
  readonly #lines: string[] = [];
  readonly onLabels = (line: string): void => {
    this.#lines.push(line);
  };

  /** Writes the collected lines under `prefix` + `labels/NNNNN.jsonl` (create-only with `ifAbsent`). */
  async write(
    store: ObjectStore,
    shard: number,
    options: { prefix?: string; ifAbsent?: boolean } = {},
  ): Promise<LabelsEntry> {
    const key = relativeLabelsKey(shard);
    const body = Buffer.from(this.#lines.length === 0 ? "" : `${this.#lines.join("\n")}\n`);
    async function* once(): AsyncGenerator<Uint8Array> {
      yield body;
    }
    const written = await writeShard(store, `${options.prefix ?? ""}${key}`, once(), {
      ...(options.ifAbsent === undefined ? {} : { ifAbsent: options.ifAbsent }),
    });
    return { key, bytes: written.bytes, sha256: written.sha256 };
  }
}
