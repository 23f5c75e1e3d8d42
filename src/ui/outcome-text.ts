import type { Context } from "../context.js";

/**
 * An API outcome's message, split as the output rules ask: what was done is a result (stdout, so
 * `register --provider pps > mail.txt` holds it); its "Next: …" advice is a hint (stderr).
 */
export function printOutcome(ctx: Pick<Context, "stdout" | "stderr">, message: string): void {
  const lines = message.split("\n");
  const result = lines.filter((line) => !line.startsWith("Next:"));
  const advice = lines.filter((line) => line.startsWith("Next:"));
  if (result.length > 0) ctx.stdout.write(`${result.join("\n")}\n`);
  if (advice.length > 0) ctx.stderr.write(`${advice.join("\n")}\n`);
}
