import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { startBrackenEmulator } from "../../src/providers/bracken/emulator.js";
import { startDfnsEmulator } from "../../src/providers/dfns/emulator.js";
import { track } from "../helpers/api.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

async function dfnsWebhooks(env: Record<string, string>): Promise<{ id: string; url: string }[]> {
  const answer = await fetch(`${env.DFNS_API_URL}/webhooks`, {
    headers: { authorization: `Bearer ${env.DFNS_AUTH_TOKEN}` },
  });
  return ((await answer.json()) as { items: { id: string; url: string }[] }).items;
}

describe("whtool unregister", () => {
  test("dfns by URL (scheme left out, as typed): the webhook is deleted and its secret forgotten", async () => {
    const emu = track(await startDfnsEmulator({ timeScale: 0.0001 }));
    const env = { ...emu.env };
    const cwd = tempDir();
    const registered = await runCli(["register", "--provider", "dfns", "--url", "http://127.0.0.1:9/hooks"], {
      env,
      cwd,
    });
    assert.equal(registered.code, 0, registered.stderr);
    assert.equal((await dfnsWebhooks(env)).length, 1);
    const secret = await runCli(["verify", "--body", "-", "-H", "X-DFNS-WEBHOOK-SIGNATURE: sha256=00"], {
      env: { ...env, DFNS_WEBHOOK_SECRET: "" },
      cwd,
      stdin: "{}",
    });
    assert.notEqual(secret.code, 3, "a secret is saved before unregistering");

    const removed = await runCli(["unregister", "--provider", "dfns", "--url", "127.0.0.1:9/hooks"], {
      env,
      cwd,
    });
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /^Dfns webhook wh-\S+ \(http:\/\/127\.0\.0\.1:9\/hooks\) deleted$/m);
    assert.deepEqual(await dfnsWebhooks(env), []);
    const afterwards = await runCli(["verify", "--body", "-", "-H", "X-DFNS-WEBHOOK-SIGNATURE: sha256=00"], {
      env: { ...env, DFNS_WEBHOOK_SECRET: "" },
      cwd,
      stdin: "{}",
    });
    assert.equal(afterwards.code, 3, "the saved secret is forgotten");
  });

  test("dfns by --webhook-id, with --json", async () => {
    const emu = track(await startDfnsEmulator({ timeScale: 0.0001 }));
    const env = { ...emu.env };
    const cwd = tempDir();
    await runCli(["register", "--provider", "dfns", "--url", "http://127.0.0.1:9/a"], { env, cwd });
    const [hook] = await dfnsWebhooks(env);
    assert.ok(hook);
    const removed = await runCli(["unregister", "--provider", "dfns", "--webhook-id", hook.id, "--json"], {
      env,
      cwd,
    });
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(removed.lines[0]?.type, "unregister");
    assert.deepEqual(removed.lines[0]?.removed, [{ id: hook.id, url: null }]);
    assert.deepEqual(await dfnsWebhooks(env), []);
  });

  test("dfns: a URL with no webhook is a usage error that says where to look", async () => {
    const emu = track(await startDfnsEmulator({ timeScale: 0.0001 }));
    const result = await runCli(
      ["unregister", "--provider", "dfns", "--url", "https://nowhere.example.test/x"],
      {
        env: { ...emu.env },
        cwd: tempDir(),
      },
    );
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Dfns lists no webhook for https:\/\/nowhere\.example\.test\/x/);
  });

  test("bracken by URL turns off the subscriptions whtool registered for it", async () => {
    const emu = track(await startBrackenEmulator({ timeScale: 0.0001 }));
    const env = { ...emu.env };
    const cwd = tempDir();
    const url = "http://127.0.0.1:9/b";
    assert.equal((await runCli(["register", "--provider", "bracken", "--url", url], { env, cwd })).code, 0);
    const removed = await runCli(["unregister", "--provider", "bracken", "--url", url], { env, cwd });
    assert.equal(removed.code, 0, removed.stderr);
    const subs = (await (await fetch(`${emu.url}/_emulator/subscriptions`)).json()) as {
      event: string;
      active: boolean;
    }[];
    assert.deepEqual(
      subs.map((s) => [s.event, s.active]),
      [["User_Create", false]],
    );
  });

  test("kopokopo has no delete call: a clear usage error; pps prints the request for the representative", async () => {
    const k2 = await runCli(["unregister", "--provider", "kopokopo", "--url", "https://x.example.test/h"], {
      cwd: tempDir(),
    });
    assert.equal(k2.code, 2);
    assert.match(k2.stderr, /Kopo Kopo documents no API call that deletes a webhook subscription/);
    const pps = await runCli(["unregister", "--provider", "pps", "--url", "https://x.example.test/h"], {
      cwd: tempDir(),
    });
    assert.equal(pps.code, 0, pps.stderr);
    assert.match(
      pps.stdout,
      /Please remove our PointServices webhook subscription:\n {2}Endpoint URL: https:\/\/x\.example\.test\/h/,
    );
  });

  test("exactly one of --url and --webhook-id", async () => {
    const result = await runCli(["unregister", "--provider", "dfns"], { cwd: tempDir() });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /give exactly one of --url URL or --webhook-id ID/);
  });
});
