export * from './errors.ts';
export * from './hash.ts';
export * from './atomic.ts';
export * from './rows.ts';
export * from './records.ts';
export * from './medcmr.ts';
export * from './preferences.ts';
export * from './judgments.ts';
