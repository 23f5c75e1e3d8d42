import { readFileSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { prepareSecretFile } from "./capture.js";

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

/**
 * `.whtool/state.json` (mode 0600): secrets whtool must remember so `listen` and `verify` work
 * without the user copying them. Written atomically (temp file + rename).
 */
export class StateFile {
  constructor(readonly path: string) {}

  static in(cwd: string): StateFile {
    return new StateFile(join(cwd, STATE_FILE));
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
    await this.#write(state);
  }

  async forget(provider: string, id: string): Promise<void> {
    const state = await this.#read();
    state.secrets = state.secrets.filter((s) => !(s.provider === provider && s.id === id));
    await this.#write(state);
  }

  async #read(): Promise<StateShape> {
    try {
      const parsed = JSON.parse(await readFile(this.path, "utf8")) as Partial<StateShape>;
      return { v: 1, secrets: Array.isArray(parsed.secrets) ? parsed.secrets : [] };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { v: 1, secrets: [] };
      throw new Error(
        `${this.path} is not readable state (${(error as Error).message}); move it aside and register again`,
      );
    }
  }

  async #write(state: StateShape): Promise<void> {
    await prepareSecretFile(this.path);
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, this.path);
  }
}

/** The saved secrets of one provider, read synchronously (verification setup is synchronous). */
export function savedSecretsSync(cwd: string, provider: string): string[] {
  try {
    const parsed = JSON.parse(readFileSync(join(cwd, STATE_FILE), "utf8")) as Partial<StateShape>;
    return (Array.isArray(parsed.secrets) ? parsed.secrets : [])
      .filter((s) => s.provider === provider && typeof s.secret === "string")
      .map((s) => s.secret);
  } catch {
    return [];
  }
}
