// The TrafficHook port: tells the deployment the canary's traffic weight at each stage start; the HTTP adapter is src/notify/traffic-hook.ts.
export interface TrafficHookCall {
  analysisId: string;
  application: string;
  stage: { index: number; name: string; trafficWeight: number };
  url: string;
  secretName?: string;
}

export interface TrafficHook {
  /** POSTs the stage's weight to the hook (HMAC-signed); resolves on 2xx, throws otherwise. */
  setWeight(call: TrafficHookCall): Promise<void>;
}
