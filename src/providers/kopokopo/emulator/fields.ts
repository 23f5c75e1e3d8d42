import { isRecord } from "../../../core/json-body.js";
import { isHttpUrl } from "../../../emulators/types.js";
import { apiError } from "./errors.js";

/**
 * Field checks shared by the emulator's request parsers, each failing with Kopo Kopo's 400 error
 * body. Messages follow Rails' validation wording ("… can't be blank"), as the API's do; they are
 * inferred.
 */

/** A required non-empty string field. */
export function requiredText(body: Record<string, unknown>, key: string, label: string): string {
  const value = body[key];
  if (typeof value !== "string" || value.trim() === "") throw apiError(400, `${label} can't be blank`);
  return value;
}

/** An optional string field (null when absent or empty). */
export function optionalText(body: Record<string, unknown>, key: string): string | null {
  const value = body[key];
  return typeof value === "string" && value !== "" ? value : null;
}

/** A Kenyan mobile number in E.164 (`+2547…`): the Flutter SDK fixture's message for a bad one. */
export function phoneNumber(body: Record<string, unknown>, key: string, label: string): string {
  const value = body[key];
  if (typeof value !== "string" || !/^\+254\d{9}$/.test(value))
    throw apiError(400, `${label} is an invalid number`);
  return value;
}

/** The mobile networks Kopo Kopo pays to (developer guide: "Safaricom"; Airtel is inferred). */
export function network(body: Record<string, unknown>): string {
  const value = requiredText(body, "network", "Network");
  if (value !== "Safaricom" && value !== "Airtel") throw apiError(400, "Network must be Safaricom or Airtel");
  return value;
}

/** `_links.callback_url`: where the result is posted. */
export function callbackUrl(body: Record<string, unknown>): string {
  const links = isRecord(body._links) ? body._links : undefined;
  const url = links?.callback_url;
  if (typeof url !== "string" || !isHttpUrl(url)) throw apiError(400, "Callback url is not a valid url");
  return url;
}

/** An `{currency, value}` amount in KES, value > 0. */
export interface KesAmount {
  readonly currency: string;
  readonly value: number;
  /** As Kopo Kopo writes amounts in results: "100.0". */
  readonly text: string;
}

export function kesAmount(field: unknown): KesAmount {
  const amount = isRecord(field) ? field : undefined;
  const value = Number(amount?.value);
  if (!amount || !Number.isFinite(value) || value <= 0)
    throw apiError(400, "Amount value must be greater than 0");
  const currency = amount.currency ?? "KES";
  if (currency !== "KES") throw apiError(400, "Currency must be KES");
  return { currency, value, text: kopokopoAmount(value) };
}

/** `metadata`: at most 5 key-value pairs (k2-connect-node's documentation of every `metadata`). */
export function metadata(body: Record<string, unknown>): Record<string, unknown> | null {
  if (body.metadata === undefined || body.metadata === null) return null;
  if (!isRecord(body.metadata)) throw apiError(400, "Metadata must be an object");
  if (Object.keys(body.metadata).length > 5)
    throw apiError(400, "Metadata can have at most 5 key-value pairs");
  return body.metadata;
}

/** "100.0", "20000.0", "99.5": how Kopo Kopo renders amounts (seed 001). */
export function kopokopoAmount(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}
