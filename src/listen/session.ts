import { randomBytes } from "node:crypto";
import type { CaptureWriter } from "../adapters/capture.js";
import { isConnectionHeader, postRaw } from "../adapters/http-post.js";
import type { Answer, IncomingRequest } from "../adapters/listener.js";
import { toRecord } from "../core/capture-format.js";
import type { DedupeIndex } from "../core/dedupe.js";
import type { Delivery, HeaderPair } from "../core/delivery.js";
import { headerValue } from "../core/delivery.js";
import type { ProviderId } from "../core/provider-id.js";
import { type Verdict, VerdictBuilder } from "../core/verdict.js";
import { type DoctorInput, diagnose } from "../providers/doctor/index.js";
import { detectProvider, PROVIDERS } from "../providers/index.js";
import type { VerifyOptions } from "../providers/types.js";
import { defaultStatus, type ResponseScript } from "./respond.js";

export interface DeliveryEvent {
  readonly type: "delivery";
  readonly delivery: Delivery;
  readonly verdict: Verdict;
  readonly duplicateOf: string | null;
  readonly status: number;
  /** Seconds between the provider's own send time (when it states one) and receipt. */
  readonly skewS: number | null;
  readonly note: string | null;
}
export interface ForwardEvent {
  readonly type: "forward";
  readonly id: string;
  readonly url: string;
  readonly status: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}
export interface ErrorEvent {
  readonly type: "error";
  readonly id: string | null;
  readonly message: string;
}
export type ListenEvent = DeliveryEvent | ForwardEvent | ErrorEvent;

export interface SessionOptions {
  readonly path: string;
  readonly maxBody: number;
  readonly provider?: ProviderId;
  readonly capture?: CaptureWriter;
  readonly respond?: ResponseScript;
  readonly forwardTo?: string;
  readonly forwardTimeoutMs?: number;
  readonly dedupe: DedupeIndex;
  /** Verification settings per provider; a missing secret gives `no_secret` verdicts, not a crash. */
  verifyOptions(provider: ProviderId): Omit<VerifyOptions, "at">;
  /** What the signature doctor needs to explain a failed delivery; without it, no diagnosis. */
  doctor?(provider: ProviderId): Promise<Omit<DoctorInput, "at">>;
  onEvent(event: ListenEvent): void;
}

/** Unique and roughly time-ordered: sorting capture ids sorts deliveries by arrival. */
export function newDeliveryId(at: Date): string {
  return `d_${at.getTime().toString(36).padStart(9, "0")}${randomBytes(5).toString("hex")}`;
}

/**
 * One delivery, start to end: verify, capture (always before answering, and before forwarding),
 * forward, decide the answer, report. Never throws: whatever breaks is reported and answered.
 */
export class ListenSession {
  constructor(private readonly options: SessionOptions) {}

  async handle(request: IncomingRequest): Promise<Answer> {
    if (request.method === "GET" || request.method === "HEAD")
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
    const provider = this.options.provider ?? detectProvider(delivery.headers);
    const onPath = request.path.split("?")[0] === this.options.path;
    let verdict: Verdict;
    let note: string | null = null;
    if (request.oversizeBytes !== null) {
      note = `${request.oversizeBytes} bytes, over the ${this.options.maxBody}-byte limit (--max-body): answered 413, body not kept`;
      verdict = new VerdictBuilder(provider ?? null).fail("size", "malformed_body", note);
    } else {
      verdict = await this.#verify(delivery, provider);
    }
    // An oversize body was not kept: there is nothing to try counterfactuals on.
    if (!verdict.verified && provider !== undefined && request.oversizeBytes === null && this.options.doctor)
      verdict = {
        ...verdict,
        diagnosis: diagnose(provider, delivery, verdict, {
          ...(await this.options.doctor(provider)),
          at: delivery.receivedAt,
        }),
      };
    if (!onPath) note = `not the webhook path ${this.options.path}: answered 404`;
    const duplicateOf = this.options.dedupe.observe(delivery.id, verdict);
    const rejectStatus = provider ? PROVIDERS[provider].info.rejectStatus : 401;
    const scripted = this.options.respond?.take();

    let status: number;
    if (request.oversizeBytes !== null) status = 413;
    else if (!onPath) status = 404;
    else if (this.options.forwardTo !== undefined) {
      if (!(await this.#capture(delivery, provider, verdict, null, { oversizeBytes: null })))
        return this.#unsaved(delivery, verdict, duplicateOf, note);
      const forwarded = await this.#forward(delivery, this.options.forwardTo);
      status = scripted ?? forwarded ?? 502;
      this.#emitDelivery(delivery, verdict, duplicateOf, status, note);
      return { status, body: `whtool: forwarded, target answered ${forwarded ?? "nothing"}\n` };
    } else status = scripted ?? defaultStatus(verdict, rejectStatus);

    if (!(await this.#capture(delivery, provider, verdict, status, { oversizeBytes: request.oversizeBytes })))
      return this.#unsaved(delivery, verdict, duplicateOf, note);
    this.#emitDelivery(delivery, verdict, duplicateOf, status, note);
    return {
      status,
      body: `whtool: ${verdict.verified ? "verified" : (verdict.reason ?? "not verified")}\n`,
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

  /** Appends the delivery; false (after reporting) when the capture file cannot be written. */
  async #capture(
    delivery: Delivery,
    provider: ProviderId | undefined,
    verdict: Verdict,
    status: number | null,
    extra: { oversizeBytes: number | null },
  ): Promise<boolean> {
    if (!this.options.capture) return true;
    try {
      await this.options.capture.append(
        toRecord(delivery, {
          provider: provider ?? null,
          verdict,
          response: status === null ? null : { status },
          ...(this.options.forwardTo === undefined ? {} : { forwardTo: this.options.forwardTo }),
          ...(extra.oversizeBytes === null ? {} : { oversizeBytes: extra.oversizeBytes }),
        }),
      );
      return true;
    } catch (error) {
      this.options.onEvent({
        type: "error",
        id: delivery.id,
        message: `could not write the capture: ${(error as Error).message}`,
      });
      return false;
    }
  }

  /** The delivery could not be kept: answer 503 so the provider retries it later. */
  #unsaved(delivery: Delivery, verdict: Verdict, duplicateOf: string | null, note: string | null): Answer {
    this.#emitDelivery(
      delivery,
      verdict,
      duplicateOf,
      503,
      note ?? "not captured (see error): answered 503 so the provider retries",
    );
    return { status: 503, body: "whtool: could not store the delivery, try again\n" };
  }

  async #forward(delivery: Delivery, url: string): Promise<number | null> {
    // The target's own path, with the delivery's query string when the target URL has none.
    const query = delivery.path.includes("?") ? delivery.path.slice(delivery.path.indexOf("?")) : "";
    const forwardUrl = query && !url.includes("?") ? `${url}${query}` : url;
    const result = await postRaw(forwardUrl, hopByHopStripped(delivery.headers), delivery.body, {
      method: delivery.method,
      timeoutMs: this.options.forwardTimeoutMs ?? 10_000,
    });
    this.options.onEvent({
      type: "forward",
      id: delivery.id,
      url: forwardUrl,
      status: result.status,
      error: result.error,
      durationMs: result.durationMs,
    });
    return result.status;
  }

  #emitDelivery(
    delivery: Delivery,
    verdict: Verdict,
    duplicateOf: string | null,
    status: number,
    note: string | null,
  ): void {
    const sentAt = verdict.meta.sentAt;
    const skewS =
      typeof sentAt === "number" ? Math.round(delivery.receivedAt.getTime() / 1000 - sentAt) : null;
    this.options.onEvent({ type: "delivery", delivery, verdict, duplicateOf, status, skewS, note });
  }
}

/** Drops hop-by-hop headers, including any the Connection header names (RFC 9110 §7.6.1). */
export function hopByHopStripped(headers: readonly HeaderPair[]): HeaderPair[] {
  const named = (headerValue(headers, "connection") ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  return headers.filter(([name]) => !isConnectionHeader(name) && !named.includes(name.toLowerCase()));
}
