import type { Item } from '../schema/index.ts';

/** Option letters of the Med-CMR MCQ release (fields `A`–`E`). */
const OPTION_FIELDS = ['A', 'B', 'C', 'D', 'E'] as const;

/**
 * Does this raw record look like a Med-CMR release record (`cmed.copy.*.cleaned.json`)? Those
 * carry `index` and `image_path` and the space-separated `organ system` / `question type`.
 */
export function isMedCmrRecord(raw: Record<string, unknown>): boolean {
  return 'index' in raw && ('organ system' in raw || 'question type' in raw || 'image_path' in raw) && !('id' in raw);
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : String(v);
}

/**
 * Maps a Med-CMR release record to an item, as the release has it: an MCQ when option fields are
 * present (letter in `answer`), otherwise open-ended with `answer` as the reference. Ids follow
 * the `mcq-{index}` / `open-{index}` convention of the independent reproduction (medcmr.md §5.4).
 * Returns an unvalidated object: the caller validates it with the Item schema, so that a bad
 * release record is reported with its file and line.
 */
export function medCmrToItem(raw: Record<string, unknown>): Record<string, unknown> {
  const hasOptions = OPTION_FIELDS.some((k) => k in raw);
  const format: Item['format'] = hasOptions ? 'mcq' : 'open';
  const index = str(raw.index);
  const item: Record<string, unknown> = {
    id: `${format}-${index}`,
    format,
    question: raw.question,
    task: str(raw.task),
    organ_system: str(raw['organ system']),
    modality: str(raw.modality),
    image: str(raw.image_path),
    visual_description: str(raw.visual_description),
    meta: {
      source: 'med-cmr',
      index: raw.index,
      subtype: raw.subtype,
      question_type: raw['question type'],
    },
  };
  if (format === 'mcq') {
    const options: Record<string, unknown> = {};
    for (const k of OPTION_FIELDS) {
      const v = raw[k];
      if (v !== undefined && v !== null && String(v).trim() !== '') options[k] = typeof v === 'string' ? v : String(v);
    }
    item.options = options;
    item.answer = typeof raw.answer === 'string' ? raw.answer.trim().toUpperCase() : raw.answer;
  } else {
    item.reference = raw.answer;
  }
  return item;
}
