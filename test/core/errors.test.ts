import { describe, expect, it } from "vitest";
import { ConfigError, formatIssues, issuesFromZod } from "../../core/errors.ts";

describe("ConfigError", () => {
  const issues = [
    { path: "a.b", message: "must be positive", value: -1 },
    { path: "c", message: "unknown key" },
  ];

  it("appends every issue to a headline when asked, and says so", () => {
    const error = new ConfigError("Invalid thing", issues, { listIssues: true });
    expect(error.message).toBe(`Invalid thing (2 problems):\n${formatIssues(issues)}`);
    expect(error.listsIssues).toBe(true);
    expect(error.issues).toStrictEqual(issues);
    expect(error.details).toStrictEqual(issues);
  });

  it("keeps a full-sentence message as it is, with the issues structured beside it", () => {
    const error = new ConfigError("The key is missing. Set X.", issues.slice(0, 1));
    expect(error.message).toBe("The key is missing. Set X.");
    expect(error.listsIssues).toBe(false);
    expect(error.code).toBe("config_invalid");
  });
});

describe("issuesFromZod", () => {
  it("joins the path and looks up the offending value in the input", () => {
    const input = { spec: { total: -3 } };
    expect(issuesFromZod([{ path: ["spec", "total"], message: "too small" }], input)).toStrictEqual([
      { path: "spec.total", message: "too small", value: -3 },
    ]);
    expect(issuesFromZod([{ path: [], message: "bad" }], "oops")).toStrictEqual([
      { path: "(root)", message: "bad", value: "oops" },
    ]);
  });
});
