import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { PROVIDER_IDS } from "../../src/core/provider-id.js";
import { tempDir } from "../helpers/tmp.js";
import { ALLOWED, layerViolations, providerFolderViolations } from "./layers.js";
import { SRC } from "./source-root.js";

function tree(files: Record<string, string>): string {
  const root = tempDir("whtool-layers-");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("import directions (ARCHITECTURE.md)", () => {
  it("no import in src/ runs against the allowed directions", () => {
    const violations = layerViolations(SRC);
    assert.deepEqual(violations, [], `upward imports:\n${violations.join("\n")}`);
  });

  it("no provider folder imports another's; shared provider files import none (the doctor reads the HMAC schemes)", () => {
    const violations = providerFolderViolations(SRC, PROVIDER_IDS, (path) =>
      path.startsWith("providers/doctor/"),
    );
    assert.deepEqual(violations, [], violations.join("\n"));
  });

  it("a planted import of one provider's folder from another's fails", () => {
    const root = tree({
      "providers/pps/outbound.ts": 'import { s } from "../dfns/sign.js";\nexport const o = s;\n',
      "providers/dfns/sign.ts": 'import { j } from "../jwt-steps.js";\nexport const s = j;\n',
      "providers/jwt-steps.ts": 'import type { T } from "./moneykit/info.js";\nexport const j: T | 1 = 1;\n',
      "providers/moneykit/info.ts": "export type T = 2;\n",
    });
    assert.deepEqual(
      providerFolderViolations(root, PROVIDER_IDS, () => false),
      [
        "providers/jwt-steps.ts → providers/moneykit/info.js (a shared provider file may not import moneykit)",
        "providers/pps/outbound.ts → providers/dfns/sign.js (pps may not import dfns)",
      ],
    );
  });

  it("a planted upward import fails, naming the file and the import", () => {
    const root = tree({
      "core/clean.ts": 'import { x } from "./other.js";\nexport const y = x;\n',
      "core/other.ts": "export const x = 1;\n",
      "core/leak.ts": 'import type { Z } from "../listen/session.js";\nexport type W = Z;\n',
      "api/index.ts": 'export const load = () => import("../providers/dfns/api.js");\n',
      "providers/dfns/api.ts": 'import { http } from "../../api/http.js";\nexport const a = http;\n',
      "api/http.ts": "export const http = 1;\n",
      "adapters/note.ts":
        '// import { x } from "../listen/live.js" is only a comment\nexport const s = "../ui/x.js";\n',
    });
    assert.deepEqual(layerViolations(root), [
      "api/index.ts → providers/dfns/api.js (api may not import providers)",
      "core/leak.ts → listen/session.js (core may not import listen)",
    ]);
  });

  it("top-level errors.ts and context.ts count as core; main may import cli", () => {
    const root = tree({
      "core/a.ts": 'import { e } from "../errors.js";\nexport const a = e;\n',
      "errors.ts": "export const e = 1;\n",
      "main.ts": 'import { c } from "./cli.js";\nexport const m = c;\n',
      "cli.ts": "export const c = 1;\n",
    });
    assert.deepEqual(layerViolations(root), []);
  });

  it("the allowed directions have no cycle between folders", () => {
    for (const [from, reachable] of ALLOWED)
      for (const to of reachable)
        if (to !== from) assert.ok(!ALLOWED.get(to)?.has(from), `${from} and ${to} may import each other`);
  });
});
