import type { ChalkInstance } from "chalk";
import type { TunnelEvent } from "../core/events.js";
import { printable } from "../core/printable.js";

type HealthEvent = Extract<TunnelEvent, { state: "lost" | "restored" | "reachable" | "unreachable" }>;

/** The tunnel's health as a person reads it: dropped, back, and whether the public URL reaches us. */
export function formatTunnelEvent(event: HealthEvent, c: ChalkInstance): string {
  switch (event.state) {
    case "lost":
      return c.red(
        "ngrok tunnel lost: deliveries cannot reach this listener until it reconnects (the SDK retries by itself)",
      );
    case "restored":
      return c.green("ngrok tunnel back: deliveries reach this listener again");
    case "reachable":
      return c.dim(`public URL reachable: ${printable(event.url)} answers with this listener`);
    case "unreachable":
      return c.yellow(
        `public URL not reachable: ${printable(event.url)}: ${printable(event.message)} (check the ngrok dashboard; --no-probe skips this check)`,
      );
  }
}
