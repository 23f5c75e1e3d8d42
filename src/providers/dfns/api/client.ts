// A Dfns API client for whtool: Dfns' official SDK (@dfns/sdk 0.8.21) does the user-action signing flow
// (providers.md, Dfns: /auth/action/init → sign → /auth/action → X-DFNS-USERACTION) rather than a
// re-implementation of it; whtool's own KeySigner (signer.ts) signs the challenge. The SDK is CommonJS
// and loaded with the signer here, on the first API call, so `whtool verify` never loads it.
// The SDK sends through cross-fetch (node-fetch), which takes no dispatcher: HTTPS_PROXY is not honoured
// for Dfns calls (README, Configuration).
import { createPrivateKey } from "node:crypto";
import { resolve } from "node:path";
import type { DfnsApiClient } from "@dfns/sdk";
import { readUserText } from "../../../adapters/user-files.js";
import { requireEnv } from "../../../api/errors.js";
import type { ApiContext } from "../../../api/types.js";
import { configError } from "../../../errors.js";
import { dfnsFailure, isRetryable, redactor } from "./errors.js";

/** providers.md, Dfns: the API base (also https://api.uae.dfns.io; staging https://api.dfns.ninja). */
export const DFNS_DEFAULT_API_URL = "https://api.dfns.io";
export const DFNS_API_ENV = ["DFNS_AUTH_TOKEN", "DFNS_CRED_ID", "DFNS_PRIVATE_KEY"] as const;

export type DfnsWebhooks = DfnsApiClient["webhooks"];

/** How long one SDK call may take: the SDK sets no timeout, and a ping waits for the receiver too. */
const CALL_TIMEOUT_MS = 30_000;
const ATTEMPTS = 3;
const BACKOFF_MS = 200;

export interface DfnsConnection {
  readonly baseUrl: string;
  /**
   * Runs one SDK call with a timeout; `idempotent` calls (reads, update, delete, ping) are retried with
   * backoff on network errors and 5xx, never on 4xx. Every failure leaves as a WhtoolError (exit 3/4)
   * with no credential in it.
   */
  call<T>(action: string, run: (webhooks: DfnsWebhooks) => Promise<T>, options: CallOptions): Promise<T>;
}

export interface CallOptions {
  readonly idempotent: boolean;
  /** Next steps by HTTP status, on top of the Dfns defaults (see errors.ts). */
  readonly hints?: Partial<Record<number, string>>;
  /** A next step chosen by Dfns' message too (e.g. the webhook limit, whose status is undocumented). */
  readonly hintFor?: (status: number, message: string) => string | undefined;
}

/** Reads the credentials (exit 3 when missing or unusable) and builds the SDK client. */
export async function connectDfns(ctx: ApiContext, what: string): Promise<DfnsConnection> {
  const env = requireEnv(ctx.env, DFNS_API_ENV, what);
  const baseUrl = apiUrl(ctx.env.DFNS_API_URL);
  const privateKey = await loadPrivateKey(env.DFNS_PRIVATE_KEY ?? "", ctx.cwd);
  const authToken = env.DFNS_AUTH_TOKEN ?? "";
  const redact = redactor([authToken, privateKey, env.DFNS_PRIVATE_KEY ?? ""]);
  const [{ DfnsApiClient }, { KeySigner }] = await Promise.all([import("@dfns/sdk"), import("./signer.js")]);
  // Since 0.8.3 no appId (the X-DFNS-APPID header is gone); orgId is an optional client-side check only.
  const client = new DfnsApiClient({
    baseUrl,
    authToken,
    signer: new KeySigner({ credId: env.DFNS_CRED_ID ?? "", privateKey }),
  });
  return {
    baseUrl,
    async call(action, run, options) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await withTimeout(run(client.webhooks), action);
        } catch (error) {
          if (options.idempotent && attempt < ATTEMPTS && isRetryable(error)) {
            await new Promise((done) => setTimeout(done, BACKOFF_MS * 2 ** (attempt - 1)));
            continue;
          }
          throw dfnsFailure(action, error, {
            baseUrl,
            attempts: attempt,
            hints: options.hints ?? {},
            hintFor: options.hintFor,
            redact,
          });
        }
      }
    },
  };
}

function apiUrl(value: string | undefined): string {
  const text = value?.trim() || DFNS_DEFAULT_API_URL;
  try {
    const url = new URL(text);
    if (url.protocol === "https:" || url.protocol === "http:") return text.replace(/\/+$/, "");
  } catch {
    // refused below
  }
  throw configError(
    `DFNS_API_URL is not an http(s) URL: ${text}`,
    `unset it for ${DFNS_DEFAULT_API_URL}, or give e.g. https://api.uae.dfns.io or the emulator's URL`,
  );
}

/**
 * DFNS_PRIVATE_KEY is the PEM text itself or a path to a PEM file (relative to the working folder).
 * A value that is neither is refused with exit 3, without echoing it: it may be a mangled key.
 */
export async function loadPrivateKey(value: string, cwd: string): Promise<string> {
  let pem: string;
  const text = value.trim();
  if (text.startsWith("-----BEGIN")) {
    // .env files often hold the PEM on one line with literal \n escapes.
    pem = text.includes("\n") ? text : text.replace(/\\n/g, "\n");
  } else {
    const path = resolve(cwd, text);
    try {
      pem = await readUserText(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
      const shown = /\.(pem|key|p8)$/i.test(text) ? path : `a path relative to ${cwd}`;
      throw configError(
        `DFNS_PRIVATE_KEY is neither PEM text (-----BEGIN …) nor a readable file (${shown}: ${code})`,
        "set it to the private key of the credential DFNS_CRED_ID names: the PEM text or the path of its .pem file",
      );
    }
  }
  try {
    createPrivateKey(pem);
  } catch {
    throw configError(
      "DFNS_PRIVATE_KEY is not a private key Node can read",
      "give the PEM private key (PKCS#8 or SEC1; ECDSA P-256, Ed25519 or RSA) of the credential DFNS_CRED_ID names",
    );
  }
  return pem;
}

function withTimeout<T>(promise: Promise<T>, action: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new CallTimeout(action)), CALL_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The SDK sets no timeout of its own: this stands for one. */
export class CallTimeout extends Error {
  readonly code = "ETIMEDOUT";
  constructor(action: string) {
    super(`${action}: no answer within ${CALL_TIMEOUT_MS / 1000} s`);
  }
}
