import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../core/errors.ts";
import { createRandomizer } from "../../../core/random.ts";
import {
  createExecutionContext,
  createSampleExecutionContext,
  DEFAULT_NOW,
} from "../../../core/tasks/execution-context.ts";
import { contextNeedsPopulation, populateExecutionContext } from "../../../core/tasks/populate.ts";
import { summarizeState } from "../../../core/tasks/state-summary.ts";

describe("createExecutionContext", () => {
  it("holds only the default settings row when fresh", () => {
    const context = createExecutionContext();
    expect(context.now).toBe(DEFAULT_NOW);
    expect(context.databases.SETTING).toHaveLength(1);
    expect(context.databases.CONTACT).toStrictEqual([]);
    expect(context.databases.SETTING[0]).toMatchObject({ wifi: true, cellular: true, low_battery_mode: false });
  });

  it("applies a settings variant when one is named", () => {
    const context = createExecutionContext({
      variant: "base_low_battery_mode_on_wifi_off_location_service_off_cellular_off",
    });
    expect(context.databases.SETTING[0]).toMatchObject({
      wifi: false,
      cellular: false,
      location_service: false,
      low_battery_mode: true,
    });
  });

  it("rejects an unknown variant with the list of valid ones", () => {
    expect(() => createExecutionContext({ variant: "base_moon" })).toThrow(ConfigError);
    expect(() => createExecutionContext({ variant: "base_moon" })).toThrow(/base_wifi_off/);
  });
});

describe("createSampleExecutionContext", () => {
  it("resolves the base scenario's rows against now", () => {
    const context = createSampleExecutionContext({ now: 2_000_000_000 });
    expect(context.databases.CONTACT).toHaveLength(4);
    expect(context.databases.MESSAGING).toHaveLength(5);
    expect(context.databases.REMINDER[0]?.reminder_timestamp).toBe(2_000_000_000 - 86_400);
    expect(context.databases.CONTACT[0]).toStrictEqual({
      person_id: "3815cac9-3cab-5d75-89e2-fe12fe19779e",
      name: "Tomas Haake",
      phone_number: "+11233344455",
      relationship: "self",
      is_self: true,
    });
  });
});

describe("populateExecutionContext", () => {
  it("fills only the empty tables the categories use, the same way for the same seed", () => {
    const first = populateExecutionContext(createExecutionContext(), ["messaging"], createRandomizer(7, "p"));
    const second = populateExecutionContext(createExecutionContext(), ["messaging"], createRandomizer(7, "p"));
    expect(first).toStrictEqual(second);
    expect(first.databases.CONTACT.filter((contact) => contact.is_self)).toHaveLength(1);
    expect(first.databases.CONTACT.length).toBeGreaterThanOrEqual(4);
    expect(first.databases.MESSAGING.length).toBeGreaterThanOrEqual(3);
    expect(first.databases.REMINDER).toStrictEqual([]);
  });

  it("varies the draw with the seed", () => {
    const names = new Set(
      [1, 2, 3, 4, 5].map((seed) =>
        populateExecutionContext(createExecutionContext(), ["contact"], createRandomizer(seed, "p"))
          .databases.CONTACT.map((contact) => contact.name)
          .join(","),
      ),
    );
    expect(names.size).toBeGreaterThan(1);
  });

  it("leaves tables that already hold rows alone", () => {
    const sample = createSampleExecutionContext();
    const populated = populateExecutionContext(structuredClone(sample), ["contact", "reminder"], createRandomizer(1));
    expect(populated).toStrictEqual(sample);
  });
});

describe("contextNeedsPopulation", () => {
  it("is true only when a table the categories rely on is empty", () => {
    expect(contextNeedsPopulation(createExecutionContext(), ["reminder"])).toBe(true);
    expect(contextNeedsPopulation(createExecutionContext(), ["setting", "utilities"])).toBe(false);
    expect(contextNeedsPopulation(createSampleExecutionContext(), ["messaging"])).toBe(false);
  });
});

describe("summarizeState", () => {
  it("shows every contact including the first one, and the settings", () => {
    const summary = summarizeState(createSampleExecutionContext(), ["contact"]);
    // Regression: the fork skipped row 0 as a headguard and dropped settings (NOTES.md §b).
    expect(summary).toContain("- Tomas Haake – self – +11233344455 (the user)");
    expect(summary).toContain("- wifi: on");
    expect(summary).not.toContain("Messages");
  });

  it("orders messages by time and resolves senders by phone number", () => {
    const summary = summarizeState(createSampleExecutionContext(), ["messaging"]);
    const lines = summary.split("\n").filter((line) => line.startsWith("- received") || line.startsWith("- sent"));
    expect(lines[0]).toBe('- received from unknown number +18307976530, 3 days ago: "Hey kid, you want some GPU?"');
    expect(lines.at(-1)).toBe('- received from Homer S, 1 minute ago: "Good, keep me posted"');
  });

  it("describes reminders as overdue, due soon or upcoming", () => {
    const summary = summarizeState(createSampleExecutionContext(), ["reminder"]);
    expect(summary).toContain('"Look for Company SF tickets": overdue since 1 day ago');
    expect(summary).toContain('"Buy a nice rich navy bathing dress": due soon (1 hour from now), tied to a location');
  });

  it("spells out the consequences of switched-off services", () => {
    const context = createExecutionContext({
      variant: "base_low_battery_mode_on_wifi_off_location_service_off_cellular_off",
    });
    const summary = summarizeState(context, ["rapid_api_search_tools"]);
    expect(summary).toContain("web lookups (holidays, weather, places, stocks, currency) fail until wifi is on");
    expect(summary).toContain("cannot be switched on while low battery mode is on");
  });
});
