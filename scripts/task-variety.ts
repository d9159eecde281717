// Prints the template provider's variety figures: 1,000 tasks over the six single categories and four mixed
// combinations, the measurement behind test/core/tasks/task-variety.test.ts. Usage: node scripts/task-variety.ts [seed]
import { generateTaskBatch } from "../core/tasks/generate-batch.ts";
import { MEASURED_COMBINATIONS, measureVariety } from "../core/tasks/task-variety.ts";
import { createTemplateLanguageModel } from "../core/tasks/template-model.ts";

const seed = Number(process.argv[2] ?? 42);
const batch = await generateTaskBatch({
  categories: MEASURED_COMBINATIONS,
  count: 1000,
  seed,
  model: createTemplateLanguageModel(),
});
const figures = measureVariety(
  batch.results.flatMap((r) =>
    r.ok
      ? [{ description: r.task.description, calls: r.task.required_tools.length, categories: r.categories.length }]
      : [],
  ),
);
console.log(
  `task variety (template, seed ${seed}): ${figures.tasks} tasks, ${figures.distinctPatterns} sentence patterns, ` +
    `mean chain ${figures.meanChainLength.toFixed(2)} calls, ${(figures.singleCallShare * 100).toFixed(1)}% single calls, ` +
    `${figures.gluedThen} glued with "Then", ${figures.threeOrMoreCategories} over 3+ categories`,
);
