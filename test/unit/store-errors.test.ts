// Azure SDK failures (RestError statusCode/code, network errors) become typed storage errors.
import { RestError } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import {
  ConflictError,
  EntityTooLargeError,
  NotFoundError,
  StoreError,
  StoreUnavailableError,
  storeCall,
  translateStoreError,
} from "../../src/store/errors";

describe("translateStoreError", () => {
  const cases: [string, unknown, string][] = [
    [
      "404",
      new RestError("The specified resource does not exist.", { statusCode: 404, code: "ResourceNotFound" }),
      "NotFoundError",
    ],
    [
      "409",
      new RestError("The specified entity already exists.", { statusCode: 409, code: "EntityAlreadyExists" }),
      "ConflictError",
    ],
    [
      "412",
      new RestError("The update condition specified in the request was not satisfied.", {
        statusCode: 412,
        code: "UpdateConditionNotSatisfied",
      }),
      "ConflictError",
    ],
    [
      "413",
      new RestError("The entity is larger than the maximum allowed size (1MB).", {
        statusCode: 413,
        code: "EntityTooLarge",
      }),
      "EntityTooLargeError",
    ],
    ["429", new RestError("busy", { statusCode: 429 }), "StoreUnavailableError"],
    [
      "500",
      new RestError("Server failed to authenticate the request.", { statusCode: 500, code: "InternalError" }),
      "StoreUnavailableError",
    ],
    [
      "503",
      new RestError("The server is busy.", { statusCode: 503, code: "ServerBusy" }),
      "StoreUnavailableError",
    ],
    [
      "refused",
      new RestError("connect ECONNREFUSED 127.0.0.1:10002", { code: "ECONNREFUSED" }),
      "StoreUnavailableError",
    ],
    [
      "send error with cause",
      Object.assign(new RestError("request failed", { code: "REQUEST_SEND_ERROR" }), {
        cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
      }),
      "StoreUnavailableError",
    ],
    [
      "abort",
      Object.assign(new Error("The operation was aborted."), { name: "AbortError" }),
      "StoreUnavailableError",
    ],
    [
      "403",
      new RestError("This request is not authorized to perform this operation.", {
        statusCode: 403,
        code: "AuthorizationPermissionMismatch",
      }),
      "StoreMisconfiguredError",
    ],
    [
      "400",
      new RestError("One of the request inputs is not valid.", { statusCode: 400, code: "InvalidInput" }),
      "StoreError",
    ],
    ["plain error", new TypeError("x is not a function"), "StoreError"],
  ];

  it.each(cases)("%s → %s", (_label, error, expected) => {
    const typed = translateStoreError(error, "writing analysis checkout/01J");
    expect(typed.name).toBe(expected);
    expect(typed).toBeInstanceOf(StoreError);
    expect(typed.cause).toBe(error);
  });

  it("says what was being done, the status and the service code", () => {
    const typed = translateStoreError(
      new RestError("The update condition specified in the request was not satisfied.\nRequestId:abc", {
        statusCode: 412,
        code: "UpdateConditionNotSatisfied",
      }),
      "updating analysis checkout/01J",
    );
    expect(typed).toBeInstanceOf(ConflictError);
    expect(typed.statusCode).toBe(412);
    expect(typed.code).toBe("UpdateConditionNotSatisfied");
    expect(typed.message).toMatchInlineSnapshot(
      `"updating analysis checkout/01J: conflict (UpdateConditionNotSatisfied): The update condition specified in the request was not satisfied."`,
    );
  });

  it("keeps typed errors as they are, and storeCall rethrows typed", async () => {
    const notFound = new NotFoundError("gone");
    expect(translateStoreError(notFound, "x")).toBe(notFound);
    await expect(
      storeCall("reading", () => Promise.reject(new RestError("busy", { statusCode: 503 }))),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(storeCall("reading", async () => 7)).resolves.toBe(7);
    expect(new EntityTooLargeError("big")).toBeInstanceOf(StoreError);
  });
});
