import type { PageReply, PageRequest } from "../adapters/inspector-server.js";
import { parseUserUrl, URL_FORMS } from "../core/url.js";
import type { Assets } from "./assets.js";
import { deliveryDetail } from "./detail.js";
import { ReplayRefused, replayRecord } from "./replay.js";
import type { SigningMaterial } from "./resign.js";
import { refuse, SECURITY_HEADERS } from "./security.js";
import type { SseHub } from "./sse.js";
import type { DeliveryStore, ListFilter } from "./store.js";

export interface ApiContext {
  readonly store: DeliveryStore;
  readonly hub: SseHub;
  readonly assets: Assets;
  readonly token: string;
  /** The port the inspector listens on (for the Host and Origin checks). */
  port(): number;
  /** listen's --forward-to: the default replay target. */
  readonly forwardTo: string | null;
  readonly material: SigningMaterial | null;
  now(): Date;
}

const json = (status: number, body: unknown): PageReply => ({
  status,
  headers: { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8" },
  body: JSON.stringify(body),
});
const problem = (status: number, message: string) => json(status, { error: message });

/** Routes one request: the security checks first, then the page, its assets and the JSON API. */
export async function route(request: PageRequest, ctx: ApiContext): Promise<PageReply> {
  const refusal = refuse(request.method, request.headers, ctx.port(), ctx.token);
  if (refusal) return problem(refusal.status, refusal.message);
  const url = new URL(request.url, "http://inspector.invalid");
  const path = url.pathname;
  const isRead = request.method === "GET" || request.method === "HEAD";

  if (isRead) {
    const asset = ctx.assets.get(path, ctx.token);
    if (asset)
      return { status: 200, headers: { ...SECURITY_HEADERS, "content-type": asset.type }, body: asset.body };
    if (path === "/api/deliveries") return json(200, ctx.store.list(filterOf(url.searchParams), pageOf(url)));
    if (path === "/api/events") return events(ctx);
  }
  const match = /^\/api\/deliveries\/([^/]+)(\/body|\/replay)?$/.exec(path);
  if (!match) return problem(404, "no such page or API");
  const id = decodeURIComponent(match[1] ?? "");
  const action = match[2];
  if (isRead && action === "/replay") return problem(405, "replay is a POST");
  if (!isRead && action !== "/replay") return problem(405, "only replay changes anything");
  const record = await ctx.store.record(id);
  if (!record) return problem(404, `no delivery ${id} in this inspector`);

  if (action === "/body")
    return {
      status: 200,
      headers: {
        ...SECURITY_HEADERS,
        "content-type": "application/octet-stream",
        // The id is whtool's own (d_…), but a capture file is anyone's: keep the name to safe characters.
        "content-disposition": `attachment; filename="${id.replace(/[^A-Za-z0-9_.-]/g, "_")}.body"`,
      },
      body: Buffer.from(record.bodyBase64, "base64"),
    };
  if (action === "/replay") {
    const asked = parseReplay(request.body);
    if (typeof asked === "string") return problem(400, asked);
    if (!asked.url && !ctx.forwardTo)
      return problem(400, "give a URL to replay to (listen has no --forward-to)");
    // Typed in the page: read as every command reads a URL (the scheme may be left out).
    const parsed = parseUserUrl(asked.url ?? ctx.forwardTo ?? "");
    if (!parsed.ok) return problem(400, `${asked.url}: ${parsed.problem}; ${URL_FORMS}`);
    const target = parsed.url;
    try {
      return json(
        200,
        await replayRecord(record, { url: target, resign: asked.resign }, ctx.material, ctx.now()),
      );
    } catch (error) {
      if (error instanceof ReplayRefused) return problem(400, error.message);
      throw error;
    }
  }
  const detail = await deliveryDetail(record, ctx.store, {
    forwardTo: ctx.forwardTo,
    material: ctx.material,
  });
  return detail ? json(200, detail) : problem(404, `no delivery ${id} in this inspector`);
}

function filterOf(params: URLSearchParams): ListFilter {
  const verified = params.get("verified");
  const filter: { -readonly [K in keyof ListFilter]: ListFilter[K] } = {};
  for (const key of ["provider", "event", "q"] as const) {
    const value = params.get(key);
    if (value) filter[key] = value;
  }
  if (verified === "true" || verified === "false") filter.verified = verified === "true";
  return filter;
}

function pageOf(url: URL): { limit?: number; before?: number } {
  const limit = Number(url.searchParams.get("limit") ?? "");
  const before = Number(url.searchParams.get("before") ?? "");
  return {
    ...(Number.isInteger(limit) && limit > 0 ? { limit } : {}),
    ...(Number.isInteger(before) && before > 0 ? { before } : {}),
  };
}

function parseReplay(body: Buffer): { url?: string; resign: boolean } | string {
  let value: unknown;
  try {
    value = body.length === 0 ? {} : JSON.parse(body.toString("utf8"));
  } catch {
    return "the replay request is not JSON";
  }
  if (typeof value !== "object" || value === null) return "the replay request is not a JSON object";
  const { url, resign } = value as { url?: unknown; resign?: unknown };
  if (url !== undefined && url !== null && url !== "" && typeof url !== "string")
    return "url must be a string";
  return { ...(typeof url === "string" && url !== "" ? { url } : {}), resign: resign === true };
}

/** Server-Sent Events: each new delivery's summary, each forward answer, and resets. */
function events(ctx: ApiContext): PageReply {
  return {
    status: 200,
    headers: {
      ...SECURITY_HEADERS,
      "content-type": "text/event-stream; charset=utf-8",
      "x-accel-buffering": "no",
    },
    // The hub hands back how to leave it: called when the page goes away.
    stream: (sink) => ctx.hub.add(sink),
  };
}
