/**
 * Classification agreement between a judge and a reference (human majority, gold label):
 * accuracy, per-class and macro precision/recall/F1 and the confusion matrix, with scikit-learn's
 * semantics (zero_division=0), and MT-Bench's pairwise agreement with and without ties.
 */

export type Label = string | number;

export interface ClassReport {
  label: Label;
  precision: number;
  recall: number;
  f1: number;
  /** Number of true instances of the label. */
  support: number;
}

export interface ClassificationReport {
  labels: Label[];
  /** Number of (truth, pred) pairs. */
  n: number;
  /** Fraction of pairs with pred == truth, over all pairs (labels outside `labels` included); null when n = 0. */
  accuracy: number | null;
  /** Unweighted means over `labels`; null when `labels` is empty. */
  macro_precision: number | null;
  macro_recall: number | null;
  macro_f1: number | null;
  per_class: ClassReport[];
  /** rows = truth, cols = predicted, in `labels` order; pairs with a label outside `labels` are not counted. */
  confusion: number[][];
}

/**
 * The sorted union of the labels present (sklearn's unique_labels): numbers ascending, strings
 * by code unit. Mixing strings and numbers is a programmer error, as in sklearn.
 */
export function sortedLabels(...arrays: Label[][]): Label[] {
  const set = new Set<Label>();
  for (const a of arrays) for (const v of a) set.add(v);
  const labels = [...set];
  const numeric = labels.filter((l) => typeof l === 'number').length;
  if (numeric !== 0 && numeric !== labels.length) throw new TypeError('labels mix strings and numbers; pass them as one type');
  if (numeric) return (labels as number[]).sort((a, b) => a - b);
  return (labels as string[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function checkLengths(truth: Label[], pred: Label[]): void {
  if (truth.length !== pred.length) throw new RangeError(`truth and pred must have the same length (${truth.length} vs ${pred.length})`);
}

/** Confusion matrix, rows = truth, columns = predicted, in `labels` order (default: sorted union). */
export function confusionMatrix(truth: Label[], pred: Label[], labels?: Label[]): number[][] {
  checkLengths(truth, pred);
  const labs = labels ?? sortedLabels(truth, pred);
  const index = new Map<Label, number>();
  labs.forEach((l, i) => {
    if (index.has(l)) throw new RangeError(`label ${String(l)} is listed twice`);
    index.set(l, i);
  });
  const m = labs.map(() => new Array<number>(labs.length).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const r = index.get(truth[i]!);
    const c = index.get(pred[i]!);
    if (r !== undefined && c !== undefined) m[r]![c]!++;
  }
  return m;
}

/** a / b, or 0 when b = 0 (sklearn's zero_division=0). */
function safeDiv(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/**
 * sklearn's classification_report / precision_recall_fscore_support(average='macro',
 * zero_division=0) over `labels` (default: sorted union of truth and pred). A label with no true
 * and no predicted instance still counts in the macro means, with 0 precision, recall and F1.
 */
export function classificationReport(truth: Label[], pred: Label[], labels?: Label[]): ClassificationReport {
  checkLengths(truth, pred);
  const labs = labels ?? sortedLabels(truth, pred);
  const confusion = confusionMatrix(truth, pred, labs);
  const k = labs.length;
  // sklearn counts true and predicted totals over all pairs with the label, not only the pairs
  // whose other side is in `labels`.
  const truthCount = new Map<Label, number>();
  const predCount = new Map<Label, number>();
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    truthCount.set(truth[i]!, (truthCount.get(truth[i]!) ?? 0) + 1);
    predCount.set(pred[i]!, (predCount.get(pred[i]!) ?? 0) + 1);
    if (truth[i] === pred[i]) correct++;
  }
  const per_class: ClassReport[] = labs.map((label, j) => {
    const tp = confusion[j]![j]!;
    const support = truthCount.get(label) ?? 0;
    const predicted = predCount.get(label) ?? 0;
    const precision = safeDiv(tp, predicted);
    const recall = safeDiv(tp, support);
    // sklearn 1.2: F = (1 + beta^2) P R / (beta^2 P + R), 0 when P + R = 0.
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support };
  });
  const mean = (f: (c: ClassReport) => number): number | null => (k === 0 ? null : per_class.reduce((s, c) => s + f(c), 0) / k);
  return {
    labels: labs,
    n: truth.length,
    accuracy: truth.length === 0 ? null : correct / truth.length,
    macro_precision: mean((c) => c.precision),
    macro_recall: mean((c) => c.recall),
    macro_f1: mean((c) => c.f1),
    per_class,
    confusion,
  };
}

export type PairwiseVote = 'A' | 'B' | 'tie';

export interface MtBenchAgreement {
  /** Fraction of the n_with_ties vote pairs that agree, a tie agreeing with a tie; null if none. */
  with_ties: number | null;
  /** The same over the pairs where neither side is a tie; null if none. */
  without_ties: number | null;
  n_with_ties: number;
  n_without_ties: number;
}

/**
 * MT-Bench-style agreement (Zheng et al. 2023; FastChat llm_judge compute_agreement.py) between
 * two aligned lists of pairwise verdicts on the same comparisons: with ties, every pair counts
 * and a tie matches a tie; without ties, pairs where either side is a tie are dropped.
 */
export function mtBenchAgreement(a: PairwiseVote[], b: PairwiseVote[]): MtBenchAgreement {
  if (a.length !== b.length) throw new RangeError(`vote lists must have the same length (${a.length} vs ${b.length})`);
  let agreeAll = 0;
  let agreeNoTie = 0;
  let nNoTie = 0;
  for (let i = 0; i < a.length; i++) {
    const same = a[i] === b[i];
    if (same) agreeAll++;
    if (a[i] !== 'tie' && b[i] !== 'tie') {
      nNoTie++;
      if (same) agreeNoTie++;
    }
  }
  const n = a.length;
  return {
    with_ties: n === 0 ? null : agreeAll / n,
    without_ties: nNoTie === 0 ? null : agreeNoTie / nNoTie,
    n_with_ties: n,
    n_without_ties: nNoTie,
  };
}
