export { EXTRACTOR_VERSION, extractAnswer, normaliseText, prepareOptions, type Extraction, type ExtractionStatus, type PreparedOptions } from './extract.ts';
export { scoreMcq } from './score.ts';
export {
  ACCURACY_CONVENTION,
  MEDCMR_TASK_ORDER,
  NO_GROUP,
  bootstrapBitCounts,
  groupSeed,
  summariseMcq,
  type SummariseOptions,
} from './accuracy.ts';
export { renderMcqMarkdown } from './report.ts';
