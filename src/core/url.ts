/** Where a URL given on the command line points, or why it cannot be used. */
export type UserUrl =
  | { readonly ok: true; readonly url: string }
  | { readonly ok: false; readonly problem: string };

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * The one reading of a URL typed by a user, for every command and flag that takes one. Like
 * `stripe listen --forward-to`, the scheme may be left out: `localhost:3000/webhooks` and
 * `example.test/hook` mean http://…, and `:3000/webhooks` or a bare `3000` mean this machine
 * (127.0.0.1, not `localhost`, which may resolve to ::1 where the app listens on IPv4 only).
 */
export function parseUserUrl(input: string): UserUrl {
  const text = input.trim();
  if (text === "") return { ok: false, problem: "it is empty" };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\s\u0000-\u001f\u007f]/.test(text))
    return { ok: false, problem: "it contains spaces or control characters" };
  let candidate: string;
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (scheme !== "http" && scheme !== "https")
      return { ok: false, problem: `${scheme}: is not http or https` };
    candidate = text;
  } else if (/^\d+(\/.*)?$/.test(text) || text.startsWith(":")) {
    candidate = `http://127.0.0.1${text.startsWith(":") ? "" : ":"}${text}`;
  } else if (text.startsWith("/")) {
    return { ok: false, problem: "it is a path without a host (give :PORT/path for this machine)" };
  } else candidate = `http://${text}`;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return { ok: false, problem: "it is not a URL" };
  }
  if (url.hostname === "") return { ok: false, problem: "it has no host" };
  return { ok: true, url: url.href };
}

/** What to tell a user whose URL was refused. */
export const URL_FORMS =
  "give an http(s) URL such as http://127.0.0.1:3000/webhooks, localhost:3000/webhooks or :3000/webhooks";
