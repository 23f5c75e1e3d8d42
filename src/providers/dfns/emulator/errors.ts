import { HttpError } from "../../../emulators/router.js";

/** Dfns' error body: `{"error":{"message":".."}}` (providers.md; dfns-api-docs getting-started/errors.md). */
export function dfnsErrorBody(message: string): { error: { message: string } } {
  return { error: { message } };
}

export function dfnsError(status: number, message: string): HttpError {
  return new HttpError(status, dfnsErrorBody(message));
}

/** Messages the Dfns error reference spells out, reused verbatim. */
export const DFNS_MESSAGES = {
  notAuthorized: "Not Authorized.",
  userActionInvalid: "user action signature is missing or invalid",
  userActionUsed: "user action has already been used",
  challengeInvalid: "Challenge token is not valid.",
  noCredential: "User does not have a credential that can be used for the application.",
} as const;

export const badRequest = (message: string): HttpError => dfnsError(400, message);
