import type { CaptureWriter } from "../adapters/capture.js";
import type { Answer, IncomingRequest, Refusal } from "../adapters/listener.js";
import {
  type CaptureRecord,
  type FollowUpRecord,
  followUpRecord,
  refusedRecord,
  toRecord,
} from "../core/capture-format.js";
import type { DedupeIndex } from "../core/dedupe.js";
import type { Delivery } from "../core/delivery.js";
import type { Arrival, DeliveryEvent, ListenEvent } from "../core/events.js";
import { firstLine } from "../core/post-result.js";
import type { ProviderId } from "../core/provider-id.js";
import { type Verdict, VerdictBuilder } from "../core/verdict.js";
import { type DoctorInput, diagnose } from "../providers/doctor/index.js";
import { detectProvider, PROVIDERS } from "../providers/index.js";
import type { VerifyOptions } from "../providers/types.js";
import { arrivalNote, classify } from "./classify.js";
import { newDeliveryId } from "./delivery-id.js";
import { forwardDelivery } from "./forward.js";
import { decideStatus, type ResponseScript } from "./respond.js";

// The event types live in the core (ui/ renders them); re-exported for the loop, which imports them here.
export type { DeliveryEvent, ErrorEvent, ForwardEvent, ListenEvent, RefusedEvent } from "../core/events.js";
export { hopByHopStripped } from "./forward.js";

export interface SessionOptions {
  readonly path: string;
  readonly maxBody: number;
  readonly provider?: ProviderId;
  readonly capture?: CaptureWriter;
  readonly respond?: ResponseScript;
  readonly forwardTo?: string;
  readonly forwardTimeoutMs?: number;
  readonly dedupe: DedupeIndex;
  /** The clock for records written after receipt (follow-ups); the listener stamps receipt itself. */
  readonly now?: () => Date;
  /** Verification settings per provider; a missing secret gives `no_secret` verdicts, not a crash. */
  verifyOptions(provider: ProviderId): Omit<VerifyOptions, "at">;
  /** What the signature doctor needs to explain a failed delivery; without it, no diagnosis. */
  doctor?(provider: ProviderId): Promise<Omit<DoctorInput, "at">>;
  onEvent(event: ListenEvent): void;
}

/**
 * The receiver, one straight pipeline per request: classify (method, size, path) → verify (webhooks
 * only; the doctor only for failures) → dedupe (webhooks only) → decide the answer (decideStatus) →
 * capture once, before answering and before forwarding → forward → emit. Never throws: whatever
 * breaks is reported and answered.
 */
export class ListenSession {
  constructor(private readonly options: SessionOptions) {}

  async handle(request: IncomingRequest): Promise<Answer> {
    const arrival = classify(request, this.options.path);
    if (arrival === "probe")
      return { status: 200, body: `whtool is listening: POST webhooks to ${this.options.path}\n` };

    const delivery: Delivery = {
      id: newDeliveryId(request.receivedAt),
      method: request.method,
      path: request.path,
      headers: request.headers,
      body: request.body,
      receivedAt: request.receivedAt,
      ...(request.remote === null ? {} : { remote: request.remote }),
    };
    const webhook = arrival === "webhook";
    const note = arrivalNote(arrival, request, this.options);
    const provider = this.options.provider ?? detectProvider(delivery.headers);
    const verdict = await this.#judge(arrival, delivery, provider, note);
    const duplicateOf = webhook ? this.options.dedupe.observe(delivery.id, verdict) : null;
    const rejectStatus = provider ? PROVIDERS[provider].info.rejectStatus : 401;
    const scripted = webhook ? this.options.respond?.take() : undefined;
    const forwardTo = webhook ? this.options.forwardTo : undefined;
    const facts = { arrival, verdict, rejectStatus, ...(scripted === undefined ? {} : { scripted }) };
    // Forwarded, the answer waits for the target: the record says so (response null) and a
    // follow-up record, written once the target answered, holds both answers.
    const plan = forwardTo === undefined ? { status: decideStatus(facts) } : { forwardTo };
    const record = toRecord(delivery, {
      provider: arrival === "off-path" ? null : (provider ?? null),
      verdict,
      response: "status" in plan ? { status: plan.status } : null,
      ...("forwardTo" in plan ? { forwardTo: plan.forwardTo } : {}),
      ...(arrival === "oversize" ? { oversizeBytes: request.oversizeBytes } : {}),
    });
    const event = { arrival, delivery, record, verdict, duplicateOf, note };

    if (!(await this.#capture(delivery.id, record))) return this.#unsaved(event);
    if ("status" in plan) {
      this.#emitDelivery(event, plan.status);
      return { status: plan.status, body: answerText(arrival, verdict) };
    }

    const timeoutMs = this.options.forwardTimeoutMs ?? 10_000;
    const forwarded = await forwardDelivery(delivery, plan.forwardTo, timeoutMs);
    const answered = decideStatus({ ...facts, forwarded: forwarded.status });
    // The delivery itself is already kept: a follow-up that cannot be written is reported, not fatal.
    const followUp = followUpRecord(delivery.id, this.options.now?.() ?? new Date(), forwarded, answered);
    await this.#capture(delivery.id, followUp);
    // In this order, so the forward line is printed under its delivery.
    this.#emitDelivery(event, answered);
    this.options.onEvent({
      type: "forward",
      id: delivery.id,
      url: forwarded.url,
      status: forwarded.status,
      error: forwarded.error,
      durationMs: forwarded.durationMs,
      headers: forwarded.headers,
      firstLine: firstLine(forwarded.body),
      bodyBase64: followUp.forward.bodyBase64,
    });
    return {
      status: answered,
      body: `whtool: forwarded, target answered ${forwarded.status ?? "nothing"}\n`,
    };
  }

  /** A request the listener refused before reading it: recorded and reported, never silently dropped. */
  refused(refusal: Refusal): void {
    const id = newDeliveryId(refusal.at);
    void this.#capture(id, refusedRecord(id, refusal)).then(() =>
      this.options.onEvent({ type: "refused", id, ...refusal }),
    );
  }

  /** Webhooks are verified (and a failure diagnosed); the rest get a verdict that says why they were not. */
  async #judge(
    arrival: Arrival,
    delivery: Delivery,
    provider: ProviderId | undefined,
    note: string | null,
  ): Promise<Verdict> {
    if (arrival === "off-path") return new VerdictBuilder(null).fail("path", "unknown_provider", note ?? "");
    if (arrival === "oversize")
      return new VerdictBuilder(provider ?? null).fail("size", "malformed_body", note ?? "");
    const verdict = await this.#verify(delivery, provider);
    if (verdict.verified || provider === undefined || !this.options.doctor) return verdict;
    const input = await this.options.doctor(provider);
    const { keys } = this.options.verifyOptions(provider);
    return {
      ...verdict,
      diagnosis: await diagnose(provider, delivery, verdict, {
        ...input,
        ...(keys === undefined ? {} : { keys }),
        at: delivery.receivedAt,
      }),
    };
  }

  async #verify(delivery: Delivery, provider: ProviderId | undefined): Promise<Verdict> {
    if (provider === undefined)
      return new VerdictBuilder(null).fail(
        "provider",
        "unknown_provider",
        "no provider signature header; start listen with --provider ID",
      );
    try {
      return await PROVIDERS[provider].verify(delivery, {
        ...this.options.verifyOptions(provider),
        at: delivery.receivedAt,
      });
    } catch (error) {
      this.options.onEvent({
        type: "error",
        id: delivery.id,
        message: `verifying failed: ${(error as Error).message}`,
      });
      return new VerdictBuilder(provider).fail(
        "verify",
        "malformed_body",
        `verification crashed: ${(error as Error).message}`,
      );
    }
  }

  /** Appends one line; false (after reporting) when the capture file cannot be written. */
  async #capture(id: string, record: CaptureRecord | FollowUpRecord): Promise<boolean> {
    if (!this.options.capture) return true;
    try {
      await this.options.capture.append(record);
      return true;
    } catch (error) {
      this.options.onEvent({
        type: "error",
        id,
        message: `could not write the capture: ${(error as Error).message}`,
      });
      return false;
    }
  }

  /** The delivery could not be kept: answer 503 so the provider retries it later. */
  #unsaved(event: Omit<DeliveryEvent, "type" | "status" | "skewS">): Answer {
    this.#emitDelivery(
      { ...event, note: event.note ?? "not captured (see error): answered 503 so the provider retries" },
      503,
    );
    return { status: 503, body: "whtool: could not store the delivery, try again\n" };
  }

  #emitDelivery(event: Omit<DeliveryEvent, "type" | "status" | "skewS">, status: number): void {
    const sentAt = event.verdict.meta.sentAt;
    const skewS =
      typeof sentAt === "number" ? Math.round(event.delivery.receivedAt.getTime() / 1000 - sentAt) : null;
    this.options.onEvent({ type: "delivery", ...event, status, skewS });
  }
}

function answerText(arrival: Arrival, verdict: Verdict): string {
  if (arrival === "oversize") return "whtool: body over the limit\n";
  if (arrival === "off-path") return "whtool: not the webhook path\n";
  return `whtool: ${verdict.verified ? "verified" : (verdict.reason ?? "not verified")}\n`;
}
