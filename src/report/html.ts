// An auto-escaping `html` tagged template: interpolated values are escaped unless they are Html already (or marked raw).

/** Markup that is safe to insert as is. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** What may be interpolated: text and numbers (escaped), Html (as is), lists of these, and nothing (""). */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

/**
 * The template's literal parts with the source indentation dropped (a line break keeps the whitespace
 * HTML needs between inline elements), once per template: the page does not grow with code layout.
 */
const literalParts = new WeakMap<TemplateStringsArray, readonly string[]>();
function partsOf(strings: TemplateStringsArray): readonly string[] {
  let parts = literalParts.get(strings);
  if (!parts) {
    parts = strings.map((part) => part.replace(/\n[ \t]+/g, "\n"));
    literalParts.set(strings, parts);
  }
  return parts;
}

/** html`<p>${text}</p>`: every value escaped unless it is Html; arrays are joined. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  const parts = partsOf(strings);
  let out = parts[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + parts[i + 1]!;
  return new Html(out);
}

/** Marks trusted markup (our own SVG charts, inline CSS) as not to be escaped. */
export const raw = (text: string): Html => new Html(text);

/** Items joined by a separator (markup). */
export const joinHtml = (items: readonly Html[], separator: string): Html =>
  new Html(items.map((i) => i.text).join(separator));
