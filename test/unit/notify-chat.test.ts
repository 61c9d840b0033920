// Slack (Block Kit) and Teams (Adaptive Card) messages: payload snapshots, delivery through the guard to a local
// receiver, retries, the COALMINE_HOOK_* setting rule, and failures that name the setting, never the URL.
import { afterEach, describe, expect, it } from "vitest";
import type { AnalysisStatus } from "../../src/analysis/analysis-status";
import { validateAnalysisRequest } from "../../src/config/validate";
import type { CanaryJudgeResult } from "../../src/judge/types";
import { ChatNotifier, chatBody } from "../../src/notify/chat-notifier";
import { chatSummary } from "../../src/notify/chat-summary";
import { notifySettings } from "../../src/app/ports";
import { parseSettings } from "../../src/app/settings";
import { createCompositeNotifier, NotificationError } from "../../src/notify/composite-notifier";
import type { AnalysisEvent } from "../../src/analysis/ports/notifier";
import { OutboundBlockedError, OutboundGuard } from "../../src/notify/outbound-guard";
import { MemoryArtifactStore } from "../../src/store/memory-artifact-store";
import { artifactPaths } from "../../src/analysis/ports/store";
import { startRecordingServer, type RecordingServer } from "../helpers/recording-server";

const settingsOf = (env: Record<string, string>) => notifySettings(parseSettings(env));

const servers: RecordingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const receiver = async () => {
  const s = await startRecordingServer();
  servers.push(s);
  return s;
};
const noSleep = async () => {};
const orchestrationRequest = (): Record<string, unknown> => ({
  application: "checkout",
  canaryConfig: {
    name: "checkout",
    metrics: [{ name: "latency", query: { type: "file", metricName: "latency" } }],
  },
  scopes: { default: { baseline: { scope: "checkout-baseline" }, canary: { scope: "checkout-canary" } } },
  stages: [{ name: "10%", duration: "PT10M", interval: "PT5M" }],
});

const ID = "01JCHAT0000000000000000000";
const status = (over: Partial<AnalysisStatus> = {}): AnalysisStatus => ({
  id: ID,
  application: "checkout",
  state: "running",
  judge: "NetflixACAJudge-v1.0",
  stage: { index: 0, name: "10%" },
  judgements: [
    {
      stage: 0,
      interval: 1,
      start: "2026-11-23T10:05:00Z",
      end: "2026-11-23T10:10:00Z",
      score: 42.5,
      classification: "Fail",
      failedMetrics: ["p95 latency", "error rate"],
    },
  ],
  createdAt: "2026-11-23T10:00:00Z",
  updatedAt: "2026-11-23T10:10:30Z",
  reportUrl: `/api/analyses/${ID}/report`,
  ...over,
});
const event = (name: AnalysisEvent["event"], over: Partial<AnalysisStatus> = {}): AnalysisEvent => ({
  event: name,
  status: status(over),
  reportUrl: `https://coalmine.example.com/api/analyses/${ID}/report`,
});
const stats = (mean: number) => ({ stats: { count: 10, mean, min: mean, max: mean, std: 0 } });
const judgement: CanaryJudgeResult = {
  judgeName: "NetflixACAJudge-v1.0",
  results: [
    {
      name: "p95 latency",
      tags: {},
      groups: ["latency"],
      classification: "High",
      classificationReason: "p95 latency was classified as High",
      critical: true,
      muted: false,
      experimentMetadata: stats(0.312),
      controlMetadata: stats(0.204),
      resultMetadata: { ratio: 1.529 },
    },
    {
      name: "error rate",
      tags: {},
      groups: ["errors"],
      classification: "NodataFailMetric",
      critical: false,
      muted: false,
      experimentMetadata: stats(Number.NaN),
      controlMetadata: stats(Number.NaN),
      resultMetadata: { ratio: Number.NaN },
    },
    {
      name: "cpu",
      tags: {},
      groups: ["saturation"],
      classification: "Pass",
      critical: false,
      muted: false,
      experimentMetadata: stats(0.5),
      controlMetadata: stats(0.5),
      resultMetadata: { ratio: 1 },
    },
  ],
  groupScores: [],
  score: { score: 42.5, classification: "Fail", classificationReason: "" },
};

const failed = event("completed", {
  state: "failed",
  verdict: "fail",
  score: 42.5,
  reason: "stage '10%' interval 2/2 scored 42.5, below the marginal threshold 75",
});
const awaiting = event("awaiting-decision", {
  state: "awaiting-decision",
  judgements: [{ ...status().judgements[0]!, score: 100, classification: "Pass", failedMetrics: [] }],
  reason: "stage '10%' passed; approve to go on to stage '33%' before 2026-11-23T11:10:30.000Z",
});
const PUBLIC = { publicBaseUrl: "https://coalmine.example.com/" };

describe("chat payloads", () => {
  it("Slack: a Block Kit message with application, verdict, score, stage, failed metrics with reasons, report link", () => {
    const body = JSON.parse(chatBody("slack", chatSummary(ID, failed, { ...PUBLIC, judgement })));
    expect(body).toMatchSnapshot();
    const text = JSON.stringify(body);
    for (const part of ["checkout canary failed", "*Verdict*\\nfail", "*Score*\\n42.5", "*Stage*\\n10%"])
      expect(text).toContain(part);
    expect(text).toContain(
      "*p95 latency*: higher than baseline, critical: canary mean 0.312 vs baseline 0.204 (x1.529)",
    );
    expect(text).toContain("*error rate*: no data");
    expect(text).not.toContain("cpu");
    expect(body.blocks.at(-1)).toMatchObject({
      type: "actions",
      elements: [{ type: "button", url: `https://coalmine.example.com/api/analyses/${ID}/report` }],
    });
  });

  it("Teams: an Adaptive Card in a Workflows message envelope", () => {
    const body = JSON.parse(chatBody("teams", chatSummary(ID, failed, { ...PUBLIC, judgement })));
    expect(body).toMatchSnapshot();
    expect(body).toMatchObject({
      type: "message",
      attachments: [
        {
          contentType: "application/vnd.microsoft.card.adaptive",
          content: {
            type: "AdaptiveCard",
            version: "1.4",
            actions: [
              { type: "Action.OpenUrl", url: `https://coalmine.example.com/api/analyses/${ID}/report` },
            ],
          },
        },
      ],
    });
    const facts = body.attachments[0].content.body[1].facts;
    expect(facts).toEqual([
      { title: "Verdict", value: "fail" },
      { title: "Score", value: "42.5" },
      { title: "Stage", value: "10%" },
      { title: "Analysis", value: ID },
    ]);
  });

  it("awaiting a decision: both say what is awaited and how to decide", () => {
    const summary = chatSummary(ID, awaiting, PUBLIC);
    const slack = JSON.parse(chatBody("slack", summary));
    const teams = JSON.parse(chatBody("teams", summary));
    expect({ slack, teams }).toMatchSnapshot();
    for (const text of [JSON.stringify(slack), JSON.stringify(teams)]) {
      expect(text).toContain("approve to go on to stage '33%'");
      expect(text).toContain(`POST https://coalmine.example.com/api/analyses/${ID}/decision`);
    }
  });

  it("without COALMINE_PUBLIC_URL there is no button, and the report path is shown instead", () => {
    const slack = JSON.parse(chatBody("slack", chatSummary(ID, event("started"))));
    expect(JSON.stringify(slack)).not.toContain('"url"');
    expect(slack.blocks.at(-1)).toMatchObject({ type: "context" });
    expect(JSON.stringify(slack)).toContain(
      `/api/analyses/${ID}/report (set COALMINE_PUBLIC_URL for a link)`,
    );
    const teams = JSON.parse(chatBody("teams", chatSummary(ID, event("started"))));
    expect(teams.attachments[0].content.actions).toBeUndefined();
  });

  it("escapes Slack's mrkdwn control characters", () => {
    const s = chatSummary(ID, event("completed", { state: "error", reason: "query <b> & co failed" }));
    expect(JSON.stringify(JSON.parse(chatBody("slack", s)))).toContain("query &lt;b&gt; &amp; co failed");
  });
});

describe("chat delivery", () => {
  const targetsRequest = (slackEvents?: string[]) => ({
    ...orchestrationRequest(),
    notify: {
      slack: [{ urlSetting: "COALMINE_HOOK_SLACK", ...(slackEvents ? { events: slackEvents } : {}) }],
      teams: [{ urlSetting: "COALMINE_HOOK_TEAMS" }],
    },
  });

  it("posts both messages through the guard to the URLs held by the settings, for the subscribed events", async () => {
    const slack = await receiver();
    const teams = await receiver();
    const artifacts = new MemoryArtifactStore();
    await artifacts.putJson(artifactPaths.request(ID), targetsRequest(["completed"]));
    await artifacts.putJson(artifactPaths.judgement(ID, 0, 1), judgement);
    const notifier = createCompositeNotifier({
      artifacts,
      settings: settingsOf({
        COALMINE_HOOK_SLACK: `${slack.origin}/services/T000/B000/xyz`,
        COALMINE_HOOK_TEAMS: `${teams.origin}/workflows/abc/triggers/manual/paths/invoke?sig=s3cret`,
        COALMINE_OUTBOUND_ALLOWLIST: `${slack.origin},${teams.origin}`,
        COALMINE_PUBLIC_URL: "https://coalmine.example.com",
      }),
      sleep: noSleep,
    });
    await notifier.notify(ID, event("started"));
    await notifier.notify(ID, event("judgement"));
    await notifier.notify(ID, failed);
    expect(slack.requests.map((r) => r.path)).toEqual(["/services/T000/B000/xyz"]); // only "completed"
    expect(teams.requests).toHaveLength(2); // started and completed; never judgement
    expect(slack.requests[0]!.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(slack.requests[0]!.body)).toEqual(
      JSON.parse(chatBody("slack", chatSummary(ID, failed, { ...PUBLIC, judgement }))),
    );
    expect(JSON.parse(teams.requests[1]!.body).attachments[0].content.body[0].text).toBe(
      "checkout canary failed",
    );
  });

  it("retries 5xx and 429, then delivers", async () => {
    const slack = await receiver();
    slack.failNext(503, 429);
    const n = new ChatNotifier({
      guard: new OutboundGuard({ allowlist: slack.origin }),
      env: { COALMINE_HOOK_SLACK: `${slack.origin}/services/x` },
      sleep: noSleep,
    });
    await n.deliver("slack", { urlSetting: "COALMINE_HOOK_SLACK" }, chatSummary(ID, failed));
    expect(slack.requests).toHaveLength(3);
  });

  it("fails naming the setting (never the secret URL) when it is unset, refused by the guard, or down", async () => {
    const slack = await receiver();
    const target = { urlSetting: "COALMINE_HOOK_SLACK" };
    const summary = chatSummary(ID, failed);
    const unset = new ChatNotifier({ guard: new OutboundGuard(), env: {}, sleep: noSleep });
    await expect(unset.deliver("slack", target, summary)).rejects.toThrow(/COALMINE_HOOK_SLACK.*not set/);

    const notAllowed = new ChatNotifier({
      guard: new OutboundGuard(),
      env: { COALMINE_HOOK_SLACK: `${slack.origin}/services/very-secret-path` },
      sleep: noSleep,
    });
    const blocked = await notAllowed.deliver("slack", target, summary).catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(OutboundBlockedError);
    expect(slack.requests).toEqual([]);

    slack.failNext(500, 500, 500, 500);
    const down = new ChatNotifier({
      guard: new OutboundGuard({ allowlist: slack.origin }),
      env: { COALMINE_HOOK_SLACK: `${slack.origin}/services/very-secret-path` },
      sleep: noSleep,
    });
    const error = (await down.deliver("slack", target, summary).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe("slack (COALMINE_HOOK_SLACK, completed): HTTP 500");
    expect(String((blocked as Error).message) + error.message).not.toContain("very-secret-path");
  });

  it("a failing chat is named by the composite; the other targets are still told", async () => {
    const slack = await receiver();
    const teams = await receiver();
    slack.failNext(400);
    const artifacts = new MemoryArtifactStore();
    await artifacts.putJson(artifactPaths.request(ID), targetsRequest());
    const notifier = createCompositeNotifier({
      artifacts,
      settings: settingsOf({
        COALMINE_HOOK_SLACK: `${slack.origin}/s`,
        COALMINE_HOOK_TEAMS: `${teams.origin}/t`,
        COALMINE_OUTBOUND_ALLOWLIST: `${slack.origin},${teams.origin}`,
      }),
      sleep: noSleep,
    });
    const error = await notifier.notify(ID, failed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotificationError);
    expect((error as NotificationError).message).toContain("slack COALMINE_HOOK_SLACK");
    expect(teams.requests).toHaveLength(1);
  });
});

describe("chat targets in the request", () => {
  it("accept only COALMINE_HOOK_* setting names and the three chat events, with their paths", () => {
    const bad = {
      ...orchestrationRequest(),
      notify: {
        slack: [{ urlSetting: "AzureWebJobsStorage" }],
        teams: [{ urlSetting: "COALMINE_HOOK_TEAMS", events: ["judgement"] }],
      },
    };
    const v = validateAnalysisRequest(bad);
    expect(v.ok).toBe(false);
    const paths = v.ok ? [] : v.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(["$.notify.slack[0].urlSetting", "$.notify.teams[0].events[0]"]),
    );
    expect(
      validateAnalysisRequest({
        ...orchestrationRequest(),
        notify: { slack: [{ urlSetting: "COALMINE_HOOK_X" }] },
      }).ok,
    ).toBe(true);
  });
});
