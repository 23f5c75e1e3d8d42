import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { HeaderPair } from "../../src/core/delivery.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import {
  AT,
  AT_S,
  brackenHeaders,
  dfnsEvent,
  dfnsHeaders,
  kopokopoEvent,
  kopokopoHeaders,
  python,
  randomHex,
  SECRET,
} from "./mistakes.js";

interface Line {
  verified: boolean;
  reason: string | null;
  diagnosis: { code: string; detail: string; fix: string }[];
}

/** `whtool verify --json` on a hand-given delivery, judged at AT. */
async function verify(
  provider: string,
  body: Uint8Array,
  headers: HeaderPair[],
  options: { env?: Record<string, string>; cwd?: string; args?: string[]; json?: boolean } = {},
) {
  const dir = options.cwd ?? tempDir();
  writeFileSync(join(dir, "body.bin"), body);
  const argv = ["verify", "--provider", provider, "--body", "body.bin", "--at", AT.toISOString()];
  for (const [name, value] of headers) argv.push("-H", `${name}: ${value}`);
  const result = await runCli(
    [...argv, ...(options.json === false ? [] : ["--json"]), ...(options.args ?? [])],
    {
      cwd: dir,
      env: options.env ?? {},
    },
  );
  return { ...result, line: result.lines.find((l) => l.type === "delivery") as unknown as Line };
}

const codes = (line: Line) => line.diagnosis.map((d) => d.code);

describe("verify names the real mistake", () => {
  test("body_reserialised: a Python relay re-wrote the body with json.dumps(sort_keys=True)", async () => {
    const event = { data: { customer: "Zoë", orderId: "o-17" }, event: "order.created" };
    const original = Buffer.from(JSON.stringify(event, null, 2));
    const relayed = python(
      "import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin), sort_keys=True))",
      original,
    );
    const { code, line } = await verify("bracken", relayed, brackenHeaders(original), {
      env: { BRACKEN_WEBHOOK_SECRET: SECRET },
    });
    assert.equal(code, 1);
    assert.equal(line.reason, "signature_mismatch");
    assert.deepEqual(codes(line), ["body_reserialised"]);
    assert.match(line.diagnosis[0]?.detail ?? "", /pretty-printed \(2 spaces\)/);
  });

  test("body_reserialised: a Python relay sorted the keys of a compact body (order lost, named from its shape)", async () => {
    const original = Buffer.from(JSON.stringify(dfnsEvent()));
    const relayed = python(
      "import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin), sort_keys=True))",
      original,
    );
    const { line } = await verify("dfns", relayed, dfnsHeaders(original), {
      env: { DFNS_WEBHOOK_SECRET: SECRET },
    });
    assert.equal(line.reason, "signature_mismatch");
    assert.deepEqual(codes(line), ["body_reserialised"]);
    assert.match(line.diagnosis[0]?.detail ?? "", /json\.dumps\(sort_keys=True\)/);
  });

  test("body_reserialised: a Python relay escaped non-ASCII (ensure_ascii=True)", async () => {
    const original = Buffer.from(JSON.stringify(dfnsEvent(), null, 2));
    const relayed = python(
      "import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin), ensure_ascii=True, indent=2))",
      original,
    );
    assert.match(relayed.toString(), /\\u00e9/);
    const { line } = await verify("dfns", relayed, dfnsHeaders(original), {
      env: { DFNS_WEBHOOK_SECRET: SECRET },
    });
    assert.deepEqual(codes(line), ["body_reserialised"]);
  });

  test("secret_whitespace: the secret file was written with `echo secret > file`", async () => {
    const dir = tempDir();
    execFileSync("sh", ["-c", `echo ${SECRET} > secret.txt`], { cwd: dir });
    const fromFile = readFileSync(join(dir, "secret.txt"), "utf8");
    const body = Buffer.from(JSON.stringify(dfnsEvent()));
    const { line, stdout } = await verify("dfns", body, dfnsHeaders(body), {
      cwd: dir,
      env: { MY_DFNS_SECRET: fromFile },
      args: ["--secret-env", "MY_DFNS_SECRET"],
    });
    assert.deepEqual(codes(line), ["secret_whitespace"]);
    assert.match(line.diagnosis[0]?.detail ?? "", /MY_DFNS_SECRET with a newline trimmed off/);
    assert.ok(!stdout.includes(SECRET));
  });

  test("secret_whitespace: .env has an unterminated quote", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, ".env"), `DFNS_WEBHOOK_SECRET="${SECRET}\nOTHER=1\n`);
    const body = Buffer.from(JSON.stringify(dfnsEvent()));
    const { line } = await verify("dfns", body, dfnsHeaders(body), { cwd: dir });
    assert.deepEqual(codes(line), ["secret_whitespace"]);
    assert.match(line.diagnosis[0]?.detail ?? "", /DFNS_WEBHOOK_SECRET without the quote/);
  });

  test("secret_wrong_credential: Kopo Kopo signed with the client secret, not the API key", async () => {
    const clientSecret = "k2-client-secret-9f8e7d";
    const body = Buffer.from(JSON.stringify(kopokopoEvent()));
    const { line, stdout } = await verify("kopokopo", body, kopokopoHeaders(body, clientSecret), {
      env: { KOPOKOPO_API_KEY: SECRET, KOPOKOPO_CLIENT_ID: "id", KOPOKOPO_CLIENT_SECRET: clientSecret },
    });
    assert.deepEqual(codes(line), ["secret_wrong_credential"]);
    assert.match(line.diagnosis[0]?.detail ?? "", /KOPOKOPO_CLIENT_SECRET, not KOPOKOPO_API_KEY/);
    assert.ok(!stdout.includes(clientSecret) && !stdout.includes(SECRET));
  });

  test("secret_wrong_credential: signed with a secret saved in state.json, verified with --secret", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, ".whtool"));
    const saved = {
      provider: "bracken",
      id: "order.created",
      url: "https://example.test/hook",
      secret: "saved-old",
    };
    writeFileSync(
      join(dir, ".whtool", "state.json"),
      JSON.stringify({ v: 1, secrets: [{ ...saved, savedAt: AT.toISOString() }] }),
    );
    const body = Buffer.from('{"event":"order.created","data":{}}');
    const { line, stdout } = await verify("bracken", body, brackenHeaders(body, "saved-old"), {
      cwd: dir,
      args: ["--secret", "new-secret"],
    });
    assert.deepEqual(codes(line), ["secret_wrong_credential"]);
    assert.match(
      line.diagnosis[0]?.detail ?? "",
      /state\.json: bracken subscription order\.created for https:\/\/example\.test\/hook, not --secret/,
    );
    assert.ok(!stdout.includes("saved-old"));
  });

  test("header_combined: two signature headers merged into one", async () => {
    const body = Buffer.from(JSON.stringify(dfnsEvent()));
    const valid = dfnsHeaders(body)[1]?.[1] ?? "";
    const { line } = await verify(
      "dfns",
      body,
      [["X-DFNS-WEBHOOK-SIGNATURE", `sha256=${randomHex()}, ${valid}`]],
      {
        env: { DFNS_WEBHOOK_SECRET: SECRET },
      },
    );
    assert.equal(line.reason, "malformed_header");
    assert.deepEqual(codes(line), ["header_combined"]);
  });

  test("wrong_provider: a Dfns delivery checked with --provider bracken", async () => {
    const body = Buffer.from(JSON.stringify(dfnsEvent()));
    const { line } = await verify("bracken", body, dfnsHeaders(body), {
      env: { BRACKEN_WEBHOOK_SECRET: SECRET },
    });
    assert.equal(line.reason, "missing_header");
    assert.deepEqual(codes(line), ["wrong_provider"]);
  });

  test("timestamp_skew: valid signature, sent 15 min before it was judged, Date header says when", async () => {
    const sent = AT_S - 900;
    const body = Buffer.from(JSON.stringify(dfnsEvent(sent)));
    const headers: HeaderPair[] = [...dfnsHeaders(body), ["Date", new Date(sent * 1000).toUTCString()]];
    const { line } = await verify("dfns", body, headers, { env: { DFNS_WEBHOOK_SECRET: SECRET } });
    assert.equal(line.reason, "timestamp_outside_window");
    assert.deepEqual(codes(line), ["timestamp_skew"]);
    assert.match(line.diagnosis[0]?.detail ?? "", /15 min/);
  });

  test("body_truncated: the body stops short of its Content-Length", async () => {
    const body = Buffer.from(JSON.stringify(dfnsEvent()));
    const headers: HeaderPair[] = [...dfnsHeaders(body), ["Content-Length", String(body.length)]];
    const { line } = await verify("dfns", body.subarray(0, 64), headers, {
      env: { DFNS_WEBHOOK_SECRET: SECRET },
    });
    assert.deepEqual(codes(line), ["body_truncated"]);
  });

  test("human output prints why and fix under the checks, and no secret", async () => {
    const body = Buffer.from(JSON.stringify(dfnsEvent()));
    const { stdout, stderr } = await verify("dfns", body, dfnsHeaders(body), {
      env: { DFNS_WEBHOOK_SECRET: `${SECRET}\n`, NO_COLOR: "1" },
      json: false,
    });
    assert.match(
      stdout,
      /✗ signature .*\n\s+why: the signature matches DFNS_WEBHOOK_SECRET with a newline trimmed off \(secret_whitespace\)\n\s+fix: /,
    );
    assert.ok(!stdout.includes(SECRET) && !stderr.includes(SECRET));
  });
});

describe("verify does not invent causes", () => {
  test("a plain forgery (random signature) has an empty diagnosis", async () => {
    const body = Buffer.from(JSON.stringify(dfnsEvent()));
    const { line } = await verify("dfns", body, [["X-DFNS-WEBHOOK-SIGNATURE", `sha256=${randomHex()}`]], {
      env: { DFNS_WEBHOOK_SECRET: SECRET, BRACKEN_WEBHOOK_SECRET: "b", KOPOKOPO_CLIENT_SECRET: "k" },
    });
    assert.equal(line.reason, "signature_mismatch");
    assert.deepEqual(line.diagnosis, []);
  });

  test("a verified delivery carries diagnosis: [] in --json", async () => {
    const body = Buffer.from(JSON.stringify(dfnsEvent()));
    const { line } = await verify("dfns", body, dfnsHeaders(body), { env: { DFNS_WEBHOOK_SECRET: SECRET } });
    assert.equal(line.verified, true);
    assert.deepEqual(line.diagnosis, []);
  });
});
