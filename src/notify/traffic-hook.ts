// The traffic hook: a signed POST telling the deployment tool the canary's weight for a stage; 2xx required.
import type { TrafficHook, TrafficHookCall } from "../analysis/ports/traffic-hook";
import { postWithRetry, type OutboundDeps } from "./outbound-post";
import { DELIVERY_HEADER, SIGNATURE_HEADER, deliveryId, secretFromSettings, signBody } from "./signature";

export interface HttpTrafficHookDeps extends OutboundDeps {
  env: Record<string, string | undefined>;
}

export class HttpTrafficHook implements TrafficHook {
  constructor(private readonly deps: HttpTrafficHookDeps) {}

  async setWeight(call: TrafficHookCall): Promise<void> {
    const secret = secretFromSettings(
      this.deps.env,
      call.secretName,
      `traffic hook ${new URL(call.url).origin}`,
    );
    const body = JSON.stringify({
      analysisId: call.analysisId,
      application: call.application,
      stage: call.stage,
      trafficWeight: call.stage.trafficWeight,
    });
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "coalmine-traffic-hook",
      "x-coalmine-event": "traffic-weight",
      [DELIVERY_HEADER]: deliveryId(call.analysisId, "traffic", call.stage.index, call.url),
    };
    if (secret !== undefined) headers[SIGNATURE_HEADER] = signBody(secret, body);
    await postWithRetry(
      this.deps,
      call.url,
      headers,
      body,
      `traffic hook ${new URL(call.url).origin} (stage ${call.stage.index})`,
    );
  }
}
