// The /api/ index: a plain HTML list of recent analyses linking their status and report.
import type { AnalysisStatus } from "../analysis/analysis-status";

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function indexPage(items: AnalysisStatus[]): string {
  const rows = items
    .map((a) => {
      const id = encodeURIComponent(a.id);
      return `<tr><td><a href="analyses/${id}/report">${escapeHtml(a.id)}</a></td><td>${escapeHtml(a.application)}</td><td>${escapeHtml(a.state)}</td><td>${a.score ?? ""}</td><td>${escapeHtml(a.createdAt)}</td><td><a href="analyses/${id}">status</a></td></tr>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Coalmine</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{padding:.25rem .75rem;border-bottom:1px solid #ddd;text-align:left}</style>
</head><body>
<h1>Coalmine</h1>
<p>Recent analyses. API: <a href="openapi.json">openapi.json</a>.</p>
<table><thead><tr><th>analysis</th><th>application</th><th>state</th><th>score</th><th>created</th><th></th></tr></thead>
<tbody>
${rows || '<tr><td colspan="6">No analyses yet.</td></tr>'}
</tbody></table>
</body></html>
`;
}
