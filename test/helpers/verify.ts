import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HeaderPair } from "../../src/core/delivery.js";
import { type CliResult, runCli } from "./cli.js";

/** Headers a receiver sees that were not part of the provider's delivery. */
const TRANSPORT = new Set([
  "host",
  "connection",
  "content-length",
  "transfer-encoding",
  "accept",
  "user-agent",
]);

/**
 * `whtool verify --provider P --body F -H … --json` on one hand-given delivery, run in `cwd` (where
 * the JWKS disk cache lives), so consecutive calls behave like consecutive runs of the command.
 */
export function verifyByHand(
  provider: string,
  delivery: { readonly headers: readonly HeaderPair[]; readonly body: Uint8Array },
  options: { cwd: string; env?: Record<string, string>; args?: string[] },
): Promise<CliResult> {
  const bodyFile = join(options.cwd, `body-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(bodyFile, delivery.body);
  const headers = delivery.headers
    .filter(([name]) => !TRANSPORT.has(name.toLowerCase()))
    .flatMap(([name, value]) => ["-H", `${name}: ${value}`]);
  return runCli(
    ["verify", "--provider", provider, "--body", bodyFile, ...headers, "--json", ...(options.args ?? [])],
    { env: options.env ?? {}, cwd: options.cwd },
  );
}
