// The file source: the recorded-series format, filtering by metric, scope, location and window, and paths confined to the account directory.
import { mkdtemp, rm, symlink, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CanaryConfig, MetricConfig } from "../../src/config/canary-config.schema";
import { FileMetricSource, recordedTime } from "../../src/metrics/file-source";
import type { MetricFetchRequest } from "../../src/analysis/ports/metric-source";
import { MetricSourceError } from "../../src/metrics/metric-source-error";

const DIR = join(__dirname, "../fixtures/metrics/recorded");
const source = new FileMetricSource({ type: "file", name: "recorded", endpoint: DIR });
const WINDOW = { start: "2026-11-23T11:00:00Z", end: "2026-11-23T11:10:00Z", stepSeconds: 60 };

function req(
  name: string,
  query: MetricConfig["query"],
  scope: string,
  location?: string,
): MetricFetchRequest {
  const config: CanaryConfig = { name: "c", metrics: [{ name, query }] };
  return {
    config,
    metric: config.metrics[0]!,
    scope: { scope, ...(location ? { location } : {}) },
    window: WINDOW,
  };
}
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a MetricSourceError");
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(MetricSourceError);
      return e as MetricSourceError;
    },
  );

describe("FileMetricSource", () => {
  it("reads points in [start, end) for the metric's name, scope and location", async () => {
    const baseline = await source.fetch(req("p95 latency", { type: "file" }, "checkout-baseline", "prod"));
    expect(baseline.query).toBe(
      'series.json: metric="p95 latency" scope="checkout-baseline" location="prod" [2026-11-23T11:00:00Z, 2026-11-23T11:10:00Z)',
    );
    expect(baseline.sets).toEqual([
      {
        name: "p95 latency",
        tags: {},
        timestamps: [0, 1, 2, 3].map((m) => Date.parse(WINDOW.start) + m * 60_000),
        values: [0.21, 0.22, NaN, 0.2],
      },
    ]);
    const canary = await source.fetch(req("p95 latency", { type: "file" }, "checkout-canary", "prod"));
    expect(canary.sets).toHaveLength(1);
    expect(canary.sets[0]!.values).toEqual([0.31, 0.33, 0.35, NaN, 0.32, 0.3, 0.34, 0.33, 0.36, 0.31]);
  });

  it("uses query.metricName and keeps tags; epoch seconds and milliseconds both read", async () => {
    const r = await source.fetch(
      req("5xx", { type: "file", metricName: "http_errors", path: "series.json" }, "checkout-canary"),
    );
    expect(r.sets.map((s) => [s.tags, s.values])).toEqual([
      [{ code: "500" }, [2, 3, Infinity]],
      [{ code: "503" }, [0, 1]],
    ]);
    expect(recordedTime(1795431600)).toBe(1795431600000);
    expect(recordedTime(1795431600000)).toBe(1795431600000);
    expect(recordedTime("2026-11-23T11:00:00Z")).toBe(1795431600000);
  });

  it("returns no sets when nothing matches", async () => {
    expect((await source.fetch(req("p95 latency", { type: "file" }, "nobody"))).sets).toEqual([]);
  });

  it("rejects paths that leave the account directory", async () => {
    for (const path of ["../outside.json", "/etc/passwd", "sub/../../outside.json"]) {
      const err = await failure(source.fetch(req("m", { type: "file", path }, "s")));
      expect(err.transient).toBe(false);
      expect(err.sourceMessage).toBe(`path '${path}' leaves the account directory`);
    }
  });

  it("rejects a symbolic link pointing outside", async () => {
    const dir = await mkdtemp(join(tmpdir(), "coalmine-file-"));
    try {
      await mkdir(join(dir, "account"));
      await writeFile(join(dir, "secret.json"), '{"series":[]}');
      await symlink(join(dir, "secret.json"), join(dir, "account", "link.json"));
      const linked = new FileMetricSource({ type: "file", name: "f", endpoint: join(dir, "account") });
      const err = await failure(linked.fetch(req("m", { type: "file", path: "link.json" }, "s")));
      expect(err.sourceMessage).toBe("path 'link.json' leaves the account directory (through a link)");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports format problems with their JSON paths, and a missing file", async () => {
    const err = await failure(source.fetch(req("m", { type: "file", path: "broken.json" }, "s")));
    expect(err.sourceMessage).toMatchInlineSnapshot(
      `"'broken.json' is not a recorded-series file: $.series[1]: values need start and step"`,
    );
    const missing = await failure(source.fetch(req("m", { type: "file", path: "nope.json" }, "s")));
    expect(missing.sourceMessage).toMatch(/^cannot read 'nope.json' in the account directory: ENOENT/);
  });
});
