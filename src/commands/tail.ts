import { resolve } from "node:path";
import { DEFAULT_CAPTURE_FILE } from "../adapters/capture.js";
import { followLines } from "../adapters/capture-follow.js";
import { fileSize } from "../adapters/user-files.js";
import type { Context } from "../context.js";
import { type CaptureRecord, parseCaptureLine, toDelivery } from "../core/capture-format.js";
import type { DeliveryEvent } from "../core/events.js";
import { printable } from "../core/printable.js";
import type { ProviderId } from "../core/provider-id.js";
import { untilAborted } from "../core/time.js";
import type { Verdict } from "../core/verdict.js";
import { EXIT } from "../errors.js";
import { emit } from "../ui/json-lines.js";
import { formatDeliveryEvent } from "../ui/listen-text.js";
import { colourFor } from "../ui/style.js";
import { captureRecords } from "./capture-source.js";

export interface TailFlags {
  readonly event?: string;
  readonly failed?: boolean;
  readonly provider?: ProviderId;
  readonly follow?: boolean;
  readonly verbose?: boolean;
  readonly json?: boolean;
}

/**
 * `whtool tail`: the captured deliveries as listen printed them, filtered (--event, --failed,
 * --provider), and with --follow the new ones as they are captured, until Ctrl-C.
 */
export async function tailCommand(file: string | undefined, flags: TailFlags, ctx: Context): Promise<number> {
  const source = file ?? DEFAULT_CAPTURE_FILE;
  const c = colourFor(ctx.stdout, ctx.env);
  const show = (record: CaptureRecord) => {
    const event = asEvent(record);
    if (event === undefined || !wanted(event, record, flags)) return;
    if (flags.json)
      emit(ctx, {
        type: "delivery",
        id: record.id,
        receivedAt: record.receivedAt,
        ...event.verdict,
        status: event.status,
      });
    else ctx.stdout.write(formatDeliveryEvent(event, c, flags.verbose === true));
  };
  const { records } = await captureRecords(file, ctx, "give a capture file written by whtool listen");
  for await (const record of records) show(record);
  if (flags.follow && source !== "-") {
    const path = resolve(ctx.cwd, source);
    ctx.stderr.write(c.dim(`following ${printable(source)}; Ctrl-C to stop\n`));
    const warn = (message: string) => ctx.stderr.write(`warning: ${printable(message)}\n`);
    let lineNumber = 0;
    const follower = followLines(
      path,
      {
        onLine(text) {
          const line = parseCaptureLine(text, ++lineNumber, false, path);
          if (line) "record" in line ? show(line.record) : warn(line.warning);
        },
        onError: (error) => warn(`cannot read ${source}: ${error.message}`),
      },
      { from: await fileSize(path), keepAlive: true },
    );
    await untilAborted(ctx.signal);
    await follower.close();
  }
  return EXIT.ok;
}

function wanted(event: DeliveryEvent, record: CaptureRecord, flags: TailFlags): boolean {
  if (flags.failed && event.verdict.verified) return false;
  if (flags.event !== undefined && event.verdict.event !== flags.event) return false;
  if (flags.provider !== undefined && (record.provider ?? event.verdict.provider) !== flags.provider)
    return false;
  return true;
}

/** A captured delivery as the listen event it was (follow-up and refused records are not deliveries). */
function asEvent(record: CaptureRecord): DeliveryEvent | undefined {
  const v = record.verdict as Partial<Verdict> | null;
  if (typeof v !== "object" || v === null || !Array.isArray(v.checks) || typeof v.verified !== "boolean")
    return undefined;
  const verdict = {
    ...v,
    diagnosis: v.diagnosis ?? [],
    deliveryHeaders: v.deliveryHeaders ?? {},
    meta: v.meta ?? {},
  } as Verdict;
  return {
    type: "delivery",
    arrival: typeof record.oversizeBytes === "number" ? "oversize" : "webhook",
    delivery: toDelivery(record),
    record,
    verdict,
    duplicateOf: null,
    status: record.response?.status ?? 0,
    skewS: null,
    note: null,
  };
}
