// The judge's defaults, in a module with no imports so that the command line can show them in
// its help without loading the judge (and the OpenAI SDK).

/** Where judgments are cached unless the caller says otherwise. */
export const DEFAULT_CACHE_DIR = '.judgekit-cache/judge';
