export * from './rubric.ts';
export * from './template.ts';
export * from './parse.ts';
export * from './reduce.ts';
export * from './rubric-judge.ts';
export * from './replay.ts';
export * from './summary.ts';
export * from './report.ts';
