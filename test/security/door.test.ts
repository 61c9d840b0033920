// Probes of `coalmine serve` at the door: every bad input is a 4xx problem+json naming the path, never a 202 that
// fails later and never a 5xx (settings a request may name, links, Host values, prototype keys, depth, limits,
// unknown judges and accounts, unsafe URLs and paths, function keys).
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServe } from "../../src/cli/commands/serve";
import { baseRequest, call, serve } from "../e2e/http-serve-helpers";

let app: RunningServe;
let base: string;

beforeAll(async () => {
  app = await serve({ COALMINE_HOOK_SECRET: "s", PATH_LIKE: "x" });
  base = app.url;
});
afterAll(async () => {
  await app.close();
});

/** The answer must be a 4xx problem; when `path` is given, one of its errors (or its detail) names it. */
async function refused(body: unknown, path?: string | RegExp, status = 400): Promise<any> {
  const res = await call(base, "POST", "/api/analyses", body);
  expect(res.status, res.text).toBe(status);
  expect(res.contentType).toContain("application/problem+json");
  if (path !== undefined) {
    const places = [
      ...(res.body.errors ?? []).map((e: any) => `${e.path} ${e.message}`),
      res.body.detail,
    ].join("\n");
    expect(places).toMatch(
      path instanceof RegExp ? path : new RegExp(path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
    );
  }
  expect(res.text).not.toMatch(/\n\s+at /); // never a stack
  return res.body;
}

const withConfig = (edit: (cfg: any) => void) => {
  const req = baseRequest();
  edit(req.canaryConfig);
  return req;
};

describe("settings a request may name: COALMINE_HOOK_* only", () => {
  const names = [
    "PATH",
    "COALMINE_SECRET_KEY",
    "COALMINE_GITHUB_TOKEN",
    "COALMINE_FUNCTION_KEY",
    "COALMINE_STORAGE",
    "AzureWebJobsStorage",
    "coalmine_hook_lower",
    "COALMINE_HOOK_",
    "COALMINE_HOOK_../x",
    "COALMINE_HOOKX",
    "__proto__",
    "constructor",
  ];
  it.each(names)("webhook secretName %s is a 400 at the door", async (name) => {
    const req = baseRequest();
    req.notify = { webhooks: [{ url: "https://hooks.example.com/x", secretName: name }] };
    await refused(req, "$.notify.webhooks[0].secretName");
  });
  it.each(names.slice(0, 4))("traffic hook secretName %s is a 400 at the door", async (name) => {
    const req = baseRequest();
    req.trafficHook = { url: "https://deploy.example.com/w", secretName: name };
    await refused(req, "$.trafficHook.secretName");
  });
  it("a COALMINE_HOOK_ name passes the door (whether or not it is set: nothing reveals which settings exist)", async () => {
    for (const name of ["COALMINE_HOOK_SECRET", "COALMINE_HOOK_NOT_SET"]) {
      const req = baseRequest();
      req.notify = { webhooks: [{ url: "https://hooks.example.com/x", secretName: name }] };
      const res = await call(base, "POST", "/api/analyses", req);
      expect(res.status, res.text).toBe(202);
    }
  });
});

describe("unsafe hook URLs are refused at the door", () => {
  const urls = [
    "javascript:alert(1)",
    "data:text/plain,hi",
    "file:///etc/passwd",
    "ftp://example.com/",
    "http://hooks.example.com/x",
    "https://[::ffff:7f00:1]/x",
    "https://169.254.169.254/latest",
    "https://2130706433/",
    "https://localhost/x",
    "https://user:pw@hooks.example.com/",
    `https://example.com/${"a".repeat(3000)}`,
  ];
  it.each(urls)("webhook %s", async (url) => {
    const req = baseRequest();
    req.notify = { webhooks: [{ url }] };
    await refused(req, "$.notify.webhooks[0].url");
  });
  it.each(urls.slice(0, 6))("traffic hook %s", async (url) => {
    const req = baseRequest();
    req.trafficHook = { url };
    await refused(req, "$.trafficHook.url");
  });
});

describe("checks that need the installation are made before starting", () => {
  it("an unknown judge (request or config) is a 400", async () => {
    await refused({ ...baseRequest(), judge: "NoSuchJudge" }, /\$\.judge unknown judge 'NoSuchJudge'/);
    await refused({ ...baseRequest(), judge: "constructor" }, "$.judge");
    await refused(
      withConfig((c) => (c.judge = { name: "NetflixACAJudge-v9" })),
      /\$\.canaryConfig\.judge\.name unknown judge .*did you mean 'NetflixACAJudge-v1.0'/,
    );
  });
  it("an unknown metrics account, or one of the wrong type, is a 400", async () => {
    await refused(
      { ...baseRequest(), metricsAccount: "nope" },
      /\$\.metricsAccount no metrics account named 'nope'/,
    );
    await refused({ ...baseRequest(), metricsAccount: "__proto__" }, "$.metricsAccount");
    await refused(
      withConfig((c) => (c.metrics[0].query = { type: "prometheus", metricName: "up" })),
      /\$\.metricsAccount .*cannot run a 'prometheus' query/,
    );
  });
  it("a file-source path outside its account is a 400", async () => {
    for (const path of ["../../../etc/passwd", "/etc/passwd", "a/../../b", "..\\..\\win.ini", "C:/x.json"]) {
      await refused(
        withConfig((c) => (c.metrics[0].query.path = path)),
        "$.canaryConfig.metrics[0].query.path",
      );
    }
  });
});

describe("limits (docs/configuration.md)", () => {
  it("absurd durations", async () => {
    const stage = (s: Record<string, string>) => ({
      ...baseRequest(),
      stages: [{ duration: "PT20M", ...s }],
    });
    await refused(stage({ duration: "P99999999999D", interval: "PT10M" }), "$.stages[0].duration");
    await refused(stage({ interval: "P99999999999D" }), "$.stages[0].interval");
    await refused(stage({ warmup: "P400D" }), "$.stages[0].warmup");
    await refused(stage({ duration: "P40D", interval: "P1D" }), /\$\.stages .*limit is P31D/);
    await refused(
      stage({ duration: "P20D", interval: "PT1M" }),
      /\$\.stages .*28800 judgements; the limit is 5000/,
    );
    await refused({ ...baseRequest(), ingestionLag: "P2D" }, "$.ingestionLag");
    await refused(
      { ...baseRequest(), onMarginal: { action: "await-decision", timeout: "P30D" } },
      "$.onMarginal.timeout",
    );
  });
  it("too many stages, metrics, webhooks, map entries", async () => {
    const many = baseRequest();
    many.stages = Array.from({ length: 10_000 }, () => ({ duration: "PT1M" }));
    await refused(many, "$.stages");
    await refused(
      withConfig(
        (c) => (c.metrics = Array.from({ length: 101 }, (_, i) => ({ ...c.metrics[0], name: `m${i}` }))),
      ),
      "$.canaryConfig.metrics",
    );
    const hooks = baseRequest();
    hooks.notify = { webhooks: Array.from({ length: 11 }, () => ({ url: "https://hooks.example.com/x" })) };
    await refused(hooks, "$.notify.webhooks");
    const meta = baseRequest();
    meta.metadata = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    await refused(meta, "$.metadata");
  });
  it("oversize names and texts (a 500 KB metric name is over the body limit; 201 characters is over the name limit)", async () => {
    await refused(
      withConfig((c) => (c.metrics[0].name = "n".repeat(201))),
      "$.canaryConfig.metrics[0].name",
    );
    await refused(
      { ...baseRequest(), stages: [{ name: "s".repeat(201), duration: "PT20M" }] },
      "$.stages[0].name",
    );
    const huge = withConfig((c) => (c.metrics[0].name = "n".repeat(500 * 1024)));
    const res = await call(base, "POST", "/api/analyses", huge);
    expect([400, 413]).toContain(res.status);
    expect(res.contentType).toContain("application/problem+json");
    const big = withConfig((c) => (c.metrics[0].name = "n".repeat(100 * 1024)));
    await refused(big, "$.canaryConfig.metrics[0].name");
  });
});

describe("prototype keys are plain keys", () => {
  const keys = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "prototype"];
  it.each(keys)("customFilterTemplate %s naming no template is a 400", async (key) => {
    await refused(
      withConfig((c) => {
        c.metrics[0].query = { type: "prometheus", metricName: "latency_p95", customFilterTemplate: key };
      }),
      "$.canaryConfig.metrics[0].query.customFilterTemplate",
    );
  });
  it.each(keys)("scopeName, group and map keys %s never make a 500", async (key) => {
    const bodies = [
      withConfig((c) => (c.metrics[0].scopeName = key)),
      withConfig((c) => (c.classifier.groupWeights = { [key]: 100 })),
      JSON.parse(JSON.stringify(baseRequest()).replace('"default":', `"${key}":`)),
      { ...baseRequest(), metadata: JSON.parse(`{"${key}": "x"}`) },
      JSON.parse(
        JSON.stringify(baseRequest()).replace(
          '"scope":"checkout-baseline"',
          `"scope":"b","extendedScopeParams":{"${key}":"x"}`,
        ),
      ),
    ];
    for (const body of bodies) {
      const res = await call(base, "POST", "/api/analyses", body);
      expect(res.status, res.text).toBeLessThan(500);
      if (res.status >= 400) expect(res.contentType).toContain("application/problem+json");
    }
  });
  it("stored config names and kayenta ids that are prototype members are 404s, not 500s", async () => {
    for (const key of keys) {
      for (const path of [
        `/api/canary-configs/checkout/${key}`,
        `/api/analyses/${key}`,
        `/api/standalone_canary_analysis/${key}`,
      ]) {
        const res = await call(base, "GET", path);
        expect(res.status, `${path}: ${res.text}`).toBeLessThan(500);
      }
      await refused(
        { ...baseRequest(), canaryConfig: undefined, canaryConfigName: key },
        "$.canaryConfigName",
      );
    }
  });
});

describe("JSON depth", () => {
  it.each([65, 5000, 100_000])("a document nested %i levels is a 400", async (depth) => {
    const text = `${"[".repeat(depth)}${"]".repeat(depth)}`;
    const obj = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    for (const body of [text, obj, JSON.stringify({ ...baseRequest(), metadata: "X" }).replace('"X"', obj)]) {
      for (const path of [
        "/api/analyses",
        "/api/judge",
        "/api/canary-configs/checkout/deep",
        "/api/standalone_canary_analysis",
      ]) {
        const res = await call(base, path.includes("canary-configs") ? "PUT" : "POST", path, body);
        expect([400, 413], `${path}: ${res.text.slice(0, 200)}`).toContain(res.status);
        expect(res.contentType).toContain("application/problem+json");
      }
    }
  });
  it("64 levels are still read (the limit is 64)", async () => {
    const res = await call(base, "POST", "/api/analyses", `${"[".repeat(64)}${"]".repeat(64)}`);
    expect(res.status).toBe(400);
    expect(res.body.detail).not.toMatch(/nested/);
  });
});

/** One raw HTTP/1.1 exchange (fetch cannot send a malformed Host). */
function raw(request: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(request));
    let out = "";
    socket.on("data", (d) => (out += d.toString("utf8")));
    socket.on("end", () => resolve(out));
    socket.on("error", reject);
  });
}

describe("Host values", () => {
  const bad = [
    "a b",
    "evil.example/path",
    "evil.example?x",
    "x@evil.example",
    "[::1",
    "evil.example:99999",
    "a\tb",
    "",
  ];
  it.each(bad)("Host %j is a 400 problem", async (host) => {
    const answer = await raw(`GET /api/analyses HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    if (/problem\+json/.test(answer)) expect(answer).not.toMatch(/ at /);
  });

  it.each(["evil.example", "evil.example:8443", "127.0.0.1:1"])(
    "Host %s never appears in statusUrl, reportUrl or Location",
    async (host) => {
      const body = JSON.stringify(baseRequest());
      const answer = await raw(
        `POST /api/analyses HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 202 /);
      expect(answer).not.toContain(host);
      expect(answer).toMatch(/"statusUrl":"\/api\/analyses\//);
      expect(answer).toMatch(/\r\nlocation: \/api\/analyses\//i);
    },
  );

  it("with COALMINE_PUBLIC_URL the links are absolute from it, whatever the Host", async () => {
    const pub = await serve({ COALMINE_PUBLIC_URL: "https://coalmine.example.com/" });
    try {
      const res = await call(pub.url, "POST", "/api/analyses", baseRequest(), { host: "evil.example" });
      expect(res.status).toBe(202);
      expect(res.body.statusUrl).toMatch(/^https:\/\/coalmine\.example\.com\/api\/analyses\//);
      expect(res.body.reportUrl).toMatch(/^https:\/\/coalmine\.example\.com\/api\/analyses\/.+\/report$/);
      const put = await call(
        pub.url,
        "PUT",
        "/api/canary-configs/checkout/linked",
        baseRequest().canaryConfig,
      );
      expect(put.headers.get("location")).toBe(
        "https://coalmine.example.com/api/canary-configs/checkout/linked",
      );
    } finally {
      await pub.close();
    }
  });
});

describe("the function key", () => {
  let keyed: RunningServe;
  beforeAll(async () => {
    keyed = await serve({ COALMINE_FUNCTION_KEY: "right-key" });
  });
  afterAll(async () => {
    await keyed.close();
  });

  it("`code` is accepted on every route and is no parameter of any handler", async () => {
    for (const path of [
      "/api/analyses",
      "/api/canary-configs",
      "/api/metrics-accounts",
      "/api/openapi.json",
      "/api/",
    ]) {
      const res = await call(keyed.url, "GET", `${path}?code=right-key`);
      expect(res.status, `${path}: ${res.text}`).toBe(200);
    }
    const listed = await call(keyed.url, "GET", "/api/analyses?application=checkout&code=right-key");
    expect(listed.status).toBe(200);
  });

  it.each([
    ["?code=wrong&code=right-key", {}],
    ["?code=right-key&code=wrong", {}],
    ["?code=right-key&code=right-key", {}],
    ["?code=wrong", {}],
    ["?code=", {}],
    ["?code=right-key", { "x-functions-key": "wrong" }],
    ["", { "x-functions-key": "right-key-but-longer" }],
    ["", {}],
  ] as const)("%s %j is a 401", async (query, headers) => {
    const res = await call(keyed.url, "GET", `/api/analyses${query}`, undefined, headers);
    expect(res.status).toBe(401);
    expect(res.contentType).toContain("application/problem+json");
  });
});
