import { describe, expect, it } from "vitest";
import { getTool } from "../../../core/tasks/catalog.ts";
import { formatToolDoc, formatToolDocs } from "../../../core/tasks/tool-docs.ts";

describe("formatToolDoc", () => {
  it("marks optional arguments and says what the tool needs", () => {
    expect(formatToolDoc(getTool("send_message_with_phone_number"))).toMatchInlineSnapshot(`
      "Tool Name: send_message_with_phone_number
      Description: Sends a text message from the phone owner to the given phone number and returns the new message_id.
      Arguments:
      	phone_number (string): Recipient phone number in international form.
      	content (string): Text of the message.
      Returns: message_id of the sent message
      Requires: cellular service on; exactly one contact marked as the user (is_self)"
    `);
    const modify = formatToolDoc(getTool("modify_contact"));
    expect(modify).toContain("\tname (string) [optional]:");
    expect(modify).toContain("Requires: a person_id from search_contacts or add_contact");
  });

  it("writes Arguments: None and the conditional location need when they apply", () => {
    expect(formatToolDoc(getTool("get_wifi_status"))).toContain("Arguments: None");
    expect(formatToolDoc(getTool("search_weather_around_lat_lon"))).toContain(
      "Requires: wifi on; location service on when latitude/longitude are omitted",
    );
    expect(formatToolDoc(getTool("set_wifi_status"))).toContain("low battery mode off to switch the service on");
    expect(formatToolDoc(getTool("set_low_battery_mode_status"))).toContain(
      "Note: turning it on switches wifi, cellular and location service off",
    );
  });

  it("separates tools with a blank line", () => {
    const docs = formatToolDocs([getTool("get_wifi_status"), getTool("get_current_timestamp")]);
    expect(docs.split("\n\n")).toHaveLength(2);
  });
});
