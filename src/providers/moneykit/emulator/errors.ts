import { HttpError } from "../../../emulators/router.js";

/** The error codes the emulator answers with (providers.md lists all but the request ones). */
export type MoneyKitErrorCode =
  | "api_error.auth.unauthorized"
  | "api_error.auth.expired_access_token"
  | "api_error.rate_limit_exceeded"
  | "api_error.request.validation_failed"
  | "api_error.request.not_found"
  | "api_error.request.method_not_allowed"
  | "api_error.request.too_large"
  | "api_error.internal_server_error"
  | "link_error.not_found"
  | "link_error.deleted"
  | "link_error.bad_state"
  | "link_error.bad_config"
  | "link_error.forbidden_action";

export interface MoneyKitErrorBody {
  readonly error_code: MoneyKitErrorCode;
  readonly error_message: string;
  readonly documentation_url: string;
}

/** providers.md: every error is `{"error_code","error_message","documentation_url"}`. */
export function mkErrorBody(code: MoneyKitErrorCode, message: string): MoneyKitErrorBody {
  return {
    error_code: code,
    error_message: message,
    documentation_url: `https://docs.moneykit.com/api-reference/errors#${code.replaceAll(".", "-")}`,
  };
}

export function mkError(
  status: number,
  code: MoneyKitErrorCode,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): HttpError {
  return new HttpError(status, mkErrorBody(code, message), headers);
}

/**
 * A body that does not validate. MoneyKit's API answers request validation errors with 422
 * `api_error.request.validation_failed` (its SDKs' HTTPValidationError), malformed JSON included.
 */
export function invalid(message: string): HttpError {
  return mkError(422, "api_error.request.validation_failed", message);
}
