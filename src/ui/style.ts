import type { ChalkInstance } from "chalk";
import type { Output } from "../context.js";

type Env = Readonly<Record<string, string | undefined>>;

/** chalk, once loadColour has found a stream to colour: a run without colour (CI, pipes) never loads it. */
let chalk: typeof import("chalk") | undefined;

/** Colour only on a TTY, honouring NO_COLOR and FORCE_COLOR (SPEC: common conventions). */
function colourLevel(stream: Output, env: Env): 0 | 1 | 2 | 3 {
  const force = env.FORCE_COLOR;
  let level: 0 | 1 | 2 | 3 = stream.isTTY ? 1 : 0;
  if (env.NO_COLOR) level = 0;
  if (force !== undefined)
    level = force === "0" || force === "false" ? 0 : (Math.min(3, Number(force) || 1) as 1 | 2 | 3);
  return level;
}

/**
 * Loads chalk when one of the streams will be coloured. Run once before a command (main.ts): the
 * import costs ~10 ms of start-up, spent only where colour is shown.
 */
export async function loadColour(streams: readonly Output[], env: Env): Promise<void> {
  if (!chalk && streams.some((stream) => colourLevel(stream, env) > 0)) chalk = await import("chalk");
}

/**
 * chalk's behaviour at level 0 without chalk: every style (and chain of styles) returns its
 * arguments as text, joined by spaces, as chalk does.
 */
const PLAIN: ChalkInstance = new Proxy(
  Object.assign((...args: unknown[]) => args.map(String).join(" "), { level: 0 }),
  {
    get: (target, key) =>
      key === "level" ? 0 : key in Function.prototype ? Reflect.get(target, key) : PLAIN,
  },
) as unknown as ChalkInstance;

/** The styles for `stream`: chalk at the stream's colour level, or plain text when it has none. */
export function colourFor(stream: Output, env: Env): ChalkInstance {
  const level = colourLevel(stream, env);
  // Colour asked for before loadColour ran (a module used outside main): plain text, never a crash.
  if (level === 0 || !chalk) return PLAIN;
  return new chalk.Chalk({ level });
}
