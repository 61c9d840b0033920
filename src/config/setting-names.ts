// The app settings a request may name (a webhook's or traffic hook's `secretName`, any later one): COALMINE_HOOK_* only,
// so a request can never make Coalmine use (or reveal the existence of) its own credentials (docs/security.md).
import { z } from "zod";

export const REQUEST_SETTING_PREFIX = "COALMINE_HOOK_";
const NAME = /^COALMINE_HOOK_[A-Z0-9_]{1,100}$/;

/** Whether a request may name this setting. */
export function isRequestSettingName(name: string): boolean {
  return NAME.test(name);
}

export const REQUEST_SETTING_MESSAGE = `a request may name only app settings whose names start with ${REQUEST_SETTING_PREFIX} (capital letters, digits and _ after it, e.g. COALMINE_HOOK_DEPLOY_SECRET)`;

/** A setting name in a request. */
export const RequestSettingNameSchema = z.string().regex(NAME, REQUEST_SETTING_MESSAGE);
