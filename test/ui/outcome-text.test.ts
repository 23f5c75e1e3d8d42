import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { printOutcome } from "../../src/ui/outcome-text.js";

describe("printOutcome", () => {
  it("puts what was done on stdout and the Next: advice on stderr", () => {
    let stdout = "";
    let stderr = "";
    printOutcome(
      { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
      "registered wh-1 for https://x.test/webhooks\nsecret saved in .whtool/state.json\nNext: whtool trigger ping --provider dfns",
    );
    assert.equal(stdout, "registered wh-1 for https://x.test/webhooks\nsecret saved in .whtool/state.json\n");
    assert.equal(stderr, "Next: whtool trigger ping --provider dfns\n");
  });
});
