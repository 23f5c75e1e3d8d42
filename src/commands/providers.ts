import type { Context } from "../context.js";
import { toProviderId, unknownProviderHint } from "../core/provider-id.js";
import { EXIT, usageError } from "../errors.js";
import { PROVIDERS } from "../providers/index.js";
import type { ProviderInfo } from "../providers/types.js";
import { emit } from "../ui/json-lines.js";
import { colourFor } from "../ui/style.js";

export async function providersCommand(
  given: string | undefined,
  flags: { json?: boolean },
  ctx: Context,
): Promise<number> {
  const wanted = given === undefined ? undefined : toProviderId(given);
  if (given !== undefined && wanted === undefined)
    throw usageError(`unknown provider ${given}`, unknownProviderHint(given));
  const infos = Object.values(PROVIDERS)
    .map((p) => p.info)
    .filter((info) => wanted === undefined || info.id === wanted);
  if (flags.json) {
    for (const info of infos) emit(ctx, { type: "provider", ...info });
    return EXIT.ok;
  }
  const c = colourFor(ctx.stdout, ctx.env);
  ctx.stdout.write(infos.map((info) => describe(info, c.bold, wanted !== undefined)).join("\n"));
  return EXIT.ok;
}

function describe(info: ProviderInfo, bold: (s: string) => string, full: boolean): string {
  const rows: [string, string][] = [
    ["scheme", info.scheme],
    ["signature", info.signatureHeader],
    ["verify needs", info.verifyEnv.join(", ") || "—"],
    ["API needs", info.apiEnv.join(", ") || "—"],
    ["base URL", info.urlEnv.join(", ") || "—"],
    ["dedupe on", info.dedupe],
    ["retries", info.retries],
    ["rejects with", String(info.rejectStatus)],
    ["unknown", info.unknowns.join("; ") || "—"],
  ];
  if (info.deliveryHeaders.length > 0) rows.splice(2, 0, ["shows", info.deliveryHeaders.join(", ")]);
  const events =
    full || info.events.length <= 6
      ? info.events.join(", ")
      : `${info.events.slice(0, 6).join(", ")}, … (${info.events.length} in all)`;
  rows.push(["events", events]);
  const body = rows.map(([k, v]) => `  ${k.padEnd(14)}${v}`).join("\n");
  return `${bold(`${info.id}`)} — ${info.name}\n${body}\n`;
}
