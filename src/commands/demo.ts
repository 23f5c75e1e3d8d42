import { apiContext } from "../api/context.js";
import type { Context } from "../context.js";
import { printable } from "../core/printable.js";
import { PROVIDER_IDS } from "../core/provider-id.js";
import { EXIT } from "../errors.js";
import { LiveListener } from "../listen/live.js";
import { verifyOptionsCache } from "../listen/verify-cache.js";
import { startEmulated } from "../loop/emulated-env.js";
import { type LoopReport, runLoop } from "../loop/run-loop.js";
import { newDedupeIndex, PROVIDERS } from "../providers/index.js";
import { emit } from "../ui/json-lines.js";
import { formatDeliveryEvent } from "../ui/listen-text.js";
import { colourFor } from "../ui/style.js";

/**
 * The whole loop for all five providers, offline: emulators, one listener, register, trigger,
 * receive, verify; a summary table; exit 0 when every provider's delivery verified.
 */
export async function demoCommand(
  flags: { json?: boolean; timeout?: string },
  ctx: Context,
): Promise<number> {
  // Progress (emulators, steps) on stderr; the results — each delivery, the table, the verdict — on stdout.
  const c = colourFor(ctx.stderr, ctx.env);
  const say = (line: string) => {
    if (!flags.json) ctx.stderr.write(`${line}\n`);
  };
  const out = colourFor(ctx.stdout, ctx.env);
  const result = (line: string) => {
    if (!flags.json) ctx.stdout.write(`${line}\n`);
  };
  say(c.bold("whtool demo: five provider emulators, one local listener, no account, no network"));
  const emulated = await startEmulated(ctx, PROVIDER_IDS);
  const run = emulated.ctx;
  for (const emulator of emulated.emulators)
    say(c.dim(`  ${emulator.provider.padEnd(9)} emulator at ${emulator.url}`));
  const verifyOptions = verifyOptionsCache({}, run, say);
  const live = await LiveListener.start(
    {
      host: "127.0.0.1",
      port: 0,
      path: "/webhooks",
      maxBody: 1 << 20,
      dedupe: newDedupeIndex(),
      retain: true,
      verifyOptions,
      tunnel: { mode: "none" },
    },
    run,
    (event) => {
      if (event.type === "delivery" && !flags.json) ctx.stdout.write(formatDeliveryEvent(event, out, false));
    },
  );
  say(`${c.bold("listening")} on ${live.localUrl}\n`);
  const reports: LoopReport[] = [];
  try {
    for (const provider of PROVIDER_IDS) {
      say(c.bold(`${PROVIDERS[provider].info.name}`) + c.dim(` — ${PROVIDERS[provider].info.scheme}`));
      verifyOptions.reset();
      const report = await runLoop({
        provider,
        live,
        api: await PROVIDERS[provider].api(),
        apiCtx: apiContext(run, true),
        expect: 1,
        timeoutMs: 15_000,
        signal: ctx.signal,
        cleanup: false,
        step: (text) => {
          verifyOptions.reset();
          say(c.dim(`  ${text}`));
        },
      });
      reports.push(report);
      if (flags.json) emit(ctx, { type: "demo", ...report });
      say("");
    }
  } finally {
    await live.close();
    await emulated.close();
  }
  result(summaryTable(reports, out));
  const passed = reports.every((r) => r.passed);
  result(
    passed
      ? out.green.bold("all five verified")
      : out.red.bold(`${reports.filter((r) => !r.passed).length} failed`),
  );
  return passed ? EXIT.ok : EXIT.failed;
}

function summaryTable(reports: readonly LoopReport[], c: ReturnType<typeof colourFor>): string {
  const rows = reports.map((r) => {
    const first = r.received[0];
    return [
      r.provider,
      printable(first?.event ?? "—"),
      r.passed ? "verified" : "FAILED",
      first ? String(first.status) : "—",
      r.timings.firstDeliveryMs === null ? "—" : `${r.timings.firstDeliveryMs} ms`,
      r.passed ? "" : printable(r.reason ?? ""),
    ];
  });
  const header = ["provider", "event", "verdict", "answered", "arrived after", ""];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const body = rows.map((row) => {
    const text = line(row);
    return row[2] === "verified" ? text.replace("verified", c.green("verified")) : c.red(text);
  });
  return [c.bold(line(header)), ...body].join("\n");
}
