// Report rendering: a 100-metric analysis (1,000 points a side, 6 judgements) — time and page size.
import { renderReport } from "../src/report/render-report";
import { HUNDRED_METRICS } from "../test/helpers/report-models";

export async function run(): Promise<void> {
  const model = HUNDRED_METRICS();
  renderReport(model); // warm-up
  const runs = 10;
  const t0 = performance.now();
  let html = "";
  for (let i = 0; i < runs; i++) html = renderReport(model);
  const ms = (performance.now() - t0) / runs;
  console.log(
    `report: 100 metrics x 1000 points x 6 judgements -> ${ms.toFixed(1)} ms per render, ${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB`,
  );
}
