import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PROVIDER_IDS } from "../../src/core/provider-id.js";
import { tempDir } from "../helpers/tmp.js";
import { idLiterals } from "./id-literals.js";
import { readTree } from "./layers.js";
import { SRC } from "./source-root.js";

/** Only the registry's folder and the one list of ids may spell a provider id out. */
const mayName = (path: string) => path.startsWith("providers/") || path === "core/provider-id.ts";

describe("provider ids outside src/providers/", () => {
  it("no source file outside src/providers/ and core/provider-id.ts names a provider id", () => {
    const found = idLiterals(
      readTree(SRC).filter((file) => !mayName(file.path)),
      PROVIDER_IDS,
    ).map((l) => `${l.path}:${l.line} "${l.text}"`);
    assert.deepEqual(found, [], `provider ids named outside the registry:\n${found.join("\n")}`);
  });

  it("finds ids in strings, templates and object keys, never in comments", () => {
    const root = tempDir("whtool-literals-");
    writeFileSync(
      join(root, "leak.ts"),
      [
        "// dfns is named in this comment only",
        '/* and "pps" in this one */',
        'export const a = "dfns";',
        "export const b = `moneykit`;",
        "export const c = { kopokopo: 1 };",
        'export const d = { "bracken": 2 };',
        'export const e = "dfns-like but not an id";',
        'export type F = "pps";',
        "",
      ].join("\n"),
    );
    const found = idLiterals(readTree(root), PROVIDER_IDS).map((l) => `${l.line}:${l.text}`);
    assert.deepEqual(found, ["3:dfns", "4:moneykit", "5:kopokopo", "6:bracken", "8:pps"]);
  });
});
