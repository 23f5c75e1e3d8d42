import { isLoopback, requireHttpUrl } from "../../../api/client-credentials.js";
import { apiFailure } from "../../../api/errors.js";
import { ApiHttp } from "../../../api/http.js";
import type { ApiContext, TriggerInput, TriggerOutcome } from "../../../api/types.js";
import { isRecord } from "../../../core/json-body.js";
import { configError, usageError } from "../../../errors.js";
import { kopokopoBaseUrl, kopokopoClient, kopokopoMessage } from "./client.js";

/**
 * Kopo Kopo has no test-webhook endpoint (providers.md): sandbox deliveries come from sandbox
 * transactions. `buygoods` explains that and, against the emulator, asks it to simulate a payment;
 * `stk-push` starts a real sandbox transaction (`POST /api/v1/incoming_payments`).
 */

const NO_TEST_ENDPOINT =
  "Kopo Kopo has no test-webhook endpoint: real sandbox deliveries come from real sandbox transactions, e.g. an STK push (whtool trigger stk-push --provider kopokopo --to URL, which calls POST /api/v1/incoming_payments).";

/** The placeholder payer number in Kopo Kopo's own examples (seed 001's sample webhook). */
export const SANDBOX_PHONE = "+254999999999";

/** --amount as a positive number of shillings (default 100, the seed's sample amount). */
function amountOf(input: TriggerInput): number {
  const raw = input.amount?.trim() || "100";
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || !/^\d+(\.\d{1,2})?$/.test(raw))
    throw usageError(
      `--amount must be a positive number of shillings, got "${input.amount}"`,
      "e.g. --amount 100",
    );
  return value;
}

/** Kopo Kopo writes amounts as "100.0" (seed 001). */
const shillings = (value: number) => (Number.isInteger(value) ? value.toFixed(1) : String(value));

/**
 * Whether KOPOKOPO_API_URL is whtool's emulator: it binds loopback only, so a loopback URL is taken as
 * it; elsewhere (a forwarded port, a container name) its simulation route is probed: the emulator
 * answers a GET there with 405 (POST only), Kopo Kopo with 404.
 */
async function isEmulator(baseUrl: string, env: ApiContext["env"]): Promise<boolean> {
  if (isLoopback(baseUrl)) return true;
  const probe = new ApiHttp({
    name: "Kopo Kopo",
    baseUrl,
    env,
    errorMessage: kopokopoMessage,
    attempts: 1,
    timeoutMs: 5_000,
  });
  try {
    const res = await probe.request("GET", "/_emulator/simulate/buygoods", { accept: () => true });
    return res.status === 405;
  } catch {
    return false;
  }
}

export async function buygoods(input: TriggerInput, ctx: ApiContext): Promise<TriggerOutcome> {
  const amount = amountOf(input);
  const baseUrl = kopokopoBaseUrl(ctx);
  if (!(await isEmulator(baseUrl, ctx.env)))
    return {
      provider: "kopokopo",
      trigger: "buygoods",
      message: [
        NO_TEST_ENDPOINT,
        `KOPOKOPO_API_URL (${baseUrl}) is not whtool's emulator, so nothing was sent.`,
        "To get a buygoods_transaction_received delivery: start a sandbox STK push with whtool trigger stk-push, or pay the till from the sandbox.",
        "Offline: whtool emulate --provider kopokopo, then this trigger simulates the payment.",
      ].join("\n"),
      details: { emulator: false, sent: false },
    };
  const till = input.till?.trim() || ctx.env.KOPOKOPO_TILL_NUMBER?.trim() || undefined;
  const http = new ApiHttp({
    name: "Kopo Kopo emulator",
    baseUrl,
    env: ctx.env,
    errorMessage: kopokopoMessage,
  });
  ctx.say(
    `Kopo Kopo emulator: simulating a KES ${shillings(amount)} payment${till ? ` to till ${till}` : ""}`,
  );
  let body: unknown;
  try {
    ({ body } = await http.request("POST", "/_emulator/simulate/buygoods", {
      json: { amount, ...(till === undefined ? {} : { till_number: till }) },
    }));
  } catch (error) {
    throw apiFailure("Kopo Kopo emulator", "simulate buygoods", error, {
      400: "the emulator refused the payment: check --amount and --till (the emulator's tills are in whtool emulate's KOPOKOPO_TILL_NUMBER)",
    });
  }
  const deliveries = isRecord(body) && Array.isArray(body.deliveries) ? body.deliveries.filter(isRecord) : [];
  const urls = deliveries.map((d) => String(d.url));
  const lines = [
    NO_TEST_ENDPOINT,
    `This is whtool's emulator, so it simulated an M-PESA payment of KES ${shillings(amount)}${till ? ` to till ${till}` : ""}: buygoods_transaction_received went to ${urls.length} subscription${urls.length === 1 ? "" : "s"}${urls.length > 0 ? ` (${urls.join(", ")})` : ""}.`,
    urls.length > 0
      ? "It is signed with KOPOKOPO_API_KEY: watch it in whtool listen --provider kopokopo."
      : "No subscription matched that till: run whtool register --provider kopokopo --url URL first.",
  ];
  return {
    provider: "kopokopo",
    trigger: "buygoods",
    message: lines.join("\n"),
    details: {
      emulator: true,
      sent: urls.length > 0,
      eventId: isRecord(body) && typeof body.event_id === "string" ? body.event_id : null,
      amount: shillings(amount),
      till: till ?? null,
      deliveries: urls,
    },
  };
}

export async function stkPush(input: TriggerInput, ctx: ApiContext): Promise<TriggerOutcome> {
  const callbackUrl = requireHttpUrl(
    input.to,
    "--to",
    "trigger stk-push --provider kopokopo (the payment result's callback)",
  );
  const amount = amountOf(input);
  const client = kopokopoClient(ctx, "Kopo Kopo trigger stk-push");
  const till = input.till?.trim() || ctx.env.KOPOKOPO_TILL_NUMBER?.trim();
  if (!till)
    throw configError(
      "an STK push needs the till to pay: pass --till or set KOPOKOPO_TILL_NUMBER",
      "the till number is on your Kopo Kopo dashboard",
    );
  // The request the developer guide and SDKs send (k2-connect-node StkService.initiateIncomingPayment).
  const body = {
    payment_channel: "M-PESA STK Push",
    till_number: till,
    subscriber: {
      first_name: "Jane",
      last_name: "Doe",
      phone_number: SANDBOX_PHONE,
      email: "jane.doe@example.com",
    },
    amount: { currency: "KES", value: shillings(amount) },
    metadata: { source: "whtool trigger stk-push" },
    _links: { callback_url: callbackUrl },
  };
  ctx.say(`Kopo Kopo: requesting an STK push of KES ${shillings(amount)} to till ${till}`);
  let location: string | undefined;
  try {
    location =
      (await client.request("POST", "/api/v1/incoming_payments", body)).headers.location || undefined;
  } catch (error) {
    throw client.failure("STK push", error, {
      400: "Kopo Kopo refused the payment request: check --till (an STK-enabled till of this company) and --amount",
    });
  }
  const resolved = location ? new URL(location, `${client.baseUrl}/`).toString() : null;
  return {
    provider: "kopokopo",
    trigger: "stk-push",
    message: [
      `Kopo Kopo accepted an STK push of KES ${shillings(amount)} from ${SANDBOX_PHONE} (the placeholder number of Kopo Kopo's examples) to till ${till}.`,
      `Location: ${resolved ?? "(none given)"}`,
      `When it completes, Kopo Kopo posts the incoming_payment result to ${callbackUrl} and sends buygoods_transaction_received to the till's subscriptions, signed with KOPOKOPO_API_KEY.`,
    ].join("\n"),
    details: { location: resolved, amount: shillings(amount), till, phone: SANDBOX_PHONE, callbackUrl },
  };
}
