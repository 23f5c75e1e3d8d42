import { type ChildProcess, spawn } from "node:child_process";
import { after } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill("SIGTERM");
});

/** Starts a handler script (path relative to the repo root) on a free port; resolves with its URL. */
export function startHandler(
  script: string,
  env: Record<string, string>,
): Promise<{ url: string; stop(): void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${ROOT}${script}`], {
      env: { PATH: process.env.PATH ?? "", PORT: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.add(child);
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d;
      const url = /listening on (\S+)/.exec(out)?.[1];
      if (url) resolve({ url, stop: () => child.kill("SIGTERM") });
    });
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("exit", (code) => reject(new Error(`${script} exited ${code}: ${err}`)));
  });
}
