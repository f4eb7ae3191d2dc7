/** The studies `judgekit init` writes a template for (light: the command line lists them at --help). */
export const STUDIES = ['medcmr', 'judge-validation', 'winrate-study'] as const;
export type Study = (typeof STUDIES)[number];
