import { Chalk, type ChalkInstance } from "chalk";
import type { Output } from "../context.js";

/** Colour only on a TTY, honouring NO_COLOR and FORCE_COLOR (SPEC: common conventions). */
export function colourFor(stream: Output, env: Readonly<Record<string, string | undefined>>): ChalkInstance {
  const force = env.FORCE_COLOR;
  let level: 0 | 1 | 2 | 3 = stream.isTTY ? 1 : 0;
  if (env.NO_COLOR) level = 0;
  if (force !== undefined)
    level = force === "0" || force === "false" ? 0 : (Math.min(3, Number(force) || 1) as 1 | 2 | 3);
  return new Chalk({ level });
}
