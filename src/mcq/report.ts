import type { McqGroupStats, McqModelResult, McqResult } from '../schema/index.ts';
import { mdText } from '../report/escape-md.ts';

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : (x * 100).toFixed(2));
/** Model names and group labels are data: written as inert Markdown text. */
const cell = mdText;

function withCi(g: McqGroupStats): string {
  return g.ci_low === null || g.ci_high === null ? pct(g.accuracy) : `${pct(g.accuracy)} [${pct(g.ci_low)}, ${pct(g.ci_high)}]`;
}

function table(header: string[], align: ('l' | 'r')[], rows: string[][]): string {
  const lines = [`| ${header.map(cell).join(' | ')} |`, `| ${align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

function keysOf(models: McqModelResult[], pick: (m: McqModelResult) => Record<string, unknown>): string[] {
  const seen = new Set<string>();
  for (const m of models) for (const k of Object.keys(pick(m))) seen.add(k);
  return [...seen];
}

/** Groups as rows, models as columns, with the group's item count. */
function groupTable(title: string, names: string[], models: McqModelResult[], pick: (m: McqModelResult) => Record<string, McqGroupStats>): string {
  const keys = keysOf(models, pick);
  if (keys.length === 0) return '';
  const rows = keys.map((k) => {
    const n = Math.max(0, ...models.map((m) => pick(m)[k]?.n ?? 0));
    return [cell(k), String(n), ...models.map((m) => pct(pick(m)[k]?.accuracy))];
  });
  return `### Accuracy by ${title} (%)\n\n${table([title[0]!.toUpperCase() + title.slice(1), 'n', ...names], ['l', 'r', ...names.map(() => 'r' as const)], rows)}\n`;
}

/**
 * The MCQ section of a run report (Markdown): per-model accuracy with its interval, answered-only
 * accuracy and invalid rate; a models × tasks table laid out like the Med-CMR main table; the same
 * by organ system and by modality (groups as rows); how many answers each extraction rule read; and
 * how many records failed, per failure kind.
 */
export function renderMcqMarkdown(result: McqResult): string {
  const names = Object.keys(result.models);
  const models = names.map((n) => result.models[n]!);
  const level = Math.round(result.level * 100);
  const out: string[] = ['## MCQ accuracy', ''];
  out.push(
    `Micro-averaged over ${result.n_items} items; invalid and missing answers count as wrong (the Med-CMR convention), ` +
      `"answered" accuracy leaves them out. ${result.resamples > 0 ? `${level}% percentile bootstrap intervals over items (${result.resamples} resamples, seed ${result.seed})` : 'No intervals (0 resamples)'}. ` +
      `Answers read by extractor \`${result.extractor_version}\`.`,
    '',
  );
  if (names.length === 0) {
    out.push('No MCQ records.', '');
    return out.join('\n');
  }
  out.push(
    table(
      ['Model', `Accuracy % [${level}% CI]`, 'Answered acc. %', 'Invalid %', 'Missing %', 'n'],
      ['l', 'r', 'r', 'r', 'r', 'r'],
      names.map((name, i) => {
        const m = models[i]!;
        return [cell(name), withCi(m), pct(m.accuracy_valid), pct(m.invalid_rate), pct(m.missing_rate), String(m.n)];
      }),
    ),
    '',
  );
  const tasks = keysOf(models, (m) => m.by_task);
  if (tasks.length > 0) {
    out.push(
      '### Accuracy by task (%)',
      '',
      table(
        ['Model', ...tasks, 'All'],
        ['l', ...tasks.map(() => 'r' as const), 'r'],
        names.map((name, i) => [cell(name), ...tasks.map((t) => pct(models[i]!.by_task[t]?.accuracy)), pct(models[i]!.accuracy)]),
      ),
      '',
    );
  }
  const organ = groupTable('organ system', names, models, (m) => m.by_organ_system);
  if (organ) out.push(organ);
  const modality = groupTable('modality', names, models, (m) => m.by_modality);
  if (modality) out.push(modality);
  const rules = keysOf(models, (m) => m.by_rule);
  out.push(
    '### How the answers were read',
    '',
    'Records per extraction rule (`ambiguous`, `no_answer`, `empty`, `not_an_option`, `program`, `unfinished_thinking` are invalid; `missing` means no response; `before_follow_up/…` marks an answer read before a follow-up question the model invented; `llm` is a letter read by the LLM second reader, `llm_none`, `llm_ambiguous`, `llm_unreadable` its failures).',
    '',
    table(['Rule', ...names], ['l', ...names.map(() => 'r' as const)], rules.map((r) => [cell(r), ...models.map((m) => String(m.by_rule[r] ?? 0))])),
    '',
  );
  const sr = result.second_reader;
  if (sr) {
    const statuses = Object.entries(sr.statuses).map(([k, v]) => `${cell(k)}=${v}`).join(', ') || 'none';
    out.push(
      '### Second reader (LLM)',
      '',
      `Replies the rules could not read were sent to \`${cell(sr.model)}\` (prompt \`${sr.prompt_version}\`): ${sr.sent} sent, calls ${statuses}; ${sr.cached} from the cache, ${sr.requests} request(s), $${sr.cost_usd.toFixed(4)}. ` +
        'It answers one option letter, `none` or `ambiguous`; anything else, or a letter the item lacks, is `llm_unreadable`. Accuracy with the rules alone counts every LLM-read record as the invalid answer it was.',
      '',
      table(
        ['Model', 'Accuracy %', 'Rules only %', 'Read by rules', 'Read by LLM', 'LLM-read correct'],
        ['l', 'r', 'r', 'r', 'r', 'r'],
        names.map((name, i) => {
          const m = models[i]!;
          const b = m.by_extractor;
          return [cell(name), pct(m.accuracy), pct(m.accuracy_rules_only), String(b?.rules.records ?? 0), String(b?.llm.records ?? 0), String(b?.llm.correct ?? 0)];
        }),
      ),
      '',
    );
  }
  const kinds = keysOf(models, (m) => m.by_failure ?? {});
  if (kinds.length > 0) {
    out.push(
      '### Answers not scored, by kind',
      '',
      'Records counted as wrong under the Med-CMR convention, by why no answer was read.',
      '',
      table(['Kind', ...names], ['l', ...names.map(() => 'r' as const)], kinds.map((k) => [cell(k), ...models.map((m) => String(m.by_failure?.[k] ?? 0))])),
      '',
    );
  }
  return out.join('\n');
}
