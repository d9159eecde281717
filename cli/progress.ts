/** A one-line progress bar with rate and ETA for a terminal; silent when the stream is not a TTY. */
export interface Progress {
  update(done: number): void;
  finish(): void;
}

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Redraw at most this often, so a fast loop does not spend its time painting. */
const REDRAW_MS = 100;

export function createProgress(
  stream: ProgressStream,
  total: number,
  unit: string,
  now: () => number = () => performance.now(),
): Progress {
  if (!stream.isTTY) return { update() {}, finish() {} };
  const started = now();
  let lastDraw = -Infinity;
  let last = 0;
  const draw = (done: number, final: boolean) => {
    const elapsed = (now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const eta = rate > 0 && !final ? formatDuration((total - done) / rate) : final ? formatDuration(elapsed) : "--:--";
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    const line = `${bar} ${(fraction * 100).toFixed(0).padStart(3)}% ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} ${unit}, ${formatRate(rate)}/s, ${final ? "took" : "ETA"} ${eta}`;
    stream.write(`\r${line.slice(0, (stream.columns ?? 120) - 1)}\u001b[K${final ? "\n" : ""}`);
  };
  return {
    update(done) {
      last = done;
      const t = now();
      if (t - lastDraw < REDRAW_MS) return;
      lastDraw = t;
      draw(done, false);
    },
    finish() {
      draw(last, true);
    },
  };
}

function formatRate(rate: number): string {
  return rate >= 1000 ? `${(rate / 1000).toFixed(1)}k` : rate.toFixed(0);
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}
