import { isLoopback, redactSecrets, requireHttpUrl } from "../../api/client-credentials.js";
import { apiFailure } from "../../api/errors.js";
import { ApiHttp } from "../../api/http.js";
import type {
  ApiContext,
  ProviderApi,
  RegisterInput,
  RegisterOutcome,
  TriggerInput,
  TriggerOutcome,
} from "../../api/types.js";
import { isRecord } from "../../core/json-body.js";
import { configError, usageError } from "../../errors.js";
import { PPS_SAMPLE_TENANT, randomSampleContext } from "./outbound.js";
import { defaultSubTopic, isPpsTopic, PPS_TOPICS, type PpsTopic, ppsSample } from "./samples.js";

/**
 * PointServices (providers.md, PointServices; seed 002): no public registration API — the account
 * representative sets subscriptions up from the URL, topics, sub-topics and tenant id — and a
 * "test webhook" endpoint documented only with a placeholder URL (PPS_TEST_URL), Bearer PPS_API_TOKEN,
 * which posts `testData` verbatim to `address`.
 */

const TRIGGERS: Record<string, string> = {
  test: "post an orders/placed test webhook to --to via PPS_TEST_URL (the documented test endpoint)",
  ...Object.fromEntries(
    PPS_TOPICS.map((topic) => [topic, `post a ${topic} test webhook to --to via PPS_TEST_URL`]),
  ),
};

/** `orders/placed`: a lower-case noun, a slash, a lower-case verb (the guide's example). */
const TOPIC = /^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*$/;
const SUB_TOPIC = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

interface TopicRequest {
  readonly topic: string;
  /** Empty: every sub-topic. */
  readonly subTopics: string[];
}

/** `--event orders/placed` or `--event orders/placed:online` (a sub-topic); repeatable. */
function topics(given: readonly string[] | undefined): TopicRequest[] {
  const out: TopicRequest[] = [];
  for (const raw of given !== undefined && given.length > 0 ? given : ["orders/placed"]) {
    const [topicPart = "", subTopic] = raw.trim().split(":", 2);
    const topic = topicPart.toLowerCase();
    if (!TOPIC.test(topic))
      throw usageError(
        `"${raw}" is not a PointServices topic`,
        `topics look like orders/placed (known: ${PPS_TOPICS.join(", ")}); add a sub-topic as orders/placed:online`,
      );
    if (subTopic !== undefined && !SUB_TOPIC.test(subTopic))
      throw usageError(`"${subTopic}" is not a sub-topic`, "e.g. --event orders/placed:online");
    let entry = out.find((t) => t.topic === topic);
    if (!entry) {
      entry = { topic, subTopics: [] };
      out.push(entry);
    }
    if (subTopic !== undefined && !entry.subTopics.includes(subTopic)) entry.subTopics.push(subTopic);
  }
  return out;
}

const describeTopic = (t: TopicRequest) =>
  `${t.topic} (${t.subTopics.length > 0 ? `sub-topics: ${t.subTopics.join(", ")}` : "all sub-topics"})`;

async function register(input: RegisterInput, ctx: ApiContext): Promise<RegisterOutcome> {
  const url = requireHttpUrl(input.url, "--url", "register --provider pps");
  const wanted = topics(input.events);
  const tenantId = input.tenant?.trim() || null;
  const https = new URL(url).protocol === "https:";
  const lines = [
    "PointServices has no public API to register webhooks: send the text between the lines to your PointServices account representative. Nothing was sent.",
    "",
    "----------------------------------------------------------------",
    "Please set up a PointServices webhook subscription for us:",
    `  Endpoint URL: ${url}`,
    `  Topics: ${wanted.map(describeTopic).join("; ")}`,
    `  Tenant id: ${tenantId ?? "<our tenant id, e.g. OU1243>"}`,
    "Please also send us:",
    "  - the issuer (iss) and audience (aud) of the JWTs your deliveries carry, so that we can trust them;",
    "  - the test-webhook endpoint URL and an API token for it.",
    "----------------------------------------------------------------",
    "",
  ];
  if (!https)
    lines.push(
      `Warning: ${url} is not https. PointServices will need an https URL: use the https URL of whtool listen's tunnel or of your app.`,
    );
  if (tenantId === null)
    lines.push("No --tenant given: fill in your tenant id (X-Pps-Tenant-Id, e.g. OU1243) before sending.");
  lines.push(
    "When they answer, set PPS_TRUSTED_ISSUERS to their issuer: comma-separated ISSUER or ISSUER=AUDIENCE entries,",
    "  e.g. PPS_TRUSTED_ISSUERS=https://securetoken.google.com/<project>=<project> (an issuer without =AUDIENCE skips the audience check).",
    "  whtool listen and verify trust only those issuers.",
    "And set PPS_TEST_URL and PPS_API_TOKEN to use whtool trigger test --provider pps --to URL.",
  );
  const testUrl = ctx.env.PPS_TEST_URL?.trim();
  let emulatorEndpoint: string | null = null;
  if (testUrl && isLoopback(testUrl)) {
    // Only the emulator stands in for the representative; a real PPS_TEST_URL is never loopback.
    emulatorEndpoint = `${new URL(testUrl).origin}/_emulator/subscriptions`;
    const subTopics = wanted.flatMap((t) => t.subTopics);
    const body = {
      url,
      topics: wanted.map((t) => t.topic),
      subTopics: subTopics.length > 0 ? subTopics : null,
      tenantId: tenantId ?? PPS_SAMPLE_TENANT,
    };
    lines.push(
      "",
      "PPS_TEST_URL points at whtool's local emulator, which plays the representative: register there with",
      `  POST ${emulatorEndpoint} ${JSON.stringify(body)}`,
    );
  }
  return {
    provider: "pps",
    action: "instructions",
    id: null,
    url,
    secretSaved: false,
    message: lines.join("\n"),
    details: { url, https, topics: wanted, tenantId, emulatorEndpoint },
  };
}

/** RFC 9457 problem details (`detail` or `title`, plus field errors) — inferred, the guide shows none. */
function ppsMessage(body: unknown): string | undefined {
  if (body === "") return "(empty body)";
  if (!isRecord(body)) return undefined;
  const head =
    typeof body.detail === "string" ? body.detail : typeof body.title === "string" ? body.title : undefined;
  const fields = isRecord(body.errors)
    ? Object.entries(body.errors).map(([f, m]) => `${f}: ${Array.isArray(m) ? m.join(" ") : String(m)}`)
    : [];
  const all = [head, ...fields].filter((p): p is string => p !== undefined && p !== "");
  return all.length > 0 ? all.join("; ") : undefined;
}

async function trigger(input: TriggerInput, ctx: ApiContext): Promise<TriggerOutcome> {
  const name = input.name.trim().toLowerCase();
  const topic: PpsTopic | undefined = name === "test" ? "orders/placed" : isPpsTopic(name) ? name : undefined;
  if (topic === undefined)
    throw usageError(
      `unknown PointServices trigger "${input.name}"`,
      `use one of: ${Object.keys(TRIGGERS).join(", ")}`,
    );
  const address = requireHttpUrl(
    input.to,
    "--to",
    `trigger ${name} --provider pps (the address the test webhook is posted to)`,
  );
  const missing = ["PPS_TEST_URL", "PPS_API_TOKEN"].filter((v) => !ctx.env[v]?.trim());
  if (missing.length > 0)
    throw configError(
      `PointServices trigger needs ${missing.join(" and ")}`,
      "your PointServices account representative gives you the test-webhook URL and its API token (the public docs show only a placeholder); set them in the environment or .env (whtool emulate --provider pps prints a working set)",
    );
  const testUrl = ctx.env.PPS_TEST_URL?.trim() ?? "";
  if (!/^https?:\/\/[^/]/.test(testUrl) || !URL.canParse(testUrl))
    throw configError(
      `PPS_TEST_URL is not an http(s) URL: "${testUrl}"`,
      "set it to the test-webhook endpoint URL your account representative gave you",
    );
  const token = ctx.env.PPS_API_TOKEN?.trim() ?? "";
  const subTopic = defaultSubTopic(topic);
  const envTenant = ctx.env.PPS_TENANT_ID?.trim();
  const tenantId = envTenant || PPS_SAMPLE_TENANT;
  const testData = ppsSample(topic, randomSampleContext(tenantId, ctx.now(), subTopic));
  const http = new ApiHttp({
    name: "PointServices",
    baseUrl: testUrl,
    env: ctx.env,
    errorMessage: ppsMessage,
  });
  ctx.say(`PointServices: asking ${testUrl} to post a ${topic} test webhook to ${address}`);
  let body: unknown;
  try {
    ({ body } = await http.request("POST", testUrl, {
      json: { address, testData },
      headers: {
        authorization: `Bearer ${token}`,
        "X-Pps-Topic": topic,
        "X-Pps-Sub-Topic": subTopic,
        "X-Pps-Tenant-Id": tenantId,
      },
    }));
  } catch (error) {
    throw redactSecrets(
      apiFailure("PointServices", "test webhook", error, {
        401: "PPS_API_TOKEN was refused (wrong or expired): ask your account representative for a current one",
        403: "PPS_API_TOKEN may not send test webhooks for this tenant: ask your account representative",
        404: "PPS_TEST_URL is not the test-webhook endpoint: check it with your account representative",
      }),
      [token],
    );
  }
  const answer = isRecord(body) ? body : {};
  const status = typeof answer.statusCode === "number" ? answer.statusCode : null;
  const lines = [
    `PointServices posted a test webhook (${topic}, sub-topic ${subTopic}) for tenant ${tenantId}${envTenant ? "" : " (the guide's example tenant; set PPS_TENANT_ID for yours)"} to ${address}.`,
  ];
  if (status !== null)
    lines.push(
      `Your endpoint answered ${status}${status === 403 ? ": it refused the JWT — is PointServices' issuer in its PPS_TRUSTED_ISSUERS?" : "."}`,
    );
  if (new URL(address).protocol !== "https:")
    lines.push("Note: --to is not https; real PointServices deliveries need an https address.");
  lines.push(
    ctx.env.PPS_TRUSTED_ISSUERS?.trim()
      ? "whtool listen --provider pps verifies it against PPS_TRUSTED_ISSUERS."
      : "PPS_TRUSTED_ISSUERS is not set: whtool listen and verify cannot trust the JWT until it lists PointServices' issuer.",
  );
  return {
    provider: "pps",
    trigger: name,
    message: lines.join("\n"),
    details: {
      topic,
      subTopic,
      tenantId,
      address,
      webhookId: typeof answer.webhookId === "string" ? answer.webhookId : null,
      receiverStatus: status,
    },
  };
}

export const ppsApi: ProviderApi = {
  // The test webhook is posted to an address given with the trigger: the listener's own.
  loopTrigger: (name, _registered, webhookUrl) => ({ name, to: webhookUrl }),
  removeTargetOptional: false,
  triggers: TRIGGERS,
  defaultTrigger: "test",
  register,
  async remove(target) {
    const what = target.url ?? target.webhookId ?? "<the endpoint URL>";
    return {
      provider: "pps",
      removed: [],
      message: [
        "PointServices has no public API for webhook subscriptions: send the text between the lines to your PointServices account representative. Nothing was sent.",
        "",
        "----------------------------------------------------------------",
        "Please remove our PointServices webhook subscription:",
        `  Endpoint URL: ${what}`,
        "----------------------------------------------------------------",
      ].join("\n"),
    };
  },
  trigger,
};
