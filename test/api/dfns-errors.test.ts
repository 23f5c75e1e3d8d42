// Credentials and failures of the Dfns API client: missing (exit 3), wrong or expired (exit 4 with
// Dfns' message, nothing echoed), DFNS_PRIVATE_KEY as a file, an unreachable API, and the SDK loaded
// only when an API call is made.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { dfnsApi } from "../../src/providers/dfns/api.js";
import { closedPort } from "../helpers/http-server.js";
import { traced } from "../helpers/trace.js";
import { apiContext, control, dfnsEmulator, failure, listedWebhooks, stateOnDisk } from "./dfns-setup.js";

const URL_A = "https://a.example.test/webhooks";

const strangerKey = () =>
  generateKeyPairSync("ec", { namedCurve: "P-256" })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();

describe("dfns credentials", () => {
  it("missing → exit 3 naming every variable still to set", async () => {
    const none = await failure(dfnsApi.register({ url: URL_A }, apiContext({})), 3);
    assert.match(none.message, /needs DFNS_AUTH_TOKEN, DFNS_CRED_ID, DFNS_PRIVATE_KEY/);
    const some = await failure(
      dfnsApi.trigger({ name: "ping" }, apiContext({ DFNS_AUTH_TOKEN: "t", DFNS_CRED_ID: "c" })),
      3,
    );
    assert.match(some.message, /whtool trigger ping --provider dfns needs DFNS_PRIVATE_KEY$/);
  });

  it("a wrong token → exit 4 with Dfns' message, the token not echoed", async (t) => {
    const emu = await dfnsEmulator(t);
    const token = `${emu.env.DFNS_AUTH_TOKEN ?? ""}tampered`;
    const ctx = apiContext({ ...emu.env, DFNS_AUTH_TOKEN: token });
    const error = await failure(dfnsApi.register({ url: URL_A }, ctx), 4, [
      token,
      emu.env.DFNS_PRIVATE_KEY ?? "",
    ]);
    assert.match(error.message, /^Dfns list webhooks failed: HTTP 401: Not Authorized\.$/);
    assert.match(error.hint ?? "", /DFNS_AUTH_TOKEN was refused/);
    const ping = await failure(dfnsApi.trigger({ name: "ping", webhookId: "wh-x" }, ctx), 4, [token]);
    assert.match(ping.message, /HTTP 401/);
  });

  it("an expired token → exit 4 saying so: Dfns tokens are not renewable by whtool", async (t) => {
    const emu = await dfnsEmulator(t);
    const ctx = apiContext(emu.env);
    await dfnsApi.register({ url: URL_A }, ctx);
    await control(emu, "/_emulator/expire-tokens");
    const before = emu.requests.length;
    const error = await failure(dfnsApi.trigger({ name: "events" }, ctx), 4, [emu.env.DFNS_AUTH_TOKEN ?? ""]);
    assert.match(error.message, /HTTP 401: Not Authorized\. The auth token has expired\./);
    assert.match(error.hint ?? "", /has expired: create a new service-account token/);
    assert.equal(emu.requests.length - before, 1, "a 4xx is not retried");
  });

  it("a private key that is not the credential's → exit 4 at signing, nothing created, the key not echoed", async (t) => {
    const emu = await dfnsEmulator(t);
    const key = strangerKey();
    const ctx = apiContext({ ...emu.env, DFNS_PRIVATE_KEY: key });
    const error = await failure(dfnsApi.register({ url: URL_A }, ctx), 4, [
      key,
      emu.env.DFNS_AUTH_TOKEN ?? "",
    ]);
    assert.match(error.message, /^Dfns create webhook failed: HTTP 401: Invalid credential assertion/);
    assert.match(
      error.hint ?? "",
      /DFNS_PRIVATE_KEY must be the private key of the credential DFNS_CRED_ID names/,
    );
    assert.deepEqual(await listedWebhooks(emu), []);
  });

  it("a credential id Dfns does not know → exit 4 naming DFNS_CRED_ID", async (t) => {
    const emu = await dfnsEmulator(t);
    const ctx = apiContext({ ...emu.env, DFNS_CRED_ID: "not-a-credential" });
    const error = await failure(dfnsApi.register({ url: URL_A }, ctx), 4, [emu.env.DFNS_PRIVATE_KEY ?? ""]);
    assert.match(error.message, /not-a-credential is not among the credentials Dfns allows/);
    assert.match(error.hint ?? "", /DFNS_CRED_ID must be the id of a Key credential/);
  });

  it("an unreadable private key → exit 3 without echoing it", async (t) => {
    const emu = await dfnsEmulator(t);
    const garbage = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n";
    const bad = await failure(
      dfnsApi.register({ url: URL_A }, apiContext({ ...emu.env, DFNS_PRIVATE_KEY: garbage })),
      3,
      ["bm90IGEga2V5IGF0IGFsbA"],
    );
    assert.match(bad.message, /DFNS_PRIVATE_KEY is not a private key Node can read/);
    // A mangled key without its PEM header is taken for a path: the value is not repeated either.
    const body = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg";
    const notPath = await failure(
      dfnsApi.register({ url: URL_A }, apiContext({ ...emu.env, DFNS_PRIVATE_KEY: body })),
      3,
      [body],
    );
    assert.match(notPath.message, /neither PEM text \(-----BEGIN …\) nor a readable file/);
    assert.equal(emu.requests.length, 0);
  });
});

describe("dfns DFNS_PRIVATE_KEY forms", () => {
  it("a path to a PEM file, relative to the working folder, works; a missing .pem file → exit 3 naming it", async (t) => {
    const emu = await dfnsEmulator(t);
    const ctx = apiContext({ ...emu.env, DFNS_PRIVATE_KEY: "keys/dfns.pem" });
    await mkdir(join(ctx.cwd, "keys"));
    await writeFile(join(ctx.cwd, "keys", "dfns.pem"), emu.env.DFNS_PRIVATE_KEY ?? "", { mode: 0o600 });
    const outcome = await dfnsApi.register({ url: URL_A }, ctx);
    assert.equal(outcome.action, "created");
    assert.equal((await stateOnDisk(ctx)).secrets.length, 1);

    const missing = await failure(
      dfnsApi.register({ url: URL_A }, apiContext({ ...emu.env, DFNS_PRIVATE_KEY: "nowhere/dfns.pem" })),
      3,
    );
    assert.match(missing.message, /nowhere\/dfns\.pem: ENOENT/);
  });

  it("PEM text on one line with literal \\n escapes (as .env files hold it) works", async (t) => {
    const emu = await dfnsEmulator(t);
    const oneLine = (emu.env.DFNS_PRIVATE_KEY ?? "").trim().replace(/\n/g, "\\n");
    const outcome = await dfnsApi.register(
      { url: URL_A },
      apiContext({ ...emu.env, DFNS_PRIVATE_KEY: oneLine }),
    );
    assert.equal(outcome.action, "created");
  });
});

describe("dfns API unreachable", () => {
  it("a closed port → exit 4 naming the origin and the attempts made", async (t) => {
    const emu = await dfnsEmulator(t);
    const port = await closedPort();
    const ctx = apiContext({ ...emu.env, DFNS_API_URL: `http://127.0.0.1:${port}` });
    const error = await failure(dfnsApi.register({ url: URL_A }, ctx), 4, [emu.env.DFNS_AUTH_TOKEN ?? ""]);
    assert.match(
      error.message,
      new RegExp(`Dfns API unreachable at http://127\\.0\\.0\\.1:${port} \\(list webhooks\\): ECONNREFUSED`),
    );
    assert.match(error.hint ?? "", /check DFNS_API_URL .* \(3 attempts made\)/);
  });

  it("a DFNS_API_URL that is not http(s) → exit 3", async () => {
    const ctx = apiContext({
      DFNS_API_URL: "api.dfns.io",
      DFNS_AUTH_TOKEN: "t",
      DFNS_CRED_ID: "c",
      DFNS_PRIVATE_KEY: "k.pem",
    });
    const error = await failure(dfnsApi.register({ url: URL_A }, ctx), 3);
    assert.match(error.message, /DFNS_API_URL is not an http\(s\) URL/);
  });
});

describe("dfns SDK loading", () => {
  it("importing the Dfns API client does not load @dfns/sdk; only an API call does", async () => {
    const api = new URL("../../src/providers/dfns/api.js", import.meta.url).href;
    const script = `const { dfnsApi } = await import(${JSON.stringify(api)}); process.stdout.write(dfnsApi.defaultTrigger);`;
    const { stdout, stderr } = await traced(["--input-type=module", "-e", script]);
    assert.equal(stdout, "ping", stderr);
    assert.doesNotMatch(stderr, /\[import-trace\] @dfns\//);
  });
});
