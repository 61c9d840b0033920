// Capturing @azure/functions registrations without the host, then running the captured orchestration and activity.
import { app } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/runtime/clock";
import { LocalDurableRuntime } from "../../src/runtime/durable-runtime";
import {
  activityFunctions,
  captureRegistrations,
  captureRegistrationsAsync,
  DuplicateRegistrationError,
  orchestrationFunctions,
} from "../../src/runtime/function-registry";

describe("captureRegistrations", () => {
  it("records generic, http (including shorthands and df client functions) and timer registrations, then restores app", async () => {
    const originalGeneric = app.generic;
    const originalHttp = app.http;
    const captured = await captureRegistrationsAsync(() => import("../fixtures/orchestrators/functions-app"));
    expect(app.generic).toBe(originalGeneric);
    expect(app.http).toBe(originalHttp);
    expect([...captured.http.keys()].sort()).toEqual(["echoPost", "health", "startGreeting"]);
    expect(captured.http.get("echoPost")?.methods).toEqual(["POST"]);
    expect(captured.http.get("startGreeting")?.route).toBe("greet");
    expect([...captured.timer.keys()]).toEqual(["nightlyPurge"]);
    expect([...captured.generic.keys()].sort()).toEqual(["greet", "greeting"]);
    expect([...orchestrationFunctions(captured).keys()]).toEqual(["greeting"]);
    expect([...activityFunctions(captured).keys()]).toEqual(["greet"]);

    const rt = new LocalDurableRuntime({
      orchestrations: orchestrationFunctions(captured),
      activities: activityFunctions(captured),
      clock: new VirtualClock(new Date("2026-01-01T00:00:00Z")),
    });
    await rt.start("greeting", "coalmine", "g1");
    expect((await rt.waitForCompletion("g1")).output).toBe("hello coalmine");
  });

  it("rejects a name registered twice and still restores app", () => {
    const originalGeneric = app.generic;
    expect(() =>
      captureRegistrations(() => {
        app.generic("twice", { trigger: { type: "x", name: "x" }, handler: () => undefined });
        app.generic("twice", { trigger: { type: "x", name: "x" }, handler: () => undefined });
      }),
    ).toThrow(DuplicateRegistrationError);
    expect(app.generic).toBe(originalGeneric);
  });
});
