// Failures of @dfns/sdk calls as the user sees them: exit 4 with Dfns' own message and a next step
// (api/errors.ts apiFailure), and never a credential. The SDK throws DfnsError(httpStatus, message,
// {url, headers, body}) for an HTTP error (utils/fetch.js errorHandler), DfnsError(-1, …) when the signer
// refuses a challenge (signer.ts), PolicyPendingError (202) when a Dfns policy holds the action, and
// node-fetch's FetchError for network failures and non-JSON answers.
import { apiFailure } from "../../../api/errors.js";
import { ApiError } from "../../../api/http.js";
import { networkError, WhtoolError } from "../../../errors.js";

interface SdkError {
  readonly httpStatus: number;
  readonly message: string | undefined;
  readonly context?: unknown;
}

/** A DfnsError, recognised by shape: the class lives in the lazily loaded SDK. */
function asSdkError(error: unknown): SdkError | undefined {
  if (!(error instanceof Error) || error.name !== "DfnsError") return undefined;
  const status = (error as { httpStatus?: unknown }).httpStatus;
  return typeof status === "number" ? (error as unknown as SdkError) : undefined;
}

/** node-fetch's FetchError (type "system" for network errors) or our timeout. */
function networkCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { type, code } = error as { type?: unknown; code?: unknown };
  if (error.name === "FetchError" && type === "system")
    return typeof code === "string" ? code : "network error";
  if (error.name === "FetchError" && type === "request-timeout") return "ETIMEDOUT";
  if (code === "ETIMEDOUT" && error.name !== "FetchError") return "ETIMEDOUT";
  return undefined;
}

const isNotJson = (error: unknown) =>
  error instanceof Error &&
  error.name === "FetchError" &&
  (error as { type?: unknown }).type === "invalid-json";

/** Network errors, 5xx and non-JSON answers (a proxy's HTML 502) may pass; 4xx never do, nor timeouts. */
export function isRetryable(error: unknown): boolean {
  const sdk = asSdkError(error);
  if (sdk) return sdk.httpStatus >= 500;
  const code = networkCode(error);
  return (code !== undefined && code !== "ETIMEDOUT") || isNotJson(error);
}

/** Replaces every credential that might be echoed back (a token in a message) with [redacted]. */
export function redactor(secrets: readonly string[]): (text: string) => string {
  const values = secrets.map((s) => s.trim()).filter((s) => s.length >= 8);
  return (text) => values.reduce((out, secret) => out.split(secret).join("[redacted]"), text);
}

export interface FailureContext {
  readonly baseUrl: string;
  readonly attempts: number;
  readonly hints: Partial<Record<number, string>>;
  readonly hintFor?: ((status: number, message: string) => string | undefined) | undefined;
  readonly redact: (text: string) => string;
}

const PERMISSIONS =
  "Webhooks:Create, Webhooks:Read, Webhooks:Update, Webhooks:Delete, Webhooks:Ping, Webhooks:Events:Read";

/** One SDK failure → a WhtoolError (exit 4, or as thrown when it already is one). */
export function dfnsFailure(action: string, error: unknown, context: FailureContext): WhtoolError {
  const clean = (e: WhtoolError) =>
    new WhtoolError(
      e.code,
      context.redact(e.message),
      e.exitCode,
      e.hint === undefined ? undefined : context.redact(e.hint),
    );
  if (error instanceof WhtoolError) return clean(error);
  const sdk = asSdkError(error);
  if (sdk) return clean(fromSdkError(action, sdk, context));
  const code = networkCode(error);
  if (code !== undefined)
    return clean(
      networkError(
        `Dfns API unreachable at ${new URL(context.baseUrl).origin} (${action}): ${code}`,
        `check DFNS_API_URL (${context.baseUrl}) and your network (${context.attempts} attempt${context.attempts === 1 ? "" : "s"} made)`,
      ),
    );
  if (isNotJson(error))
    return clean(
      networkError(
        `Dfns ${action} failed: the answer from ${new URL(context.baseUrl).origin} is not JSON`,
        "check that DFNS_API_URL points at the Dfns API (a proxy or a wrong host answers HTML); try again later if Dfns is down",
      ),
    );
  throw error; // not an API failure: a bug, left for the internal-error handler
}

function fromSdkError(action: string, error: SdkError, context: FailureContext): WhtoolError {
  // PolicyPendingError: a Dfns policy holds the action until someone approves it (providers.md: 202).
  if (error.httpStatus === 202)
    return networkError(
      `Dfns ${action} is waiting for a policy approval (HTTP 202)`,
      "approve it in the Dfns dashboard (or with the Approvals API), then run the command again",
    );
  // The SDK's signer refused the challenge before anything was signed: the credential is not one Dfns allows.
  if (error.httpStatus < 0)
    return networkError(
      `Dfns ${action} failed: ${error.message ?? "the request could not be signed"}`,
      "DFNS_CRED_ID must be the id of a Key credential of the service account or user behind DFNS_AUTH_TOKEN (Dfns dashboard → the account's credentials)",
    );
  const path = failedPath(error.context);
  const signing = path !== undefined && /\/auth\/action(\/init)?$/.test(path);
  const message = error.message ?? `HTTP ${error.httpStatus}`;
  const hints: Partial<Record<number, string>> = {
    401: signing
      ? "the user action could not be signed: DFNS_PRIVATE_KEY must be the private key of the credential DFNS_CRED_ID names"
      : /expired/i.test(message)
        ? "DFNS_AUTH_TOKEN has expired: create a new service-account token in the Dfns dashboard (whtool cannot renew it)"
        : "DFNS_AUTH_TOKEN was refused: check it is a current service-account or personal token for this Dfns environment (DFNS_API_URL)",
    403: signing
      ? "the credential DFNS_CRED_ID names may not sign for this account: check it is active and belongs to it"
      : `the account behind DFNS_AUTH_TOKEN lacks a permission this needs (${PERMISSIONS}), or the user action was refused: grant it in the Dfns dashboard`,
    ...context.hints,
  };
  const special = context.hintFor?.(error.httpStatus, message);
  if (special !== undefined) hints[error.httpStatus] = special;
  return apiFailure("Dfns", action, new ApiError(error.httpStatus, message, bodyOf(error.context)), hints);
}

function failedPath(context: unknown): string | undefined {
  const url = (context as { url?: unknown } | undefined)?.url;
  if (typeof url !== "string") return undefined;
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

function bodyOf(context: unknown): unknown {
  return (context as { body?: unknown } | undefined)?.body;
}
