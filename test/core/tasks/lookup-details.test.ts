import { describe, expect, it } from "vitest";
import { findLookupDetails } from "../../../core/tasks/lookup-details.ts";
import { findWithholdableDetails } from "../../../core/tasks/multiple-user-turn.ts";
import { validated } from "./scenario-helpers.ts";

// Lookups and settings changes can take a multiple-user-turn form too: the user holds back which place, company,
// date, amount, setting or how far ahead, and the first message says plainly that something is still to come.

const only = (description: string, tools: string[]) => findLookupDetails(description, tools, ["Fredrik Thordendal"]);

describe("findLookupDetails", () => {
  it.each([
    [
      "What's the weather like in Paris tomorrow?",
      ["search_location_around_lat_lon", "search_weather_around_lat_lon"],
      { kind: "place", text: "Paris", request: "What's the weather like in the city I'm headed to tomorrow?" },
    ],
    [
      "Look up the address for the coordinates 40.7128, -74.006.",
      ["search_lat_lon"],
      { kind: "place", text: "40.7128, -74.006", request: "Look up the address for a spot I have the coordinates of." },
    ],
    [
      "Where's the nearest pharmacy?",
      ["search_location_around_lat_lon"],
      { kind: "place", text: "pharmacy", request: "Where's the nearest place?" },
    ],
    [
      "How is Nvidia stock doing today?",
      ["search_stock"],
      { kind: "company", text: "Nvidia", request: "How is the stock I'm watching doing today?" },
    ],
    [
      "What is one Tesla share worth in euros?",
      ["search_stock", "convert_currency"],
      { kind: "company", text: "Tesla", request: "What is one share of the stock I'm watching worth in euros?" },
    ],
    [
      "What day of the week is March 4, 2028?",
      ["datetime_info_to_timestamp", "timestamp_to_datetime_info"],
      { kind: "date", text: "March 4, 2028", request: "What day of the week is a date I have in mind?" },
    ],
    [
      "How many days until Labor Day?",
      ["get_current_timestamp", "search_holiday", "timestamp_diff"],
      { kind: "date", text: "Labor Day", request: "How many days until a holiday I'm thinking of?" },
    ],
    [
      "Convert 120 Swiss francs to yen.",
      ["convert_currency"],
      { kind: "amount", text: "120", request: "Convert a certain number of Swiss francs to yen." },
    ],
    [
      "Switch wifi off please.",
      ["set_wifi_status"],
      { kind: "setting", text: "wifi", request: "Switch a setting off please." },
    ],
    [
      "What will the date be 12 days from now?",
      ["get_current_timestamp", "shift_timestamp", "timestamp_to_datetime_info"],
      { kind: "relative_time", text: "12 days", request: "What will the date be a number of days from now?" },
    ],
  ])("holds back the detail of %s", (description, tools, detail) => {
    expect(only(description, tools)).toStrictEqual([detail]);
  });

  it("offers nothing when the text names two of a kind, since the agent could not tell which one is missing", () => {
    expect(only("Compare the share prices of Apple and Tesla.", ["search_stock"])).toStrictEqual([]);
    expect(
      only("Turn off wifi and location services.", ["set_wifi_status", "set_location_service_status"]),
    ).toStrictEqual([]);
    expect(
      only("How many days are there between May 1, 2028 and June 2, 2028?", [
        "datetime_info_to_timestamp",
        "datetime_info_to_timestamp",
        "timestamp_diff",
      ]),
    ).toStrictEqual([]);
  });

  it("offers a detail only for the tool that takes it", () => {
    expect(only("What's the weather like in Paris tomorrow?", ["search_lat_lon"])).toStrictEqual([]);
    expect(only("Convert 120 Swiss francs to yen.", ["search_stock"])).toStrictEqual([]);
  });

  it("never takes a contact's name for a city or a company", () => {
    expect(only("What's the weather like for Fredrik tomorrow?", ["search_location_around_lat_lon"])).toStrictEqual([]);
    expect(only("How is Fredrik stock doing?", ["search_stock"])).toStrictEqual([]);
  });
});

describe("findWithholdableDetails on lookups and renames", () => {
  it("offers the new title of a renamed reminder while the reminder to change stays named", () => {
    const { task, context } = validated(
      'Rename the "Look for Company SF tickets" reminder to "Call the bank".',
      ["search_reminder", "modify_reminder"],
      ["reminder"],
    );
    expect(findWithholdableDetails(task, context)).toContainEqual({
      kind: "reminder_title",
      text: "Call the bank",
      request: 'Rename the "Look for Company SF tickets" reminder to something else.',
    });
  });

  it("offers the setting of a settings change", () => {
    const { task, context } = validated("Turn off cellular service.", ["set_cellular_service_status"], ["setting"]);
    expect(findWithholdableDetails(task, context)).toStrictEqual([
      { kind: "setting", text: "cellular service", request: "Turn off a setting." },
    ]);
  });
});

describe("a withheld phone number keeps the sentence whole", () => {
  it.each([
    ['Did +14155550199 text me? Reply "hi" to them.', 'Did someone text me? Reply "hi" to them.'],
    ['Check what +14155550199 sent me and answer "hi".', 'Check what someone sent me and answer "hi".'],
  ])("puts someone in the sender's place: %s", (description, request) => {
    const { task, context } = validated(
      description,
      ["search_messages", "send_message_with_phone_number"],
      ["messaging"],
    );
    expect(findWithholdableDetails(task, context)).toContainEqual({
      kind: "phone_number",
      text: "+14155550199",
      request,
    });
  });

  it("asks about 'this number' when the number is what the question is about", () => {
    const { task, context } = validated("Who does +12453344098 belong to?", ["search_contacts"], ["contact"]);
    expect(findWithholdableDetails(task, context)).toContainEqual({
      kind: "phone_number",
      text: "+12453344098",
      request: "Who does this number belong to?",
    });
  });
});

describe("a withheld quote keeps the sentence whole", () => {
  it("puts 'a reminder' where the title was the object of the request", () => {
    const { task, context } = validated(
      'Delay "Look for Company SF tickets" by 2 hours.',
      ["search_reminder", "shift_timestamp", "modify_reminder"],
      ["reminder", "utilities"],
    );
    expect(findWithholdableDetails(task, context)).toContainEqual({
      kind: "reminder_title",
      text: "Look for Company SF tickets",
      request: "Delay a reminder by 2 hours.",
    });
  });

  it("puts 'message' after 'a quick' and nothing where the request reads whole", () => {
    const quick = validated(
      'Can you shoot a quick "On my way" over to +14155550199?',
      ["send_message_with_phone_number"],
      ["messaging"],
    );
    expect(findWithholdableDetails(quick.task, quick.context)).toContainEqual({
      kind: "message_text",
      text: "On my way",
      request: "Can you shoot a quick message over to +14155550199?",
    });
    const plain = validated(
      'Cancel the "Look for Company SF tickets" reminder.',
      ["search_reminder", "remove_reminder"],
      ["reminder"],
    );
    expect(findWithholdableDetails(plain.task, plain.context)).toContainEqual({
      kind: "reminder_title",
      text: "Look for Company SF tickets",
      request: "Cancel the reminder.",
    });
  });
});
