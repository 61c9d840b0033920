// The report's inline stylesheet: light and dark (prefers-color-scheme), readable from 390 px to wide screens.
export const REPORT_CSS = `
:root{--bg:#fff;--fg:#1b1f24;--muted:#5b636e;--card:#f6f8fa;--line:#d0d7de;--baseline:#2f6fdb;--canary:#e06c00;
--pass:#1a7f37;--marginal:#9a6700;--fail:#cf222e;--error:#6e40c9;--canceled:#57606a;--tol:rgba(26,127,55,.14);color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9da7b3;--card:#161b22;--line:#30363d;--baseline:#58a6ff;
--canary:#ffa657;--pass:#3fb950;--marginal:#d29922;--fail:#f85149;--error:#a371f7;--canceled:#8b949e;--tol:rgba(63,185,80,.18)}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1180px;margin:0 auto;padding:16px}h1{font-size:1.45rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .6rem}
h3{font-size:1rem;margin:0}a{color:var(--baseline)}.muted{color:var(--muted)}code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
pre{white-space:pre-wrap;word-break:break-all;background:var(--card);border:1px solid var(--line);border-radius:6px;padding:8px;margin:.4rem 0}
.badge{display:inline-block;border-radius:999px;padding:2px 10px;font-weight:600;font-size:.85rem;color:#fff;vertical-align:middle}
.v-pass,.c-Pass{background:var(--pass)}.v-marginal,.c-Marginal{background:var(--marginal)}.v-fail,.c-Fail,.c-High,.c-Low,.c-NodataFailMetric{background:var(--fail)}
.v-error,.c-Error{background:var(--error)}.v-pending,.v-running,.v-canceled,.v-awaiting-decision,.c-Nodata,.c-undecided{background:var(--canceled)}
.verdict{display:flex;flex-wrap:wrap;gap:12px 24px;align-items:center;border:1px solid var(--line);border-radius:10px;padding:14px;background:var(--card)}
.verdict .big{font-size:1.6rem;padding:4px 16px}.verdict .score{font-size:2rem;font-weight:700}.meter{width:100%;max-width:560px;height:auto}
.meter-track{fill:var(--line)}.meter-fill.v-pass{fill:var(--pass)}.meter-fill.v-marginal{fill:var(--marginal)}.meter-fill.v-fail{fill:var(--fail)}
.meter-fill.v-error,.meter-fill.v-canceled,.meter-fill.v-running,.meter-fill.v-pending,.meter-fill.v-awaiting-decision{fill:var(--muted)}
.threshold{stroke:var(--fg);stroke-width:2;stroke-dasharray:3 2}.warnings{border-left:4px solid var(--marginal);padding:6px 12px;background:var(--card);margin:12px 0}
.timeline{display:flex;flex-direction:column;gap:8px}.stage{display:flex;flex-wrap:wrap;align-items:center;gap:6px}.stage-name{min-width:110px;font-weight:600}
.iv{border-radius:6px;padding:3px 8px;color:#fff;font-size:.85rem}.group{margin-top:10px}
.metrics{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,540px),1fr));gap:14px}
.metric{border:1px solid var(--line);border-radius:10px;padding:12px;background:var(--card);min-width:0}
.metric header{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center;margin-bottom:6px}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.3rem 0}th,td{border-bottom:1px solid var(--line);padding:3px 6px;text-align:right}
th:first-child,td:first-child{text-align:left}.figures td,.figures th{text-align:left}
.chart{width:100%;height:auto;display:block;margin:4px 0}.chart .grid{stroke:var(--line);stroke-width:1}.chart .tick{fill:var(--muted);font-size:11px}
.line{fill:none;stroke-width:1.6}.line.baseline{stroke:var(--baseline)}.line.canary{stroke:var(--canary)}
.strip{fill:none;stroke-width:3.2;stroke-linecap:round;stroke-opacity:.7}.strip.baseline{stroke:var(--baseline)}.strip.canary{stroke:var(--canary)}.dot.baseline{fill:var(--baseline)}.dot.canary{fill:var(--canary)}.box{fill-opacity:.25;stroke-width:1.5}
.box.baseline{fill:var(--baseline);stroke:var(--baseline)}.box.canary{fill:var(--canary);stroke:var(--canary)}
.median{stroke:var(--fg);stroke-width:2}.whisker{stroke:var(--muted);stroke-width:1.2}
.tolerance{fill:var(--tol)}.zero{stroke:var(--muted);stroke-dasharray:2 2}.ci{stroke:var(--fg);stroke-width:2.5}.estimate{fill:var(--canary)}
.band{fill:var(--canary);fill-opacity:.18;stroke:none}.legend{font-size:.8rem}.legend .sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px}
.sw.baseline{background:var(--baseline)}.sw.canary{background:var(--canary)}details summary{cursor:pointer;color:var(--muted)}
.index td,.index th{text-align:left}.table-wrap{overflow-x:auto;max-width:100%}.figures td{word-break:break-word}
@media (max-width:480px){main{padding:10px}th,td{padding:3px 4px}.stage-name{min-width:0;width:100%}}footer{margin:2rem 0 1rem;color:var(--muted);font-size:.8rem}
`;
