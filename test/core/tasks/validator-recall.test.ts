import { describe, expect, it } from "vitest";
import { createSampleExecutionContext } from "../../../core/tasks/execution-context.ts";
import { deriveExpectedCalls } from "../../../core/tasks/expected-calls.ts";
import { simulateTrajectory } from "../../../core/tasks/simulate-trajectory.ts";
import { pickReminder } from "../../../core/tasks/task-text.ts";

// Feasible requests the validator used to reject, one class per block, written in our own words against the
// upstream sample state (reminders: "Look for Company SF tickets" due yesterday, "Buy tickets for Merrily next week"
// due a minute ago, "Buy a nice rich navy bathing dress" due in an hour; Fredrik and John are friends).

const state = createSampleExecutionContext();
const accepts = (description: string, trajectory: string[]) => {
  const simulation = simulateTrajectory(description, trajectory, state);
  expect(simulation.reasons).toStrictEqual([]);
  return simulation;
};

describe("reminders picked by time", () => {
  it.each([
    [
      "Push my upcoming reminder back a day",
      ["get_current_timestamp", "search_reminder", "shift_timestamp", "modify_reminder"],
    ],
    ["Drop the next reminder on my list", ["get_current_timestamp", "search_reminder", "remove_reminder"]],
    ["Delete the most recent reminder I made", ["search_reminder", "remove_reminder"]],
    ["Which reminder is due next? Remove it.", ["get_current_timestamp", "search_reminder", "remove_reminder"]],
  ])("accepts %s", (description, trajectory) => {
    accepts(description, trajectory);
  });

  it("targets the reminder due soonest, never one whose title happens to contain the time word", () => {
    const upcoming = pickReminder("Get rid of my next reminder", state.databases.REMINDER, state.now);
    expect(upcoming?.content).toBe("Buy a nice rich navy bathing dress");
    const latest = pickReminder("Delete the most recent reminder I made", state.databases.REMINDER, state.now);
    expect(latest?.content).toBe("Buy a nice rich navy bathing dress");
  });

  it("still rejects a reminder the task names by content when none matches", () => {
    const simulation = simulateTrajectory("Delete my dentist reminder", ["search_reminder", "remove_reminder"], state);
    expect(simulation.reasons[0]).toMatch(/names none of the stored ones by content or by time/);
  });
});

describe("contacts given by a plural relationship", () => {
  it("accepts a message to all my friends and addresses each friend", () => {
    const description = 'Text all my friends "Party at 8"';
    const trajectory = ["search_contacts", "send_message_with_phone_number", "send_message_with_phone_number"];
    const simulation = accepts(description, trajectory);
    const calls = deriveExpectedCalls(description, simulation, state);
    expect(calls[0]?.arguments).toStrictEqual({ relationship: "friend" });
    expect(calls.slice(1).map((call) => call.arguments.phone_number)).toStrictEqual([
      { $result_of: 0, path: [0, "phone_number"] },
      { $result_of: 0, path: [1, "phone_number"] },
    ]);
  });

  it("accepts changing everyone with a relationship at once", () => {
    accepts("Make all my friends coworkers", ["search_contacts", "modify_contact", "modify_contact"]);
  });
});

describe("coordinates written with labels", () => {
  it.each([
    ["What's the address at lattitude: 37.33, longitude: -122.03?", ["search_lat_lon"]],
    ["How far is latitude 37.33 longitude -122.03 from here?", ["get_current_location", "calculate_lat_lon_distance"]],
    ["Weather for lat: 48.85, lon: 2.35 tomorrow", ["search_weather_around_lat_lon"]],
  ])("accepts %s", (description, trajectory) => {
    accepts(description, trajectory);
  });
});

describe("independent calls in any order the data allows", () => {
  it.each([[["search_contacts", "search_messages"]], [["search_messages", "search_contacts"]]])(
    "accepts reading Homer's messages and looking him up as %j",
    (trajectory) => {
      accepts("Show me what Homer S texted me and his contact card", trajectory);
    },
  );

  it("accepts a lookup before or after an unrelated clock read", () => {
    accepts("What's today's date, and what's John's number?", ["search_contacts", "get_current_timestamp"]);
    accepts("What's today's date, and what's John's number?", ["get_current_timestamp", "search_contacts"]);
  });
});

describe("a contact found through their messages", () => {
  it.each([
    "Change the number of whoever I texted last to +14155550111",
    "The person I most recently messaged has a new number, +14155550111; update it",
    "Who did I talk to last? Their number is now +14155550111.",
  ])("accepts %s when a message search comes before the change", (description) => {
    accepts(description, ["get_current_timestamp", "search_messages", "search_contacts", "modify_contact"]);
    accepts(description, ["get_current_timestamp", "search_contacts", "search_messages", "modify_contact"]);
  });

  it("still rejects the change when nothing searched the messages", () => {
    const simulation = simulateTrajectory(
      "Change the number of whoever I texted last to +14155550111",
      ["search_contacts", "modify_contact"],
      state,
    );
    expect(simulation.reasons[0]).toMatch(/names none of the people/);
  });
});

describe("a contact given by an indefinite relationship", () => {
  it("accepts texting 'a friend' (the user says which one when asked)", () => {
    accepts('Share where I am with a friend: "I am here"', [
      "get_current_location",
      "search_contacts",
      "send_message_with_phone_number",
    ]);
  });

  it("still rejects a relationship nobody in the address book has", () => {
    const simulation = simulateTrajectory(
      'Text a cousin "see you soon"',
      ["search_contacts", "send_message_with_phone_number"],
      state,
    );
    expect(simulation.reasons[0]).toMatch(/names none of the people/);
  });
});
