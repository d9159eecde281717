import { describe, expect, it } from "vitest";
import { createExecutionContext, createSampleExecutionContext } from "../../../core/tasks/execution-context.ts";
import { simulateTrajectory } from "../../../core/tasks/simulate-trajectory.ts";

const base = createSampleExecutionContext();
const lowBattery = createSampleExecutionContext({
  variant: "base_low_battery_mode_on_wifi_off_location_service_off_cellular_off",
});

describe("simulateTrajectory feasible chains", () => {
  it.each([
    ["Text Fredrik that I am running late", ["search_contacts", "send_message_with_phone_number"], base],
    ["Send 'hi' to +14155550100", ["send_message_with_phone_number"], base],
    ["Delete John Petrucci from my contacts", ["search_contacts", "remove_contact"], base],
    ["Make my boss a friend in my contacts", ["search_contacts", "modify_contact"], base],
    ["Remind me tomorrow at 9 to call mom", ["get_current_timestamp", "shift_timestamp", "add_reminder"], base],
    ["Delete my reminder about the bathing dress", ["search_reminder", "remove_reminder"], base],
    ["Add Ana (+14155550123) and then rename her to Anna", ["add_contact", "modify_contact"], base],
    [
      "Turn off low battery mode, then turn wifi back on and tell me Apple's stock price",
      ["set_low_battery_mode_status", "set_wifi_status", "search_stock"],
      lowBattery,
    ],
    ["How far is it to 37.77, -122.41 from here?", ["get_current_location", "calculate_lat_lon_distance"], base],
    ["What's the weather at 48.85, 2.35?", ["search_weather_around_lat_lon"], base],
    ["Turn on low battery mode", ["set_low_battery_mode_status"], base],
  ])("accepts %s", (description, trajectory, context) => {
    const simulation = simulateTrajectory(description, trajectory, context);
    expect(simulation.reasons).toStrictEqual([]);
    expect(simulation.feasible).toBe(true);
  });

  it("records state the task relies on and the writes it makes", () => {
    const simulation = simulateTrajectory(
      "Text Fredrik hi",
      ["search_contacts", "send_message_with_phone_number"],
      base,
    );
    expect(simulation.dependencies).toStrictEqual(["cellular_on", "has_contacts", "self_contact"]);
    expect(simulation.steps[1]?.change).toStrictEqual({ namespace: "MESSAGING", kind: "addition" });
  });

  it("tracks the switches each setter leaves behind", () => {
    const simulation = simulateTrajectory(
      "Turn off low battery mode, then turn wifi back on",
      ["set_low_battery_mode_status", "set_wifi_status"],
      lowBattery,
    );
    expect(simulation.steps.map((step) => step.settings)).toStrictEqual([
      { wifi: false, cellular: false, location_service: false, low_battery_mode: false },
      { wifi: true, cellular: false, location_service: false, low_battery_mode: false },
    ]);
  });
});

describe("simulateTrajectory infeasible chains", () => {
  const reasonsFor = (description: string, trajectory: string[], context = base): string[] =>
    simulateTrajectory(description, trajectory, context).reasons;

  it("rejects acting on a contact by name without a search", () => {
    expect(reasonsFor("Delete Fredrik from my contacts", ["remove_contact"])).toStrictEqual([
      "remove_contact (step 1) needs a person_id, but nothing before it provides one: call search_contacts (or add_contact) first.",
    ]);
  });

  it("rejects texting without cellular service", () => {
    const context = createSampleExecutionContext({ variant: "base_cellular_off" });
    expect(reasonsFor("Text +14155550100 hello", ["send_message_with_phone_number"], context)).toStrictEqual([
      "send_message_with_phone_number (step 1) needs cellular service, which is off at that point: call set_cellular_service_status before it.",
    ]);
  });

  it("rejects a web lookup with wifi off and names the low battery fix", () => {
    expect(reasonsFor("What is Apple's stock price?", ["search_stock"], lowBattery)[0]).toBe(
      "search_stock (step 1) needs wifi, which is off at that point: turn low battery mode off, then call set_wifi_status before it.",
    );
  });

  it("rejects switching wifi on while low battery mode is on", () => {
    expect(reasonsFor("Turn wifi on", ["set_wifi_status"], lowBattery)).toStrictEqual([
      "set_wifi_status (step 1) cannot switch wifi on while low battery mode is on: call set_low_battery_mode_status first.",
    ]);
  });

  it("rejects switching on a service that is already on", () => {
    expect(reasonsFor("Please turn on wifi", ["set_wifi_status"])).toStrictEqual([
      "set_wifi_status (step 1) would switch wifi on, but it is already on at that point (the tool fails).",
    ]);
  });

  it("rejects a lookup after low battery mode switched wifi off", () => {
    expect(
      reasonsFor("Turn on low battery mode and check the weather", [
        "set_low_battery_mode_status",
        "search_weather_around_lat_lon",
      ]),
    ).toHaveLength(2);
  });

  it("rejects a reminder without a timestamp source", () => {
    expect(reasonsFor("Remind me tomorrow to buy milk", ["add_reminder"])[0]).toMatch(
      /add_reminder \(step 1\) needs a timestamp, but nothing before it provides one: start from get_current_timestamp/,
    );
  });

  it("rejects a contact the address book does not have", () => {
    expect(reasonsFor("Delete Bart from my contacts", ["search_contacts", "remove_contact"])[0]).toMatch(
      /names none of the people in the address book \(Fredrik Thordendal, John Petrucci, Homer S\)/,
    );
  });

  it("rejects a reminder that does not exist", () => {
    expect(reasonsFor("Delete my dentist reminder", ["search_reminder", "remove_reminder"])[0]).toMatch(
      /names none of the stored ones/,
    );
  });

  it("rejects acting on contacts when the address book is empty", () => {
    const empty = createExecutionContext();
    expect(reasonsFor("Remove Fredrik", ["search_contacts", "remove_contact"], empty)[0]).toMatch(
      /holds nobody besides the user/,
    );
  });

  it("rejects texting when no contact is marked as the user", () => {
    const context = createSampleExecutionContext();
    context.databases.CONTACT = context.databases.CONTACT.filter((contact) => !contact.is_self);
    expect(reasonsFor("Text +14155550100 hi", ["send_message_with_phone_number"], context)[0]).toMatch(
      /needs exactly one contact marked as the user, but the address book has 0/,
    );
  });

  it("rejects reading the location with location service off", () => {
    const context = createSampleExecutionContext({ variant: "base_location_service_off" });
    expect(reasonsFor("Where am I?", ["get_current_location"], context)[0]).toMatch(/needs location service/);
  });

  it("rejects a tool ToolSandbox does not have", () => {
    expect(reasonsFor("Order a pizza", ["order_pizza"])).toStrictEqual([
      "order_pizza (step 1) is not a ToolSandbox tool.",
    ]);
  });
});
