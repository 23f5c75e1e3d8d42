// Start-up figures for `npm run bench`: wall time of spawned whtool commands against a bare
// `node -e 0`, measured interleaved (one of each per round) so a busy machine weighs on all alike.
// Figures, not assertions. Targets from the performance issue: --version ≤ 1.3×, verify ≤ 1.5×.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

interface Probe {
  readonly label: string;
  readonly args: readonly string[];
}

const ROUNDS = 15;

/** `capture` holds one Dfns delivery that `secret` verifies. */
export function benchStartup(dir: string, captureLine: Record<string, unknown>, secret: string): void {
  const capture = join(dir, "startup.jsonl");
  writeFileSync(capture, `${JSON.stringify(captureLine)}\n`);
  const probes: Probe[] = [
    { label: "node -e 0", args: ["-e", "0"] },
    { label: "whtool --version", args: ["bin/whtool.js", "--version"] },
    { label: "whtool --help", args: ["bin/whtool.js", "--help"] },
    { label: "whtool verify (1 dfns capture)", args: ["bin/whtool.js", "verify", capture] },
  ];
  const times = probes.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++)
    probes.forEach((probe, i) => {
      const start = performance.now();
      const r = spawnSync(process.execPath, probe.args, {
        env: { PATH: process.env.PATH, DFNS_WEBHOOK_SECRET: secret },
      });
      times[i]?.push(performance.now() - start);
      if (r.status !== 0) throw new Error(`${probe.label} exited ${r.status}: ${r.stderr}`);
    });
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;
  const base = median(times[0] ?? []);
  process.stdout.write(`start-up (spawned, median of ${ROUNDS}, interleaved):\n`);
  probes.forEach((probe, i) => {
    const ms = median(times[i] ?? []);
    process.stdout.write(
      `  ${probe.label.padEnd(32)} ${ms.toFixed(0).padStart(4)} ms  ${(ms / base).toFixed(2)}× node -e 0\n`,
    );
  });
}
