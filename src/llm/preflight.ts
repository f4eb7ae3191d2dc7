import { InputError } from '../io/errors.ts';
import type { ApiCallError } from './client.ts';

/** Connection failures that another attempt a second later will not fix. */
const FATAL_CODES: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there (connection refused)',
  ENOTFOUND: 'the host name does not resolve (DNS lookup failed)',
  EAI_AGAIN: 'the host name does not resolve (DNS lookup failed)',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
};

/** Attempts the first call of a stage makes before the stage is declared unreachable. */
export const PREFLIGHT_ATTEMPTS = 3;
/** Backoff ceiling between preflight attempts: the whole preflight stays within seconds. */
export const PREFLIGHT_BACKOFF = { base_ms: 250, max_ms: 1000, max_retry_after_ms: 2000 };

/**
 * Why an endpoint cannot serve a stage at all, from the first call's error, or null when the error
 * may be particular to that unit or transient. Authentication (401, 403) and not-found (404: an
 * unknown model or a wrong base URL) are never retried; connection failures are fatal once the
 * preflight's few attempts are spent.
 */
export function fatalCause(e: ApiCallError, attemptsSpent: boolean): string | null {
  if (e.status === 401) return `the API key was rejected (${e.message}); check the variable named by api_key_env`;
  if (e.status === 403) return 'access is forbidden (HTTP 403) for this key or model';
  if (e.status === 404) return 'the model or the route does not exist there (HTTP 404); check the model name and the base URL (it usually ends in /v1)';
  if (e.status === undefined && !e.aborted && e.code !== undefined) {
    // Refused or unresolvable: fatal once the preflight's attempts are spent. A reset or a timeout
    // means something answered, and follows the ordinary retry policy.
    const known = FATAL_CODES[e.code];
    if (known && attemptsSpent) return known;
  }
  return null;
}

/** Whether an error is one the preflight gives only PREFLIGHT_ATTEMPTS attempts. */
export function isUnreachable(e: ApiCallError): boolean {
  return e.status === undefined && e.code !== undefined && FATAL_CODES[e.code] !== undefined;
}

/** The one-sentence error that stops a stage before it fans out. */
export class EndpointUnreachable extends InputError {
  constructor(baseUrl: string, model: string, cause: string) {
    super(`the endpoint ${baseUrl} (model "${model}") cannot be used: ${cause}. Nothing else was sent.`);
    this.name = 'EndpointUnreachable';
  }
}
