import { describe, expect, it } from "vitest";
import { createProgress, formatDuration } from "../../cli/progress.ts";

describe("createProgress", () => {
  it("draws rate and ETA on a terminal, then the time taken", () => {
    let output = "";
    let clock = 0;
    const progress = createProgress(
      { isTTY: true, columns: 100, write: (text: string) => (output += text) },
      1000,
      "trajectories",
      () => clock,
    );
    clock = 1000;
    progress.update(250);
    expect(output).toContain(" 25% 250/1,000 trajectories, 250/s, ETA 0:03");
    clock = 4000;
    progress.update(1000);
    progress.finish();
    expect(output.endsWith("\n")).toBe(true);
    expect(output).toContain("100% 1,000/1,000 trajectories, 250/s, took 0:04");
  });

  it("stays silent when the stream is not a terminal", () => {
    let output = "";
    const progress = createProgress({ write: (text: string) => (output += text) }, 10, "x");
    progress.update(5);
    progress.finish();
    expect(output).toBe("");
  });

  it("fits the terminal width", () => {
    let output = "";
    const progress = createProgress(
      { isTTY: true, columns: 40, write: (text: string) => (output += text) },
      10,
      "x",
      () => 0,
    );
    progress.finish();
    const line = output.replace("\r", "").replace("\u001b[K", "").replace("\n", "");
    expect(line.length).toBeLessThanOrEqual(39);
  });
});

describe("formatDuration", () => {
  it("shows minutes and seconds, and hours when needed", () => {
    expect(formatDuration(5)).toBe("0:05");
    expect(formatDuration(125)).toBe("2:05");
    expect(formatDuration(3725)).toBe("1:02:05");
  });
});
