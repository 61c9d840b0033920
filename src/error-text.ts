// One line of an error for statuses, reasons and warnings: never a stack, never unbounded (stacks go to the log only).

/** The first line of a text, trimmed and bounded. */
export function oneLine(text: string, max = 300): string {
  const line = (text.split(/\r?\n/)[0] ?? "").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** An error's message (or the value as text) as one bounded line. */
export function errorLine(err: unknown, max = 300): string {
  return oneLine(err instanceof Error ? err.message : String(err), max);
}
