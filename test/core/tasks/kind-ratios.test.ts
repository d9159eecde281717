import { describe, expect, it } from "vitest";
import { generateTaskBatch } from "../../../core/tasks/generate-batch.ts";
import { scenarioKind } from "../../../core/tasks/scenario.ts";
import { MEASURED_COMBINATIONS } from "../../../core/tasks/task-variety.ts";
import { createTemplateLanguageModel } from "../../../core/tasks/template-model.ts";

// --insufficient-ratio 0.2 --multi-turn-ratio 0.2 over 1,000 tasks across the six single categories and four mixed
// combinations: both shares must come out at 20% within sampling error, in every combination, because every
// combination has tasks that can take either kind (settings, utilities and search tasks included).

const KINDS = ["insufficient_information", "multiple_user_turn"] as const;

describe("scenario kind ratios", () => {
  it("produce 20% of each kind over 1,000 tasks, in every category combination, and report what fell short", async () => {
    const batch = await generateTaskBatch({
      categories: MEASURED_COMBINATIONS,
      count: 1000,
      seed: 42,
      model: createTemplateLanguageModel(),
      insufficientInformationRatio: 0.2,
      multiTurnRatio: 0.2,
    });
    expect(batch.report.failed).toBe(0);
    const { produced, requested, shortfall, keptStandard } = batch.report.byKind;
    for (const kind of KINDS) {
      // 1,000 draws at p = 0.2: the standard deviation is about 13 tasks; 3 of them either side.
      expect(Math.abs(produced[kind] - 200)).toBeLessThanOrEqual(38);
      // Drawn tasks that could not take their kind: a few at most, and each one named in the report.
      expect(shortfall[kind]).toBeLessThanOrEqual(Math.ceil(requested[kind] * 0.03));
      expect(keptStandard[kind]).toHaveLength(shortfall[kind]);
    }
    for (const categories of MEASURED_COMBINATIONS) {
      const results = batch.results.filter((r) => r.categories.join("+") === categories.join("+"));
      for (const kind of KINDS) {
        const drawn = results.filter((r) => r.drawnKind === kind).length;
        const made = results.filter((r) => r.ok && scenarioKind(r.scenario) === kind).length;
        expect(made, `${kind} in ${categories.join("+")}`).toBeGreaterThanOrEqual(drawn - 2);
        expect(made, `${kind} in ${categories.join("+")}`).toBeGreaterThan(0);
      }
    }
  }, 120_000);
});
