import type { AnomalyMetadata, MemoryValue, NodeOf, TrajectoryNode } from "../../trajectory/model.ts";
import { memoryAccessNode, memoryValue } from "../../trajectory/node-factories.ts";
import type { InjectionContext } from "../context.ts";
import { isWork, requireSites, singleControlOut, spliceAfter } from "../sites.ts";

type MemoryNode = NodeOf<"MEMORY_ACCESS">;

/**
 * A read that does not return what was written: a retrieve of a key returns a value (size and content digest)
 * different from the one the store under that key saved. An existing retrieve of a stored key is corrupted first;
 * further inconsistent reads are retrieves spliced in after the store, with the data_dependency edge a normal
 * retrieve has. A trajectory with no store first gets one, saving a tool's result like the research pattern does.
 * The reads still report success: the inconsistency is silent, as it is in real systems.
 */
export function injectMemoryInconsistency(ctx: InjectionContext): AnomalyMetadata {
  const reads = ctx.planned("inconsistent_reads");
  const stores = storesOf(ctx);
  let addedStore = false;
  if (stores.length === 0) {
    stores.push(insertStore(ctx));
    addedStore = true;
  }
  const shared = { inconsistent_reads: reads };
  const corrupted = new Set<string>();
  let added = addedStore ? 1 : 0;
  for (let read = 1; read <= reads; read++) {
    const store = ctx.rng.pick(stores);
    const stored = store.memory_value as MemoryValue;
    const existing = ctx.trajectory.nodes.find(
      (node): node is MemoryNode =>
        node.node_type === "MEMORY_ACCESS" &&
        node.memory_operation === "retrieve" &&
        node.memory_key === store.memory_key &&
        !corrupted.has(node.node_id),
    );
    const returned = differentValue(ctx, stored);
    let retrieve: MemoryNode;
    if (existing !== undefined) {
      retrieve = existing;
      retrieve.memory_value = returned;
    } else {
      retrieve = ctx.fresh(memoryAccessNode(ctx.builder, "retrieve", store.memory_key, returned));
      spliceAfter(ctx, readSite(ctx, store), retrieve, { ...shared, role: "inconsistent_read", read });
      ctx.dependency(store, retrieve, { ...shared, role: "stored_value", read });
      added++;
    }
    corrupted.add(retrieve.node_id);
    ctx.markNode(retrieve, {
      ...shared,
      role: "inconsistent_read",
      read,
      key: store.memory_key,
      stored_digest: stored.digest,
      returned_digest: returned.digest,
    });
  }
  return { ...shared, added_nodes: added };
}

function storesOf(ctx: InjectionContext): MemoryNode[] {
  return ctx.trajectory.nodes.filter(
    (node): node is MemoryNode =>
      node.node_type === "MEMORY_ACCESS" &&
      node.memory_operation === "store" &&
      node.status === "completed" &&
      node.memory_value !== null,
  );
}

/** A store of a work step's result, spliced in after it (complex_research's key format). */
function insertStore(ctx: InjectionContext): MemoryNode {
  const site = ctx.rng.pick(requireSites(ctx));
  const key = `finding_${ctx.rng.int(1, 4)}_${ctx.rng.int(1, 1000)}`;
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
