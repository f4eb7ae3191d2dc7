/**
 * Who labels what, in which order: built once from the plan's seed, so a restarted server makes
 * the same assignment. Guarantees, by construction:
 * - every unit gets its raters (`per_unit` on the overlapping share of units, one on the rest) and
 *   no rater is given a unit twice (a unit's raters are distinct);
 * - the load is balanced: each unit goes to the raters with the fewest units so far;
 * - pairwise answer order is balanced per rater: of a rater's units, the number shown with the
 *   first model in slot A and the number shown with it in slot B differ by at most one, and where
 *   several raters see one unit their orders alternate as far as that balance allows.
 * Unit ids are keyed with the plan's secret, so they name no model.
 */
import { createHmac } from 'node:crypto';
import { Rng } from '../stats/random.ts';
import type { Item } from '../schema/item.ts';
import type { Response } from '../schema/response.ts';
import type { AnnotationPlan } from './plan.ts';

export interface Unit {
  /** Opaque id shown to raters. */
  id: string;
  item_id: string;
  /** Pairwise: the pair in canonical (sorted) order. Rubric: `model_a` is the rated model. */
  model_a: string;
  model_b?: string;
  /** A repeat: the id of the rater's unit shown again (same item and models, a rater of its own). */
  repeat_of?: string;
}

export interface Assignment {
  unit: string;
  /** Pairwise: true when slot A shows `model_b`. */
  flipped: boolean;
}

function shuffle<T>(xs: T[], rng: Rng): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

export function unitId(secret: string, parts: string[]): string {
  return 'u' + createHmac('sha256', secret).update(parts.join('\u0000')).digest('hex').slice(0, 16);
}

/**
 * The units of a plan: item × model (rubric) or item × pair of models (pairwise), in item order.
 * `judged` (item → the models a judge stage rated ok on it) keeps only the units that judge rated:
 * a rubric unit whose model it rated, a pair both of whose models it rated on that item.
 */
export function buildUnits(plan: AnnotationPlan, items: Map<string, Item>, responses: Response[], secret: string, judged?: Map<string, Set<string>>): Unit[] {
  const byItem = new Map<string, Set<string>>();
  const allowed = plan.models ? new Set(plan.models) : undefined;
  for (const r of responses) {
    if (allowed && !allowed.has(r.model)) continue;
    if (!items.has(r.item_id)) continue;
    if (judged && !judged.get(r.item_id)?.has(r.model)) continue;
    let s = byItem.get(r.item_id);
    if (!s) byItem.set(r.item_id, (s = new Set()));
    s.add(r.model);
  }
  const units: Unit[] = [];
  for (const id of items.keys()) {
    const models = [...(byItem.get(id) ?? [])].sort();
    if (plan.task === 'rubric') {
      for (const m of models) units.push({ id: unitId(secret, [id, m]), item_id: id, model_a: m });
    } else {
      for (let i = 0; i < models.length; i++) {
        for (let j = i + 1; j < models.length; j++) {
          units.push({ id: unitId(secret, [id, models[i]!, models[j]!]), item_id: id, model_a: models[i]!, model_b: models[j]! });
        }
      }
    }
  }
  if (plan.sample !== undefined && plan.sample < units.length) {
    const rng = new Rng(plan.seed ^ 0x5a5a5a5a);
    const keep = new Set(shuffle(units.map((_, i) => i), rng).slice(0, plan.sample));
    return units.filter((_, i) => keep.has(i));
  }
  return units;
}

/** Each rater's units, in the order they are shown. */
export function assignUnits(plan: AnnotationPlan, units: Unit[]): Map<string, Assignment[]> {
  const rng = new Rng(plan.seed);
  const load = new Map(plan.raters.map((r) => [r, 0]));
  const order = shuffle(units.map((_, i) => i), rng);
  const nOverlap = Math.round(plan.overlap * units.length);
  const ratersOf: string[][] = new Array(units.length);
  order.forEach((ui, k) => {
    const want = k < nOverlap ? plan.per_unit : 1;
    // fewest units first; ties broken at random, so the same raters are not always paired
    const tie = new Map(plan.raters.map((r) => [r, rng.next()]));
    const chosen = [...plan.raters].sort((a, b) => load.get(a)! - load.get(b)! || tie.get(a)! - tie.get(b)!).slice(0, want);
    for (const r of chosen) load.set(r, load.get(r)! + 1);
    ratersOf[ui] = chosen;
  });
  const perRater = new Map<string, number[]>(plan.raters.map((r) => [r, []]));
  for (const ui of order) for (const r of ratersOf[ui]!) perRater.get(r)!.push(ui);
  // Orders: per rater a balanced budget of flips; each unit takes the orientation least used by its
  // earlier raters while that rater's budget allows.
  const flipsOfUnit = new Map<number, { flipped: number; straight: number }>();
  const out = new Map<string, Assignment[]>();
  for (const r of shuffle([...plan.raters], rng)) {
    const mine = shuffle(perRater.get(r)!, rng);
    let budgetFlip = Math.floor(mine.length / 2) + (mine.length % 2 === 1 && rng.int(2) === 1 ? 1 : 0);
    let budgetStraight = mine.length - budgetFlip;
    const list: Assignment[] = [];
    for (const ui of mine) {
      const seen = flipsOfUnit.get(ui) ?? { flipped: 0, straight: 0 };
      let flipped: boolean;
      if (plan.task === 'rubric') flipped = false;
      else if (budgetFlip === 0) flipped = false;
      else if (budgetStraight === 0) flipped = true;
      else if (seen.flipped !== seen.straight) flipped = seen.flipped < seen.straight;
      else flipped = rng.int(2) === 1;
      if (plan.task !== 'rubric') {
        if (flipped) budgetFlip--;
        else budgetStraight--;
      }
      if (flipped) seen.flipped++;
      else seen.straight++;
      flipsOfUnit.set(ui, seen);
      list.push({ unit: units[ui]!.id, flipped });
    }
    out.set(r, list);
  }
  return new Map(plan.raters.map((r) => [r, out.get(r)!]));
}

/**
 * Adds `plan.repeat` repeats per rater: units the rater already has, shown again later (in the
 * second half of what follows the original, so not straight after it) under an id of their own,
 * so that the no-twice rule still holds for ordinary units. A pairwise repeat shows the pair in
 * the order opposite to the original, so answering by position reads as inconsistency.
 */
export function addRepeats(plan: AnnotationPlan, units: Unit[], assignments: Map<string, Assignment[]>, secret: string): { units: Unit[]; assignments: Map<string, Assignment[]> } {
  if (plan.repeat === 0) return { units, assignments };
  const rng = new Rng(plan.seed ^ 0x3c3c3c3c);
  const byId = new Map(units.map((u) => [u.id, u]));
  const extra: Unit[] = [];
  const out = new Map<string, Assignment[]>();
  for (const [rater, list] of assignments) {
    const n = list.length;
    const picks = shuffle(list.map((_, i) => i), rng).slice(0, Math.min(plan.repeat, n));
    // insert after position `pos` of the original list; several at one position keep pick order
    const inserts = new Map<number, Assignment[]>();
    for (const i of picks) {
      const a = list[i]!;
      const u = byId.get(a.unit)!;
      const rest = n - 1 - i;
      const pos = i + Math.floor(rest / 2) + rng.int(rest - Math.floor(rest / 2) + 1);
      const id = unitId(secret, ['repeat', rater, u.id]);
      extra.push({ ...u, id, repeat_of: u.id });
      const at = inserts.get(pos) ?? [];
      at.push({ unit: id, flipped: plan.task === 'pairwise' ? !a.flipped : false });
      inserts.set(pos, at);
    }
    const mine: Assignment[] = [];
    list.forEach((a, i) => mine.push(a, ...(inserts.get(i) ?? [])));
    out.set(rater, mine);
  }
  return { units: [...units, ...extra], assignments: out };
}
