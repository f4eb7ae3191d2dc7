/** The port `judgekit view` listens on unless told otherwise; report.html links to it. */
export const VIEW_DEFAULT_PORT = 8765;
