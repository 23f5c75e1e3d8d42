import type { ChalkInstance } from "chalk";
import type { Context, Output } from "../context.js";
import type { ListenEvent } from "../core/events.js";
import type { BatchedOutput } from "./batched-output.js";
import { deliveryLine, emit } from "./json-lines.js";
import { formatDeliveryEvent, formatForwardEvent, formatRefusedEvent } from "./listen-text.js";
import { type TaskSpinner, taskSpinner } from "./progress.js";

export interface ListenReportOptions {
  readonly json: boolean;
  readonly verbose: boolean;
  /** Where lines go: listen's batched streams (stderr is flushed before a spinner draws). */
  readonly out: { readonly stdout: Output; readonly stderr: BatchedOutput };
  /** The terminal itself, for the tunnel spinner (never batched: ora redraws in place). */
  readonly terminal: Context;
  readonly c: ChalkInstance;
}

/** Renders listen's events: one --json line each, or human text (and a spinner while the tunnel connects). */
export function listenReporter(options: ListenReportOptions): (event: ListenEvent) => void {
  const { out, c } = options;
  let spinner: Promise<TaskSpinner | undefined> | undefined;
  return (event) => {
    if (options.json) {
      emit(out, jsonLine(event));
      return;
    }
    switch (event.type) {
      case "delivery":
        out.stderr.write(formatDeliveryEvent(event, c, options.verbose));
        return;
      case "forward":
        out.stderr.write(formatForwardEvent(event, c));
        return;
      case "refused":
        out.stderr.write(formatRefusedEvent(event, c));
        return;
      case "error":
        out.stderr.write(c.red(`error${event.id ? ` (${event.id})` : ""}: ${event.message}\n`));
        return;
      case "tunnel":
        if (event.state === "connecting") {
          out.stderr.flush();
          spinner = taskSpinner(options.terminal, false, "opening an ngrok tunnel…");
        } else if (event.state === "open")
          void spinner?.then((s) => s?.succeed(`ngrok tunnel open: ${event.url}`));
        else void spinner?.then((s) => s?.fail("ngrok tunnel failed"));
    }
  };
}

function jsonLine(event: ListenEvent): Record<string, unknown> {
  switch (event.type) {
    case "delivery":
      return {
        ...deliveryLine(event.delivery.id, event.verdict, event.duplicateOf),
        arrival: event.arrival,
        receivedAt: event.delivery.receivedAt.toISOString(),
        path: event.delivery.path,
        status: event.status,
        skewS: event.skewS,
        note: event.note,
      };
    case "refused":
      return { ...event, at: event.at.toISOString() };
    default:
      return { ...event };
  }
}
