/** One open Server-Sent Events stream: write a frame, learn when the browser went away. */
export interface SseClient {
  write(frame: string): void;
  end(): void;
}

const HEARTBEAT_MS = 15_000;

/** Frames one event; data is JSON, so it never holds a newline that could forge another field. */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Fans events out to every open page; a comment line now and then keeps idle connections open. */
export class SseHub {
  readonly #clients = new Set<SseClient>();
  readonly #timer: NodeJS.Timeout;

  constructor(heartbeatMs = HEARTBEAT_MS) {
    this.#timer = setInterval(() => this.#broadcast(": keep-alive\n\n"), heartbeatMs);
    this.#timer.unref();
  }

  get size(): number {
    return this.#clients.size;
  }

  add(client: SseClient): () => void {
    this.#clients.add(client);
    client.write("retry: 2000\n\n");
    return () => this.#clients.delete(client);
  }

  send(event: string, data: unknown): void {
    // No page open (the usual case under load): nothing to frame.
    if (this.#clients.size > 0) this.#broadcast(sseFrame(event, data));
  }

  close(): void {
    clearInterval(this.#timer);
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }

  #broadcast(frame: string): void {
    for (const client of this.#clients) client.write(frame);
  }
}
