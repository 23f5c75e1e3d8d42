// Just the listen throughput bench: node dist/bench/listen-only.js [SECONDS] [--cpu-prof DIR].
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchListen } from "./listen.js";

const seconds = Number(process.argv[2] ?? 5);
const profIndex = process.argv.indexOf("--cpu-prof");
const profDir = profIndex > 0 ? process.argv[profIndex + 1] : undefined;
await benchListen({
  dir: mkdtempSync(join(tmpdir(), "whtool-bench-listen-")),
  secret: "bench-secret",
  seconds,
  ...(profDir ? { listenNodeArgs: ["--cpu-prof", "--cpu-prof-dir", profDir] } : {}),
});
