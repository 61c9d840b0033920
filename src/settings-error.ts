// The base of every "an app setting cannot be used" error (src/app/settings.ts, src/app/ports.ts): toProblem answers it 503.

/**
 * An app setting that is missing or cannot be used. The message names the setting and its problem, never its
 * value (it may be a secret): the HTTP edge answers 503 with it (src/http/problem.ts `toProblem`), the CLI exit 64.
 */
export class UnusableSettingError extends Error {}
