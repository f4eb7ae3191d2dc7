export * from './common.ts';
export * from './item.ts';
export * from './response.ts';
export * from './labels.ts';
export * from './rubric.ts';
export * from './records.ts';
export * from './endpoint.ts';
export * from './experiment.ts';
