import type { ChalkInstance } from "chalk";
import type { Context, Output } from "../context.js";
import type { ListenEvent } from "../core/events.js";
import type { BatchedOutput } from "./batched-output.js";
import { deliveryLine, emit } from "./json-lines.js";
import {
  formatDeliveryEvent,
  formatErrorEvent,
  formatForwardEvent,
  formatRefusedEvent,
} from "./listen-text.js";
import { type TaskSpinner, taskSpinner } from "./progress.js";
import { formatTunnelEvent } from "./tunnel-text.js";

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
      // Deliveries (and what became of them) are listen's results: stdout, as `listen | grep` expects.
      case "delivery":
        out.stdout.write(formatDeliveryEvent(event, c, options.verbose));
        return;
      case "forward":
        out.stdout.write(formatForwardEvent(event, c));
        return;
      case "refused":
        out.stdout.write(formatRefusedEvent(event, c));
        return;
      case "error":
        out.stderr.write(formatErrorEvent(event, c));
        return;
      case "tunnel":
        if (event.state === "connecting") {
          out.stderr.flush();
          spinner = taskSpinner(options.terminal, false, "opening an ngrok tunnel…");
        } else if (event.state === "open")
          void spinner?.then((s) => s?.succeed(`ngrok tunnel open: ${event.url}`));
        else if (event.state === "failed") void spinner?.then((s) => s?.fail("ngrok tunnel failed"));
        else out.stderr.write(`${formatTunnelEvent(event, c)}\n`);
    }
  };
}

function jsonLine(event: ListenEvent): Record<string, unknown> {
  switch (event.type) {
    case "delivery": {
      // Fields added to the line, not spread into a new literal: the spread made V8 build a slow
      // object that cost ~25 µs per delivery to stringify (4× the rest of the line's cost).
      const line = deliveryLine(event.delivery.id, event.verdict, event.duplicateOf);
      line.arrival = event.arrival;
      line.receivedAt = event.delivery.receivedAt.toISOString();
      line.path = event.delivery.path;
      line.status = event.status;
      line.skewS = event.skewS;
      line.note = event.note;
      return line;
    }
    case "refused":
      return { ...event, at: event.at.toISOString() };
    default:
      return { ...event };
  }
}
