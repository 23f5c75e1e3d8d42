import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../../../src/", import.meta.url));
const importsOf = (file: string) =>
  [...readFileSync(join(SRC, file), "utf8").matchAll(/from "(\.[^"]+)"/g)].map((m) => m[1] ?? "");
const filesIn = (folder: string) => readdirSync(join(SRC, folder)).map((name) => `${folder}/${name}`);

describe("receiver layers (house issue: events go up, rendering stays in ui/)", () => {
  it("regression: ui/ imported listen/session.ts and adapters/http-post.ts; it imports only core/ and ui/", () => {
    for (const file of filesIn("ui"))
      for (const target of importsOf(file))
        assert.match(target, /^\.\/|^\.\.\/core\/|^\.\.\/context\.js$/, `${file} imports ${target}`);
  });

  it("regression: listen/live.ts loaded ora through ui/progress.ts; listen/ imports no ui/ and no terminal library", () => {
    for (const file of filesIn("listen")) {
      const text = readFileSync(join(SRC, file), "utf8");
      for (const target of importsOf(file))
        assert.doesNotMatch(target, /\/ui\//, `${file} imports ${target}`);
      assert.doesNotMatch(text, /"ora"|"chalk"|process\.std(out|err)/, file);
    }
  });

  it("core/events.ts is pure: it imports only from core/", () => {
    for (const target of importsOf("core/events.ts")) assert.match(target, /^\.\//);
  });
});
