/** GET a JSON document with a timeout; throws an Error whose message says what went wrong. */
export async function getJson(fetchFn: typeof fetch, url: string, timeoutMs = 10_000): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchFn(url, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new Error(`GET ${url} failed: ${why}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`GET ${url} answered ${response.status}`);
  }
  try {
    return await response.json();
  } catch {
    throw new Error(`GET ${url} did not return JSON`);
  }
}
