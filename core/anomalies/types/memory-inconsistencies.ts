import type { AnomalyMetadata, MemoryValue, NodeOf, TrajectoryNode } from "../../trajectory/model.ts";
import { memoryAccessNode, memoryValue } from "../../trajectory/node-factories.ts";
import type { InjectionContext } from "../context.ts";
import { isWork, requireSites, singleControlOut, spliceAfter } from "../sites.ts";

type MemoryNode = NodeOf<"MEMORY_ACCESS">;

/**
 * A read that does not return what was written: a step's result is stored under a new key, and retrieves of that
 * key spliced in after the store (each with the data_dependency edge a normal retrieve has) return a value (size and
 * content digest) different from the one saved. The store is always new, so the anomaly adds exactly its reads plus
 * the store, the room its plan left in the trajectory. The reads still report success: the inconsistency is
 * silent, as it is in real systems.
 */
export function injectMemoryInconsistency(ctx: InjectionContext): AnomalyMetadata {
  const reads = ctx.planned("inconsistent_reads");
  // The store is correct: only the reads that contradict it are labelled.
  const store = ctx.unlabelled(() => insertStore(ctx));
  const stored = store.memory_value as MemoryValue;
  const shared = { inconsistent_reads: reads };
  for (let read = 1; read <= reads; read++) {
    const returned = differentValue(ctx, stored);
    const retrieve = ctx.fresh(memoryAccessNode(ctx.builder, "retrieve", store.memory_key, returned));
    spliceAfter(ctx, readSite(ctx, store), retrieve, { ...shared, role: "inconsistent_read", read });
    ctx.dependency(store, retrieve, { ...shared, role: "stored_value", read });
    ctx.markNode(retrieve, {
      ...shared,
      role: "inconsistent_read",
      read,
      key: store.memory_key,
      stored_digest: stored.digest,
      returned_digest: returned.digest,
    });
  }
  return { ...shared, added_nodes: reads + 1 };
}

/** A store of a work step's result under a key no other store uses, spliced in after it (research's key format). */
function insertStore(ctx: InjectionContext): MemoryNode {
  const site = ctx.rng.pick(requireSites(ctx));
  const taken = new Set(
    ctx.trajectory.nodes.flatMap((node) => (node.node_type === "MEMORY_ACCESS" ? [node.memory_key] : [])),
  );
  let key: string;
  do key = `finding_${ctx.rng.int(1, 4)}_${ctx.rng.int(1, 1000)}`;
  while (taken.has(key));
  const store = ctx.fresh(memoryAccessNode(ctx.builder, "store", key, memoryValue(ctx.rng)));
  spliceAfter(ctx, site, store, { role: "store" });
  ctx.markNode(store, { role: "store", key });
  return store;
}

/** Where a new read goes: a work step after the store (the store itself when there is none). */
function readSite(ctx: InjectionContext, store: MemoryNode): TrajectoryNode {
  const later = ctx.descendants(store).filter((node) => isWork(node) && singleControlOut(ctx, node) !== undefined);
  if (later.length > 0) return ctx.rng.pick(later);
  if (singleControlOut(ctx, store) !== undefined) return store;
  throw new RangeError("no place to read the stored key after its store");
}

function differentValue(ctx: InjectionContext, stored: MemoryValue): MemoryValue {
  for (;;) {
    const value = memoryValue(ctx.rng);
    if (value.digest !== stored.digest) return value;
  }
}
