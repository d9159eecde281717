import { stringify as toYaml } from "yaml";
import { describeAnomalyInjectionConfig } from "../trajectory/anomaly-config.ts";
import type { TrajectoryConfig } from "../trajectory/index.ts";
import { describeSplitConfig } from "../trajectory/splits.ts";

/** Key of the config written beside a dataset, which the card's regenerate command passes as `--config`. */
export const CONFIG_FILE_KEY = "config.yaml";

/**
 * A resolved generator config in the shape a user writes it (the YAML config's snake_case sections), every default
 * filled in: the manifest's `config`. Parsing it again gives the same config.
 * @example
 * buildManifest({ spec, config: configDocument(resolveDatasetConfig(spec)), shards });
 */
export function configDocument(config: TrajectoryConfig): Record<string, unknown> {
  return {
    ...(config.randomSeed === null ? {} : { random_seed: config.randomSeed }),
    data_generation: {
      epoch: config.epoch,
      trajectory_patterns: Object.fromEntries(
        config.patternNames.map((name) => {
          const pattern = config.patterns[name] as { minNodes: number; maxNodes: number; weight: number };
          return [name, { min_nodes: pattern.minNodes, max_nodes: pattern.maxNodes, weight: pattern.weight }];
        }),
      ),
      task_templates: config.taskTemplates,
      tool_transitions: config.toolTransitions,
    },
    anomaly_injection: describeAnomalyInjectionConfig(config.anomalies),
    splits: describeSplitConfig(config.splits),
  };
}

/**
 * The text of `config.yaml`: the spec's config exactly as it was given (so the regenerate command rebuilds the same
 * spec, and with it the same manifest and card), with a header that says what it is.
 */
export function serializeSpecConfig(config: Record<string, unknown>): string {
  return (
    "# The generator config this dataset was made with, as given; manifest.json > config holds it resolved, with\n" +
    "# every default filled in. README.md has the command that regenerates the dataset from it.\n" +
    toYaml(config, { lineWidth: 0 })
  );
}
