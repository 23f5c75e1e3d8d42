// `whtool trigger ping|events --provider dfns` (providers.md, Dfns: POST /webhooks/{id}/ping answers the
// receiver's status as a string; GET /webhooks/{id}/events lists stored events with their delivery state).
import type { ApiContext, TriggerInput, TriggerOutcome } from "../../../api/types.js";
import { connectDfns, type DfnsConnection } from "./client.js";
import { type ChosenWebhook, chooseWebhook } from "./webhooks.js";

/** How many recent events `trigger events` shows (one page; Dfns allows up to 100). */
const EVENTS_SHOWN = 25;

const notFound = (id: string) => ({
  404: `webhook ${id} no longer exists at Dfns: run whtool register --provider dfns --url … again, or pass another --webhook-id`,
});

export async function triggerDfns(
  input: TriggerInput,
  ctx: ApiContext,
  name: "ping" | "events",
): Promise<TriggerOutcome> {
  const dfns = await connectDfns(ctx, `whtool trigger ${name} --provider dfns`);
  const hook = await chooseWebhook(dfns, input.webhookId, ctx, name);
  return name === "ping" ? ping(dfns, hook) : events(dfns, hook);
}

async function ping(dfns: DfnsConnection, hook: ChosenWebhook): Promise<TriggerOutcome> {
  const answer = await dfns.call(`ping webhook ${hook.id}`, (w) => w.pingWebhook({ webhookId: hook.id }), {
    idempotent: true, // a second ping is harmless
    hints: notFound(hook.id),
  });
  const where = `${hook.id}${hook.url ? ` (${hook.url})` : ""}, ${hook.how}`;
  const delivered = answer.status === "200";
  const answered = /^\d{3}$/.test(answer.status);
  const lines = delivered
    ? [`Dfns pinged webhook ${where}: the receiver answered 200.`]
    : answered
      ? [
          `Dfns pinged webhook ${where}: the receiver answered ${answer.status}${answer.error ? ` (${answer.error})` : ""}.`,
          "Dfns counts only 200 as delivered. Check that whtool listen (or your app) answers at that URL; a 401 from whtool listen means the signature did not verify with the secret it holds.",
        ]
      : [
          `Dfns pinged webhook ${where}, but could not reach it: ${answer.status}${answer.error ? ` (${answer.error})` : ""}.`,
          "Check that the URL is public and that whtool listen (with a tunnel) is running behind it.",
        ];
  lines.push(
    "A ping is one attempt, never retried, and Dfns does not store it: whtool trigger events will not list it.",
  );
  return {
    provider: "dfns",
    trigger: "ping",
    message: lines.join("\n"),
    details: {
      webhookId: hook.id,
      url: hook.url,
      receiverStatus: answer.status,
      ...(answer.error === undefined ? {} : { receiverError: answer.error }),
      delivered,
    },
  };
}

export interface EventRow {
  readonly id: string;
  readonly kind: string;
  readonly date: string;
  readonly status: string;
  readonly error: string | null;
  readonly deliveryFailed: boolean | null;
  readonly deliveryAttempt: number | null;
  readonly nextAttemptDate: string | null;
  readonly retryOf: string | null;
}

async function events(dfns: DfnsConnection, hook: ChosenWebhook): Promise<TriggerOutcome> {
  const answer = await dfns.call(
    `list events of webhook ${hook.id}`,
    (w) => w.listWebhookEvents({ webhookId: hook.id, query: { limit: EVENTS_SHOWN } }),
    { idempotent: true, hints: notFound(hook.id) },
  );
  const items = answer.items.map(row);
  const where = `${hook.id}${hook.url ? ` (${hook.url})` : ""}, ${hook.how}`;
  const lines =
    items.length === 0
      ? [
          `Dfns has no stored events for webhook ${where}.`,
          "Pings are not stored; events appear here once something happens in your Dfns organisation (a wallet, a transfer, a policy…).",
        ]
      : [
          `Recent events of Dfns webhook ${where}, newest first, as Dfns delivered them:`,
          ...table(items),
          ...(answer.nextPageToken
            ? [`Older events exist; only the ${items.length} most recent are shown.`]
            : []),
          ...(items.some((e) => e.deliveryFailed)
            ? [
                "Failed deliveries are retried as new events (retryOf) at 1 min, 12 min, 2 h and 1 day; only a 200 counts as delivered.",
              ]
            : []),
        ];
  return {
    provider: "dfns",
    trigger: "events",
    message: lines.join("\n"),
    details: { webhookId: hook.id, url: hook.url, items, more: Boolean(answer.nextPageToken) },
  };
}

/** Stored events carry fields the SDK's types (0.8.21 too) leave out (providers.md: deliveryFailed, nextAttemptDate…). */
function row(event: Record<string, unknown>): EventRow {
  const text = (key: string) => (typeof event[key] === "string" ? (event[key] as string) : null);
  return {
    id: text("id") ?? "",
    kind: text("kind") ?? "",
    date: text("date") ?? "",
    status: text("status") ?? "",
    error: text("error"),
    deliveryFailed: typeof event.deliveryFailed === "boolean" ? event.deliveryFailed : null,
    deliveryAttempt: typeof event.deliveryAttempt === "number" ? event.deliveryAttempt : null,
    nextAttemptDate: text("nextAttemptDate"),
    retryOf: text("retryOf"),
  };
}

function table(items: readonly EventRow[]): string[] {
  const head = ["KIND", "ID", "STATUS", "FAILED", "ATTEMPT", "NEXT ATTEMPT", "RETRY OF"];
  const rows = items.map((e) => [
    e.kind,
    e.id,
    e.status,
    e.deliveryFailed === null ? "?" : e.deliveryFailed ? "yes" : "no",
    e.deliveryAttempt === null ? "-" : String(e.deliveryAttempt),
    e.nextAttemptDate ?? "-",
    e.retryOf ?? "-",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ")}`.trimEnd();
  return [line(head), ...rows.map(line)];
}
