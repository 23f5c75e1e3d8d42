import { type SavedSecret, StateFile } from "../adapters/state.js";
import type { ProviderId } from "../core/provider-id.js";
import type { DoctorInput, NamedSecret } from "../providers/doctor/index.js";
import { PROVIDERS } from "../providers/index.js";
import { resolveSecrets, type SecretFlags, secretEnvOf } from "./secrets.js";
import { parseTrustedIssuers } from "./trusted-issuers.js";

type Env = Readonly<Record<string, string | undefined>>;

/** Variables that hold a credential, not an id, URL or till number. */
const CREDENTIAL_VAR = /_(SECRET|API_KEY|TOKEN)$/;

const savedName = (s: SavedSecret) => `state.json: ${s.provider} subscription ${s.id} for ${s.url}`;

/** Every provider's credential variables, the given provider's own first. */
function credentialVars(first: ProviderId): string[] {
  const ids = [first, ...(Object.keys(PROVIDERS) as ProviderId[]).filter((id) => id !== first)];
  const names = ids.flatMap((id) => {
    const { verifyEnv, apiEnv } = PROVIDERS[id].info;
    const own = secretEnvOf(id);
    // Entries may carry a note ("PPS_TRUSTED_ISSUERS (ISSUER…)"): the name is the leading word.
    const listed = [...verifyEnv, ...apiEnv].map((entry) => /^[A-Z0-9_]+/.exec(entry)?.[0] ?? "");
    return [...(own ? [own] : []), ...listed].filter((name) => CREDENTIAL_VAR.test(name));
  });
  return [...new Set(names)];
}

/**
 * What the doctor needs besides the judging time: the secrets verification uses, each named by
 * where it came from, and every other credential whtool can see (other variables, other saved
 * secrets), named by variable or saved entry. Values stay in memory; only names are ever shown.
 */
export async function doctorSetupFor(
  provider: ProviderId,
  flags: SecretFlags,
  ctx: { readonly env: Env; readonly cwd: string },
): Promise<Omit<DoctorInput, "at">> {
  const { credentials } = PROVIDERS[provider];
  if (credentials.kind === "oidc")
    return {
      secrets: [],
      candidates: [],
      trustedIssuers: parseTrustedIssuers(ctx.env[credentials.issuersEnv]),
    };
  if (credentials.kind !== "hmac") return { secrets: [], candidates: [] };
  const state = StateFile.in(ctx.cwd);
  const saved: SavedSecret[] = [];
  for (const id of Object.keys(PROVIDERS)) saved.push(...(await state.secrets(id).catch(() => [])));
  const own = saved.filter((s) => s.provider === provider);
  let used: string[];
  try {
    used = resolveSecrets(
      provider,
      flags,
      ctx.env,
      own.map((s) => s.secret),
    );
  } catch {
    return { secrets: [], candidates: [] }; // verification setup already reported it
  }
  const envName = credentials.secretEnv;
  const nameOf = (secret: string, i: number): string => {
    if (flags.secret?.length) return flags.secret.length > 1 ? `--secret #${i + 1}` : "--secret";
    if (flags.secretEnv !== undefined) return flags.secretEnv;
    if (ctx.env[envName] === secret) return envName;
    const entry = own.find((s) => s.secret === secret);
    return entry ? savedName(entry) : "a saved secret";
  };
  const secrets = used.map((secret, i): NamedSecret => ({ source: nameOf(secret, i), secret }));
  const candidates: NamedSecret[] = [];
  for (const name of credentialVars(provider)) {
    const secret = ctx.env[name];
    if (secret) candidates.push({ source: name, secret });
  }
  for (const entry of saved) candidates.push({ source: savedName(entry), secret: entry.secret });
  const seen = new Set(used);
  return {
    secrets,
    candidates: candidates.filter((c) => {
      if (seen.has(c.secret)) return false;
      seen.add(c.secret);
      return true;
    }),
  };
}

/** A saved secret may appear while `listen` runs (`--register`): the setup is re-read after this long. */
const DOCTOR_SETUP_TTL_MS = 10_000;

/** doctorSetupFor, memoised per provider (a flood of failed deliveries reads state.json once). */
export function doctorSetups(
  flags: SecretFlags,
  ctx: { readonly env: Env; readonly cwd: string; now(): Date },
): (provider: ProviderId) => Promise<Omit<DoctorInput, "at">> {
  const cache = new Map<ProviderId, { at: number; setup: Promise<Omit<DoctorInput, "at">> }>();
  return (provider) => {
    const now = ctx.now().getTime();
    const hit = cache.get(provider);
    if (hit && now - hit.at < DOCTOR_SETUP_TTL_MS) return hit.setup;
    // Never rejects: a delivery is still answered and captured when the doctor cannot be set up.
    const setup = doctorSetupFor(provider, flags, ctx).catch(() => ({ secrets: [], candidates: [] }));
    cache.set(provider, { at: now, setup });
    return setup;
  };
}
