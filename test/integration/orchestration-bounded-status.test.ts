// A long analysis keeps its custom status small through the real orchestrator on a virtual clock: it holds the last
// 20 scores and a count, so its size does not grow with the number of judgements (a 2-day stage at PT1M has 2,880;
// listing every score passed the Durable host's 16 KB limit at about 1,500).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalApp, type LocalApp } from "../../src/app/local";
import { HOST_LIMITS } from "../../src/runtime/durable-runtime";
import { T0, request, scriptedJudge } from "./orchestration-harness";

const JUDGEMENTS = 120;

describe("custom status stays bounded however long the analysis", () => {
  let app: LocalApp;
  beforeAll(async () => {
    app = await createLocalApp({
      env: {},
      clock: "virtual",
      virtualStart: T0,
      storage: "memory",
      overrides: {
        metricSources: () => ({
          buildQuery: () => "q",
          fetch: async (r) => ({
            query: "q",
            sets: [{ name: r.metric.name, tags: {}, timestamps: [Date.parse(r.window.start)], values: [1] }],
          }),
        }),
        judges: () => scriptedJudge({ scores: [100] }),
        notifier: { notify: async () => {} },
      },
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it(`${JUDGEMENTS} judgements: every episode's custom status is small and holds the last 20 scores`, async () => {
    const status = await app.service.start(
      request({
        stages: [{ name: "long", duration: `PT${JUDGEMENTS}M`, interval: "PT1M" }],
        ingestionLag: "PT0S",
      }),
    );
    const done = await app.runtime.waitForCompletion(status.id);
    expect(done.runtimeStatus).toBe("Completed");
    const final = await app.service.getStatus(status.id);
    expect(final?.state).toBe("passed");
    expect(final?.judgements).toHaveLength(JUDGEMENTS); // the full list, from the intervals table
    const sizes = app.runtime
      .episodes(status.id)
      .map((e) => JSON.stringify(e.customStatus ?? null).length * 2);
    expect(Math.max(...sizes)).toBeLessThan(1024);
    // The size reached by the 40th judgement is never exceeded afterwards: it does not grow with the length.
    const episodes = app.runtime.episodes(status.id);
    const at40 = episodes.findIndex(
      (e) => (e.customStatus as { judgements?: number } | undefined)?.judgements === 40,
    );
    expect(Math.max(...sizes.slice(at40))).toBeLessThanOrEqual(Math.max(...sizes.slice(0, at40 + 1)) + 8);
    expect(Math.max(...sizes)).toBeLessThan(HOST_LIMITS.customStatusUtf16Bytes);
    const last = app.runtime.episodes(status.id).findLast((e) => e.customStatus !== undefined)
      ?.customStatus as { scores: number[]; judgements: number };
    expect(last.scores).toHaveLength(20);
    expect(last.judgements).toBe(JUDGEMENTS - 1);
  }, 120_000);
});
