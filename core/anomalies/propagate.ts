import { failUpstream } from "../trajectory/benign.ts";
import type { AnomalyMetadata, TrajectoryNode } from "../trajectory/model.ts";
import type { InjectionContext } from "./context.ts";

/**
 * A failure reaches every step that consumes the failed output: each completed step fed by a data dependency from a
 * failed or timed-out node fails with UPSTREAM_FAILED (its input is missing), and so, in turn, do the steps that
 * consume its output. Returns the steps failed here, each labelled a symptom with `metadata`. `keepDuration`: the
 * consumer ran as long as it would have (it waited for the input, as behind a timeout) instead of failing fast.
 */
export function failConsumers(
  ctx: InjectionContext,
  sources: readonly TrajectoryNode[],
  metadata: AnomalyMetadata,
  options: { keepDuration?: boolean } = {},
): TrajectoryNode[] {
  const failed: TrajectoryNode[] = [];
  const queue = [...sources];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const edge of ctx.outEdges(next)) {
      if (edge.edge_type !== "data_dependency") continue;
      const consumer = ctx.node(edge.target_node_id);
      if (consumer.status !== "completed" || consumer.node_type === "USER_ENQUIRY") continue;
      const duration = consumer.duration;
      failUpstream(ctx.rng, consumer);
      if (options.keepDuration) consumer.duration = duration;
      ctx.markNode(consumer, metadata);
      failed.push(consumer);
      queue.push(consumer);
    }
  }
  return failed;
}
