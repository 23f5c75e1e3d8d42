import { join } from "node:path";
import { configError } from "../errors.js";
import {
  createPrivateFile,
  readPrivateFile,
  readPrivateFileSync,
  SymlinkRefusedError,
  writePrivateFileAtomic,
} from "./files.js";

export const STATE_FILE = ".whtool/state.json";

/** A webhook secret a provider gave (Dfns, once, at creation) or whtool chose (Bracken), per target URL. */
export interface SavedSecret {
  readonly provider: string;
  /** The provider's id for the subscription (Dfns `wh-…`, Bracken event name…). */
  readonly id: string;
  readonly url: string;
  readonly secret: string;
  readonly savedAt: string;
}

interface StateShape {
  readonly v: 1;
  secrets: SavedSecret[];
}

const SECRET_FIELDS = ["provider", "id", "url", "secret", "savedAt"] as const;

function isSavedSecret(value: unknown): value is SavedSecret {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  return SECRET_FIELDS.every((field) => typeof entry[field] === "string");
}

/** The state in `text`, or why it is not state (so nothing is written over a file whtool cannot read). */
function parseState(text: string): StateShape | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return "not a JSON object";
  const { secrets } = parsed as { secrets?: unknown };
  if (secrets === undefined) return { v: 1, secrets: [] };
  if (!Array.isArray(secrets)) return `"secrets" is not a list`;
  if (!secrets.every(isSavedSecret))
    return `an entry of "secrets" is not {provider, id, url, secret, savedAt}`;
  return { v: 1, secrets };
}

const serialise = (state: StateShape) => `${JSON.stringify(state, null, 2)}\n`;

/**
 * `.whtool/state.json` (mode 0600): secrets whtool must remember so `listen` and `verify` work
 * without the user copying them. Read without following links, written atomically (temp + rename).
 */
export class StateFile {
  constructor(readonly path: string) {}

  static in(cwd: string): StateFile {
    return new StateFile(join(cwd, STATE_FILE));
  }

  /**
   * Throws unless the state file is missing or readable state. Call it before asking a provider
   * for anything whose secret must be saved afterwards: a bad file is then found while nothing is lost.
   */
  async check(): Promise<void> {
    await this.#read();
  }

  async secrets(provider: string): Promise<SavedSecret[]> {
    return (await this.#read()).secrets.filter((s) => s.provider === provider);
  }

  /** Saves (or replaces, for the same provider and id) a secret; newest first. */
  async saveSecret(entry: Omit<SavedSecret, "savedAt">, now: Date): Promise<void> {
    const state = await this.#read();
    state.secrets = [
      { ...entry, savedAt: now.toISOString() },
      ...state.secrets.filter((s) => !(s.provider === entry.provider && s.id === entry.id)),
    ];
    await writePrivateFileAtomic(this.path, serialise(state));
  }

  /**
   * `saveSecret` for a secret that exists nowhere else yet (one whtool generated and already gave
   * the provider): if the state file cannot take it, the secret goes to a fresh
   * `state.json.recovered-<time>` (0600) beside it, named in the error, so it is never lost.
   */
  async keepSecret(entry: Omit<SavedSecret, "savedAt">, now: Date): Promise<void> {
    try {
      await this.saveSecret(entry, now);
    } catch (error) {
      throw await this.#recover({ ...entry, savedAt: now.toISOString() }, now, error);
    }
  }

  async forget(provider: string, id: string): Promise<void> {
    const state = await this.#read();
    state.secrets = state.secrets.filter((s) => !(s.provider === provider && s.id === id));
    await writePrivateFileAtomic(this.path, serialise(state));
  }

  async #read(): Promise<StateShape> {
    const text = await readPrivateFile(this.path);
    if (text === undefined) return { v: 1, secrets: [] };
    const state = parseState(text);
    if (typeof state === "string")
      throw configError(
        `${this.path} is not readable state (${state})`,
        `move it aside (mv ${this.path} ${this.path}.bad) and run the command again; whtool starts a fresh one`,
      );
    return state;
  }

  async #recover(entry: SavedSecret, now: Date, cause: unknown): Promise<Error> {
    const why = cause instanceof Error ? cause.message : String(cause);
    const recovered = `${this.path}.recovered-${now.toISOString().replace(/[:.]/g, "-")}`;
    try {
      await createPrivateFile(recovered, serialise({ v: 1, secrets: [entry] }));
    } catch {
      // Last resort: the secret is registered with the provider and exists nowhere else.
      return configError(
        `could not save the ${entry.provider} webhook secret to ${this.path} (${why}), nor to ${recovered}`,
        `WARNING, a secret follows; it is in use by the ${entry.provider} subscription ${entry.id} → ${entry.url}: ${entry.secret}`,
      );
    }
    return configError(
      `could not save the ${entry.provider} webhook secret to ${this.path} (${why}); it is kept in ${recovered} (mode 0600)`,
      `fix or move aside ${this.path}, then mv ${recovered} ${this.path} (or pass its secret with --secret)`,
    );
  }
}

/** The saved secrets of one provider, read synchronously (verification setup is synchronous). */
export function savedSecretsSync(cwd: string, provider: string): string[] {
  const path = join(cwd, STATE_FILE);
  let text: string | undefined;
  try {
    text = readPrivateFileSync(path);
  } catch (error) {
    // A planted link could hand verify an attacker's secret: say so rather than read it.
    if (error instanceof SymlinkRefusedError) throw error;
    return [];
  }
  const state = text === undefined ? undefined : parseState(text);
  if (state === undefined || typeof state === "string") return [];
  return state.secrets.filter((s) => s.provider === provider).map((s) => s.secret);
}
