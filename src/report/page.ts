// The HTML document around every Coalmine page (the report and the index): head, styles, and `<main>`.
import { html, raw, type Html } from "./html";
import { REPORT_CSS } from "./report-styles";

/** The page titled `title` with `main` as its content. */
export function renderPage(title: string, main: Html): string {
  // The line breaks are part of the page: kept as they are, whatever the indentation.
  // prettier-ignore
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <link rel="icon" href="data:," />
        <title>${title}</title>
        <style>
          ${raw(REPORT_CSS)}
        </style>
      </head>
      <body>
        <main>
          ${main}
        </main>
      </body>
    </html>`.text;
}
