// A chat that cannot be told never changes the verdict: the analysis ends as it would have, with a warning.
import { afterEach, describe, expect, it } from "vitest";
import { notifySettings } from "../../src/app/ports";
import { parseSettings } from "../../src/app/settings";
import { createCompositeNotifier } from "../../src/notify/composite-notifier";
import type { Notifier } from "../../src/analysis/ports/notifier";
import { startRecordingServer, type RecordingServer } from "../helpers/recording-server";
import { harness, request, type Harness } from "./orchestration-harness";

const settingsOf = (env: Record<string, string>) => notifySettings(parseSettings(env));

let h: Harness | undefined;
let rx: RecordingServer | undefined;
afterEach(async () => {
  await h?.app.close();
  await rx?.close();
  h = rx = undefined;
});

describe("chat notifications in an analysis", () => {
  it("a Slack webhook that always fails leaves a passing analysis passed, with the failure as a warning", async () => {
    rx = await startRecordingServer(() => ({ status: 500, body: { error: "down" } }));
    const holder: { notifier?: Notifier } = {};
    h = await harness({ scores: [100] }, {}, undefined, {
      notify: (id, e) => holder.notifier!.notify(id, e),
    });
    holder.notifier = createCompositeNotifier({
      artifacts: h.app.ports.artifactStore,
      settings: settingsOf({
        COALMINE_HOOK_SLACK: `${rx.origin}/services/x`,
        COALMINE_OUTBOUND_ALLOWLIST: rx.origin,
      }),
      sleep: async () => {},
      retry: { attempts: 2 },
    });
    const { id } = await h.app.service.start(
      request({ notify: { slack: [{ urlSetting: "COALMINE_HOOK_SLACK" }] } }),
    );
    await h.app.runtime.waitForCompletion(id);
    const status = (await h.app.service.getStatus(id))!;
    expect(status).toMatchObject({ state: "passed", verdict: "pass" });
    expect(status.warnings?.join("\n")).toMatch(/notification 'started' failed: .*slack COALMINE_HOOK_SLACK/);
    expect(rx.requests.length).toBeGreaterThan(0); // it was tried
  });

  it("a Teams webhook that fails leaves a failing analysis failed (never turned into anything else)", async () => {
    rx = await startRecordingServer(() => ({ status: 404, body: {} }));
    const holder: { notifier?: Notifier } = {};
    h = await harness({ scores: [40] }, {}, undefined, {
      notify: (id, e) => holder.notifier!.notify(id, e),
    });
    holder.notifier = createCompositeNotifier({
      artifacts: h.app.ports.artifactStore,
      settings: settingsOf({ COALMINE_HOOK_TEAMS: `${rx.origin}/t`, COALMINE_OUTBOUND_ALLOWLIST: rx.origin }),
      sleep: async () => {},
    });
    const { id } = await h.app.service.start(
      request({ notify: { teams: [{ urlSetting: "COALMINE_HOOK_TEAMS", events: ["completed"] }] } }),
    );
    await h.app.runtime.waitForCompletion(id);
    const status = (await h.app.service.getStatus(id))!;
    expect(status).toMatchObject({ state: "failed", verdict: "fail" });
    expect(JSON.parse(rx.requests[0]!.body).attachments[0].content.body[0].text).toBe(
      "checkout canary failed",
    );
  });
});
