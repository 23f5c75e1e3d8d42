// Dfns list endpoints: `?limit=&paginationToken=` → `{items, nextPageToken?}` (providers.md, Dfns).
import { badRequest } from "./errors.js";

const MAX_LIMIT = 100;

export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken?: string;
}

/** One page of `items`; the token is opaque to callers (an offset here) and absent on the last page. */
export function paginate<T>(items: readonly T[], query: URLSearchParams): Page<T> {
  const limitText = query.get("limit");
  const limit = limitText === null || limitText === "" ? MAX_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw badRequest(`limit must be an integer from 1 to ${MAX_LIMIT}`);
  const token = query.get("paginationToken");
  const offset = token === null || token === "" ? 0 : decodeToken(token);
  const page = items.slice(offset, offset + limit);
  const next = offset + limit;
  return next < items.length ? { items: page, nextPageToken: encodeToken(next) } : { items: page };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString("base64url");
}

function decodeToken(token: string): number {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    const offset =
      typeof value === "object" && value !== null ? (value as { offset?: unknown }).offset : undefined;
    if (typeof offset === "number" && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the 400 below
  }
  throw badRequest("paginationToken is not valid");
}
