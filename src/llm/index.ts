export * from './presets.ts';
export * from './client.ts';
export * from './retry.ts';
export * from './limits.ts';
export * from './cost.ts';
export * from './cache.ts';
export * from './engine.ts';
export * from './batch.ts';
