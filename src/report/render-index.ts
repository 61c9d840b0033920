// The index page: recent analyses with state, verdict, score and links to their reports and status.
import type { AnalysisStatus } from "../analysis/analysis-status";
import { html, joinHtml } from "./html";
import { renderPage } from "./page";
import { fmt } from "./svg-charts";

export type IndexEntry = Pick<
  AnalysisStatus,
  "id" | "application" | "state" | "verdict" | "score" | "createdAt" | "updatedAt" | "reportUrl"
>;

export function renderIndex(entries: IndexEntry[], generatedAt: string): string {
  const rows = entries.map(
    (a) =>
      html`<tr>
        <td><a href="${a.reportUrl}">${a.application}</a><br /><code class="muted">${a.id}</code></td>
        <td><span class="badge v-${a.verdict ?? a.state}">${a.state}</span></td>
        <td>${a.verdict ?? "–"}</td>
        <td>${fmt(a.score, 4)}</td>
        <td>${a.createdAt}</td>
        <td>
          <a href="${a.reportUrl}">report</a> · <a href="/api/analyses/${encodeURIComponent(a.id)}">status</a>
        </td>
      </tr>`,
  );
  return renderPage(
    "Coalmine · analyses",
    // The line breaks are part of the page: kept as they are, whatever the indentation.
    // prettier-ignore
    html`<h1>Coalmine</h1>
      <p class="muted">
        Recent canary analyses, newest first. API: <a href="/api/openapi.json">OpenAPI</a>.
      </p>
      ${
        entries.length
          ? html`<div style="overflow-x:auto">
              <table class="index">
                <thead>
                  <tr>
                    <th>analysis</th>
                    <th>state</th>
                    <th>verdict</th>
                    <th>score</th>
                    <th>started</th>
                    <th>links</th>
                  </tr>
                </thead>
                <tbody>
                  ${joinHtml(rows, "\n")}
                </tbody>
              </table>
            </div>`
          : html`<p>
              No analyses yet. Start one with <code>POST /api/analyses</code> or
              <code>coalmine run request.json</code>.
            </p>`
      }
      <footer>Rendered ${generatedAt}.</footer>`,
  );
}
