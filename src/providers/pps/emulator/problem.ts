import { randomBytes } from "node:crypto";
import { isRecord } from "../../../core/json-body.js";
import { type EmuRequest, HttpError } from "../../../emulators/router.js";

// providers.md gives no PointServices error body. Inferred: RFC 9457 problem details as ASP.NET Core
// answers them (PPS's 7-digit Triggered-At is .NET DateTime precision), with a W3C traceId.

const TYPES: Readonly<Record<number, string>> = {
  400: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
  401: "https://tools.ietf.org/html/rfc9110#section-15.5.2",
  404: "https://tools.ietf.org/html/rfc9110#section-15.5.5",
  405: "https://tools.ietf.org/html/rfc9110#section-15.5.6",
};
const TITLES: Readonly<Record<number, string>> = {
  400: "One or more validation errors occurred.",
  401: "Unauthorized",
  404: "Not Found",
  405: "Method Not Allowed",
};

export const PROBLEM_JSON = { "content-type": "application/problem+json; charset=utf-8" };

export function problemBody(status: number, detail: string, errors?: Record<string, string[]>) {
  return {
    type: TYPES[status] ?? "about:blank",
    title: TITLES[status] ?? "Error",
    status,
    detail,
    ...(errors ? { errors } : {}),
    traceId: `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-00`,
  };
}

export function problem(
  status: number,
  detail: string,
  options: { errors?: Record<string, string[]>; headers?: Record<string, string> } = {},
): HttpError {
  return new HttpError(status, problemBody(status, detail, options.errors), {
    ...PROBLEM_JSON,
    ...options.headers,
  });
}

/** 400 with one field error, ASP.NET validation style: `errors: {"$.address": ["…"]}`. */
export function invalid(field: string, message: string): HttpError {
  return problem(400, message, { errors: { [field]: [message] } });
}

/** The request body as a JSON object, or a 400 problem. */
export function readJsonObject(req: EmuRequest): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(req.body.toString("utf8"));
  } catch {
    throw invalid("$", "The request body is not valid JSON.");
  }
  if (!isRecord(value)) throw invalid("$", "The request body must be a JSON object.");
  return value;
}

/** An absolute http(s) URL, or undefined. */
export function httpUrl(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? value : undefined;
  } catch {
    return undefined;
  }
}
