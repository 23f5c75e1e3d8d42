import type { ApiContext, TriggerInput, TriggerOutcome } from "../../../api/types.js";
import { isRecord } from "../../../core/json-body.js";
import { configError, usageError } from "../../../errors.js";
import { brackenClient } from "./client.js";
import { strongPassword, testUsername } from "./secrets.js";

/**
 * GUESS: Bracken does not publish its delete-user endpoint (seed 003: deleteUser.py "is identical to
 * newUser.py except the url"). This mirrors the create path; BRACKEN_DELETE_USER_PATH overrides it.
 */
export const BRACKEN_DELETE_USER_PATH_DEFAULT = "/api/user/delete/domain/{domainkey}";

/** `trigger user-create`: a real test user (Bracken has no test-webhook call); its creation fires User_Create. */
export async function userCreate(ctx: ApiContext): Promise<TriggerOutcome> {
  const client = brackenClient(ctx, "Bracken trigger user-create");
  const username = testUsername();
  // The seed's own advice: "create a strong password". It is used once and never shown or kept.
  const password = strongPassword();
  ctx.say(`Bracken: creating test user ${username} in domain ${client.domainKey}`);
  const res = await client.call(
    "POST",
    `/api/user/create/domain/${client.domainKey}`,
    { username, password },
    "create user",
    {
      400: "Bracken refused the new user's values (a password policy stricter than upper, lower, digit and symbol?)",
      403: "these credentials may not create users in this domain: check BRACKEN_DOMAIN_KEY",
      409: "that user name is taken: run the trigger again (a new random name is chosen each time)",
    },
    [password],
  );
  const userKey = isRecord(res.body) && typeof res.body.userKey === "number" ? res.body.userKey : null;
  const subscribed = (await ctx.state.secrets("bracken")).some((s) => s.id === "User_Create");
  const lines = [
    `Created Bracken test user ${username}${userKey === null ? "" : ` (userKey ${userKey})`} in domain ${client.domainKey}: Bracken sends User_Create to the subscribed URL.`,
    "Its password was random and is not shown; nobody needs it.",
    subscribed
      ? "Watch for it in whtool listen --provider bracken."
      : "whtool has no User_Create subscription on record here: if nothing arrives, run whtool register --provider bracken --url URL first.",
    `Clean up: whtool trigger user-delete --provider bracken --username ${username}`,
  ];
  return {
    provider: "bracken",
    trigger: "user-create",
    message: lines.join("\n"),
    details: { event: "User_Create", username, userKey, domainKey: Number(client.domainKey) },
  };
}

/** `trigger user-delete --username U`: removes a test user at the configured (guessed) path; fires User_Delete. */
export async function userDelete(input: TriggerInput, ctx: ApiContext): Promise<TriggerOutcome> {
  const username = input.username?.trim();
  if (!username)
    throw usageError(
      "trigger user-delete --provider bracken needs --username NAME",
      "pass the test user that user-create printed, e.g. --username whtool-test-1a2b3c",
    );
  const configured = ctx.env.BRACKEN_DELETE_USER_PATH?.trim();
  const template = configured || BRACKEN_DELETE_USER_PATH_DEFAULT;
  if (!template.startsWith("/"))
    throw configError(
      `BRACKEN_DELETE_USER_PATH must be a path starting with "/", got "${template}"`,
      `e.g. ${BRACKEN_DELETE_USER_PATH_DEFAULT} ({domainkey} is replaced by BRACKEN_DOMAIN_KEY)`,
    );
  const client = brackenClient(ctx, "Bracken trigger user-delete");
  const path = template.replace(/\{domainkey\}|:domainkey\b/gi, client.domainKey);
  const guess = configured
    ? `the path from BRACKEN_DELETE_USER_PATH (${path})`
    : `${path}, a guess: Bracken does not publish its delete-user endpoint (set BRACKEN_DELETE_USER_PATH to the real one)`;
  ctx.say(`Bracken: deleting user ${username} via ${path}`);
  const wrongPath = `either the user does not exist in domain ${client.domainKey} or the delete endpoint is not ${path}: Bracken does not publish it; ask Bracken and set BRACKEN_DELETE_USER_PATH`;
  await client.call("POST", path, { username }, "delete user", { 404: wrongPath, 405: wrongPath });
  return {
    provider: "bracken",
    trigger: "user-delete",
    message: [
      `Deleted Bracken user ${username} from domain ${client.domainKey}: Bracken sends User_Delete to its subscribed URL, if any.`,
      `Endpoint used: ${guess}.`,
    ].join("\n"),
    details: { event: "User_Delete", username, path, pathSource: configured ? "env" : "default-guess" },
  };
}
