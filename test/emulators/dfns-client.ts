// A hand-rolled Dfns client for the emulator tests: raw HTTP calls and the user-action signing flow done
// step by step with node:crypto, so tests can break each step on purpose. (The SDK-driven test uses
// @dfns/sdk itself.)
import { sign } from "node:crypto";
import type { RunningEmulator } from "../../src/emulators/types.js";

export interface Reply {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON replies
  readonly json: any;
}

export interface CallOptions {
  /** A string is sent verbatim; an object as compact JSON. */
  readonly body?: string | object;
  /** Bearer token; the emulator's own unless given (null: none). */
  readonly token?: string | null;
  readonly userAction?: string;
  readonly headers?: Record<string, string>;
}

export async function call(
  emu: RunningEmulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? emu.env.DFNS_AUTH_TOKEN : options.token;
  if (token !== null && token !== undefined) headers.authorization = `Bearer ${token}`;
  if (options.userAction !== undefined) headers["x-dfns-useraction"] = options.userAction;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] = "application/json";
  }
  const response = await fetch(`${emu.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  return { status: response.status, json: text === "" ? undefined : JSON.parse(text) };
}

export interface SigningOptions {
  readonly privateKey?: string;
  readonly credId?: string;
  /** Replaces the clientData object that gets signed. */
  readonly clientData?: (challenge: string) => object;
  readonly token?: string;
}

/** POST /auth/action/init for a request. */
export function initChallenge(
  emu: RunningEmulator,
  method: string,
  path: string,
  payload: string,
  token?: string,
) {
  return call(emu, "POST", "/auth/action/init", {
    body: {
      userActionPayload: payload,
      userActionHttpMethod: method,
      userActionHttpPath: path,
      userActionServerKind: "Api",
    },
    ...(token === undefined ? {} : { token }),
  });
}

/** The Key assertion whtool's KeySigner (src/providers/dfns/api/signer.ts) sends for a challenge. */
export function keyAssertion(emu: RunningEmulator, challenge: string, options: SigningOptions = {}) {
  const clientData = Buffer.from(
    JSON.stringify(options.clientData?.(challenge) ?? { type: "key.get", challenge }),
  );
  const signature = sign("sha256", clientData, options.privateKey ?? emu.env.DFNS_PRIVATE_KEY ?? "");
  return {
    kind: "Key",
    credentialAssertion: {
      credId: options.credId ?? emu.env.DFNS_CRED_ID,
      clientData: clientData.toString("base64url"),
      signature: signature.toString("base64url"),
    },
  };
}

/** The whole flow: init, sign, POST /auth/action. Returns the reply of the last step. */
export async function signUserAction(
  emu: RunningEmulator,
  method: string,
  path: string,
  payload: string,
  options: SigningOptions = {},
): Promise<Reply> {
  const init = await initChallenge(emu, method, path, payload, options.token);
  if (init.status !== 200) return init;
  return call(emu, "POST", "/auth/action", {
    body: {
      challengeIdentifier: init.json.challengeIdentifier,
      firstFactor: keyAssertion(emu, init.json.challenge, options),
    },
    ...(options.token === undefined ? {} : { token: options.token }),
  });
}

/** A user action good for one request; throws when the flow fails. */
export async function userActionFor(
  emu: RunningEmulator,
  method: string,
  path: string,
  payload: string,
): Promise<string> {
  const reply = await signUserAction(emu, method, path, payload);
  if (reply.status !== 200)
    throw new Error(`user action flow failed: ${reply.status} ${JSON.stringify(reply.json)}`);
  return reply.json.userAction as string;
}

/** A mutating call made the way the SDK makes it: the body signed as a user action first. */
export async function signedCall(
  emu: RunningEmulator,
  method: string,
  path: string,
  body: object | string = {},
) {
  const payload = typeof body === "string" ? body : JSON.stringify(body);
  const userAction = await userActionFor(emu, method, path, payload);
  return call(emu, method, path, { body: payload, userAction });
}

/** Creates a webhook and returns the create reply's JSON (with its secret). */
export async function createWebhook(
  emu: RunningEmulator,
  url: string,
  events: string[] = ["*"],
  extra: object = {},
) {
  const reply = await signedCall(emu, "POST", "/webhooks", { url, events, ...extra });
  if (reply.status !== 200)
    throw new Error(`create webhook failed: ${reply.status} ${JSON.stringify(reply.json)}`);
  return reply.json as { id: string; secret: string; url: string; events: string[]; status: string };
}

/** A clock tests move by hand. */
export function manualClock(start = new Date("2026-11-23T10:00:00.000Z")) {
  let ms = start.getTime();
  return {
    now: () => new Date(ms),
    set: (at: number) => {
      ms = at;
    },
    advance: (byMs: number) => {
      ms += byMs;
    },
    get ms() {
      return ms;
    },
  };
}
