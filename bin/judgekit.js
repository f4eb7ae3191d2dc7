#!/usr/bin/env node
// The judgekit binary. The sources are TypeScript; tsx compiles them on the fly (cached), so an
// installed checkout runs without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
