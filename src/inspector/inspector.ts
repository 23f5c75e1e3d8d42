import { type PageServer, servePage } from "../adapters/inspector-server.js";
import type { CaptureRecord } from "../core/capture-format.js";
import { usageError } from "../errors.js";
import { route } from "./api.js";
import { loadAssets } from "./assets.js";
import { type Follower, fileSource, followCapture } from "./capture-follow.js";
import type { SigningMaterial } from "./resign.js";
import { newToken } from "./security.js";
import { SseHub } from "./sse.js";
import { DeliveryStore, type StoreLimits } from "./store.js";

/** The inspector's default port: where ngrok's agent serves its own, so guides that name it still work. */
export const DEFAULT_INSPECT_PORT = 4040;

export interface InspectorOptions {
  /** 4040 by default; 0 for any free port. */
  readonly port: number;
  /** The default port moves on to the next free one when taken; a port the user named does not. */
  readonly nextFree: boolean;
  /** The capture file: indexed at start, then followed as it grows. */
  readonly capture: string | null;
  /**
   * Read the whole capture before serving (inspect, which reports the count); listen serves at once
   * and fills the list as the file is read, so a large capture does not delay its ready line.
   */
  readonly indexFirst: boolean;
  /** The flag that sets the port, named when it is taken. */
  readonly portFlag: string;
  readonly forwardTo: string | null;
  readonly material: SigningMaterial | null;
  readonly limits?: Partial<StoreLimits>;
  now(): Date;
  warn(message: string): void;
}

export interface Inspector {
  readonly url: string;
  readonly store: DeliveryStore;
  /** A delivery as listen saw it (the capture file may also have it: the store keeps one row). */
  live(record: CaptureRecord): void;
  /** Settles once the capture's existing lines are indexed. */
  readonly indexed: Promise<void>;
  close(): Promise<void>;
}

/** Live deliveries held while the capture is first read (the file has them too, should more come). */
const MAX_QUEUED = 300;

/** Starts the inspector: the store (fed from the capture file), the SSE hub, and the loopback page server. */
export async function startInspector(options: InspectorOptions): Promise<Inspector> {
  const store = new DeliveryStore(options.capture ? fileSource(options.capture) : null, options.limits);
  const hub = new SseHub();
  const token = newToken();
  const assets = await loadAssets();
  store.subscribe((event) => {
    if (event.type === "delivery") hub.send("delivery", event.summary);
    else if (event.type === "forward") hub.send("forward", { id: event.id, forward: event.forward });
    else hub.send("reset", {});
  });
  // Until the capture's existing lines are indexed, live deliveries wait, so they sort (and dedupe) after them.
  let queued: CaptureRecord[] | null = [];
  const release = () => {
    const waiting = queued ?? [];
    queued = null;
    for (const record of waiting) store.add(record, null);
  };
  let follower: Follower | undefined;
  let indexed = Promise.resolve();
  if (options.capture) {
    follower = followCapture(options.capture, store, { warn: options.warn });
    indexed = follower.poll().then(release, (error: unknown) => {
      release();
      options.warn(`cannot read ${options.capture}: ${(error as Error).message}`);
    });
    if (options.indexFirst) await indexed;
  } else release();
  let server: PageServer;
  try {
    server = await servePage(
      (request) =>
        route(request, {
          store,
          hub,
          assets,
          token,
          port: () => server.port,
          forwardTo: options.forwardTo,
          material: options.material,
          now: options.now,
        }),
      { port: options.port, nextFree: options.nextFree },
    );
  } catch (error) {
    await follower?.close();
    hub.close();
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
      throw usageError(
        `inspector port ${options.port} is already in use`,
        `pick another ${options.portFlag} (0: any free one)`,
      );
    throw error;
  }
  return {
    url: server.url,
    store,
    indexed,
    live(record) {
      if (queued === null) store.add(record, null);
      else if (queued.push(record) > MAX_QUEUED) queued.shift();
    },
    async close() {
      await follower?.close();
      hub.close();
      await server.close();
    },
  };
}
