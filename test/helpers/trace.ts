import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const TRACE = fileURLToPath(new URL("./import-trace.js", import.meta.url));

export interface Traced {
  readonly stdout: string;
  readonly stderr: string;
  /** Packages resolved, by name ("commander", "@dfns/sdk"). */
  readonly packages: Set<string>;
  /** Our modules resolved, as paths under src/ (compiled): "commands/verify.js". */
  readonly modules: Set<string>;
}

/** Runs `node --import import-trace ARGS` (a script, or `-e` code) with only PATH and `env`, and says what it loaded. */
export function traced(args: readonly string[], env: Record<string, string> = {}): Promise<Traced> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TRACE, ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("error", reject);
    child.on("close", () => {
      const tagged = (tag: string) =>
        new Set([...stderr.matchAll(new RegExp(`\\[${tag}\\] (\\S+)`, "g"))].map((m) => m[1] ?? ""));
      resolve({ stdout, stderr, packages: tagged("import-trace"), modules: tagged("module-trace") });
    });
  });
}
