/**
 * The best balanced accuracy a decision stump (one threshold on one scalar, either direction) reaches telling
 * `positives` from `negatives`: 0.5 means the feature carries no signal, 1 that one rule separates them. It is
 * 0.5 plus half the two-sample Kolmogorov–Smirnov statistic, so its chance level shrinks with the sample sizes.
 */
export function stumpAccuracy(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) throw new RangeError("stumpAccuracy needs two samples");
  const a = [...positives].sort((x, y) => x - y);
  const b = [...negatives].sort((x, y) => x - y);
  let i = 0;
  let j = 0;
  let best = 0;
  while (i < a.length || j < b.length) {
    const next = Math.min(a[i] ?? Number.POSITIVE_INFINITY, b[j] ?? Number.POSITIVE_INFINITY);
    while (i < a.length && a[i] === next) i++;
    while (j < b.length && b[j] === next) j++;
    best = Math.max(best, Math.abs(i / a.length - j / b.length));
  }
  return 0.5 + best / 2;
}

/**
 * The stump accuracy two samples of these sizes exceed by chance about once in a thousand when they come from one
 * distribution (the KS critical value at α = 0.001, c = 1.95, so a test keyed on it does not flake). A test that makes
 * `comparisons` such checks at once gets the Bonferroni-corrected value (α / comparisons for each), so the test as a
 * whole still flakes about once in a thousand.
 */
export function chanceStumpAccuracy(positives: number, negatives: number, comparisons = 1): number {
  const c = comparisons === 1 ? 1.95 : Math.sqrt(-Math.log(0.001 / comparisons / 2) / 2);
  return 0.5 + (c * Math.sqrt((positives + negatives) / (positives * negatives))) / 2;
}
