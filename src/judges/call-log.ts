import type { ChatMessage } from '../llm/client.ts';
import type { UnitOutcome } from '../llm/engine.ts';
import type { CallLog } from '../schema/records.ts';

/**
 * The messages of a call as the ledger keeps them: text parts as sent, an image as
 * `[image: sha256 …]` (its content address), never its bytes.
 */
export function ledgerMessages(messages: readonly ChatMessage[], imageSha?: string | null): CallLog['messages'] {
  return messages.map((m) => {
    const c = (m as { content?: unknown }).content;
    if (typeof c === 'string') return { role: m.role, content: c };
    const parts = Array.isArray(c) ? c : [];
    const text = parts
      .map((p: { type?: string; text?: string }) => (p.type === 'text' ? (p.text ?? '') : p.type === 'image_url' ? `[image: sha256 ${imageSha ?? 'unknown'}]` : ''))
      .join('\n');
    return { role: m.role, content: text };
  });
}

/** One call's ledger entry from its outcome. */
export function callLog(part: string, messages: CallLog['messages'], o: UnitOutcome<unknown>, templateHash?: string): CallLog {
  return {
    part,
    ...(templateHash ? { template_hash: templateHash } : {}),
    messages,
    raw: o.raw,
    ...(o.reasoning ? { reasoning: o.reasoning } : {}),
    rule: o.method,
    status: o.status,
    ...(o.error ? { error: o.error } : {}),
    repairs: o.repair_history ?? [],
    cached: o.cached,
  };
}
