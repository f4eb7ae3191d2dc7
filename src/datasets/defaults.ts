// Where fetched datasets go, in a module without imports so that the command line can show it in
// its help without loading the downloader.

/** The datasets folder, relative to the working folder. */
export const DEFAULT_DATASETS_DIR = 'datasets';
