/** Key documents are a few KiB; anything near this is hostile or broken (a 300 MB JWKS was once accepted). */
export const MAX_JSON_BYTES = 1 << 20;
/** Same-origin redirects followed before giving up (a CDN moving a path); other origins are never followed. */
export const MAX_REDIRECTS = 3;

export interface GetJsonOptions {
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
}

/**
 * GET a JSON document with a timeout, a size cap and same-origin redirects only; throws an Error
 * whose message says what went wrong. A key URL that redirects elsewhere would let whoever controls
 * the redirect choose the keys, so a cross-origin hop is refused rather than followed.
 */
export async function getJson(
  fetchFn: typeof fetch,
  url: string,
  options: GetJsonOptions = {},
): Promise<unknown> {
  const maxBytes = options.maxBytes ?? MAX_JSON_BYTES;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  let target = url;
  for (let hop = 0; ; hop++) {
    const response = await request(fetchFn, target, signal);
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      const location = response.headers.get("location");
      if (location === null) throw new Error(`GET ${target} answered ${response.status} without a Location`);
      const next = new URL(location, target);
      if (next.origin !== new URL(target).origin)
        throw new Error(
          `GET ${url}: redirect to ${next.origin} refused (keys are fetched from one origin only)`,
        );
      if (hop >= MAX_REDIRECTS) throw new Error(`GET ${url}: more than ${MAX_REDIRECTS} redirects`);
      target = next.href;
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`GET ${target} answered ${response.status}`);
    }
    const text = await readCapped(response, target, maxBytes);
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`GET ${target} did not return JSON`);
    }
  }
}

async function request(fetchFn: typeof fetch, url: string, signal: AbortSignal): Promise<Response> {
  try {
    return await fetchFn(url, { headers: { accept: "application/json" }, redirect: "manual", signal });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new Error(`GET ${url} failed: ${why}`);
  }
}

/** Reads the body as a stream and stops at the cap, so a huge (or lying) answer is never held whole. */
async function readCapped(response: Response, url: string, maxBytes: number): Promise<string> {
  const tooLarge = () => new Error(`GET ${url} answered more than ${maxBytes} bytes; refused`);
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (size > maxBytes) throw error;
    throw new Error(`GET ${url} failed while reading: ${(error as Error).message}`);
  }
  return Buffer.concat(chunks).toString("utf8");
}
