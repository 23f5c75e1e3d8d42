import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseUserUrl } from "../../src/core/url.js";

const ok = (input: string) => {
  const parsed = parseUserUrl(input);
  assert.ok(parsed.ok, `${input}: ${parsed.ok ? "" : parsed.problem}`);
  return parsed.url;
};
const refused = (input: string) => {
  const parsed = parseUserUrl(input);
  assert.equal(parsed.ok, false, `${input} should be refused`);
  return parsed.ok ? "" : parsed.problem;
};

describe("parseUserUrl: one reading of a typed URL", () => {
  test("full http(s) URLs are kept", () => {
    assert.equal(ok("http://127.0.0.1:3000/webhooks"), "http://127.0.0.1:3000/webhooks");
    assert.equal(ok("HTTPS://hooks.example.test/x?y=1"), "https://hooks.example.test/x?y=1");
    assert.equal(ok("  http://[::1]:8080/h  "), "http://[::1]:8080/h");
  });

  test("regression: a URL without a scheme is http, as stripe listen --forward-to takes it", () => {
    assert.equal(ok("localhost:3000/webhooks"), "http://localhost:3000/webhooks");
    assert.equal(ok("localhost:3000"), "http://localhost:3000/");
    assert.equal(ok("app.example.test/hook"), "http://app.example.test/hook");
  });

  test(":PORT and a bare port mean this machine's loopback", () => {
    assert.equal(ok(":3000"), "http://127.0.0.1:3000/");
    assert.equal(ok(":3000/webhooks?x=1"), "http://127.0.0.1:3000/webhooks?x=1");
    assert.equal(ok("4242"), "http://127.0.0.1:4242/");
    assert.equal(ok("4242/webhook"), "http://127.0.0.1:4242/webhook");
  });

  test("other schemes, empty input, spaces, bare paths and bad ports are refused with a reason", () => {
    assert.match(refused("ftp://example.test/x"), /ftp: is not http or https/);
    assert.match(refused("javascript://alert(1)"), /not http or https/);
    assert.match(refused(""), /empty/);
    assert.match(refused("http://exa mple.test/"), /spaces/);
    assert.match(refused("http://x.test/\u001b[2J"), /control/);
    assert.match(refused("/webhooks"), /path without a host/);
    assert.match(refused(":99999"), /not a URL/);
  });
});
