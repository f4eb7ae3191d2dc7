import { afterAll, beforeAll, beforeEach } from 'vitest';
import { OpenAIServer, type ServerOptions } from './openai-server.ts';

/**
 * One local server for a test file: started before its tests, closed after them, and back to its
 * starting state (`fresh()`) before each test (a file's own beforeEach, registered after this call,
 * then sets what its tests share). The returned object stands for the server once it has started.
 */
export function useOpenAIServer(opts: ServerOptions = {}): OpenAIServer {
  let server: OpenAIServer | undefined;
  beforeAll(async () => {
    server = await OpenAIServer.start(opts);
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(() => server!.fresh());
  return new Proxy({} as OpenAIServer, {
    get(_t, key) {
      if (!server) throw new Error('the test server is used before it started (inside beforeAll of the same file, register useOpenAIServer first)');
      const v = Reflect.get(server, key, server) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(server) : v;
    },
    set(_t, key, value) {
      return Reflect.set(server!, key, value, server);
    },
  });
}
