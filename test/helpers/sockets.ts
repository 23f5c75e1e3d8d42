import { connect, type Socket } from "node:net";

/** A raw TCP connection to `url`'s host and port, open (connected) when this resolves. */
export function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.on("error", reject);
  });
}

/**
 * Resolves with the milliseconds until the server closes `socket` (its data read and kept in
 * `received`), or rejects after `withinMs`. The socket is read so that its end is seen.
 */
export function closedWithin(
  socket: Socket,
  withinMs: number,
  received: { text: string } = { text: "" },
): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    if (socket.destroyed) {
      resolve(0);
      return;
    }
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for more than ${withinMs} ms`));
    }, withinMs);
    socket.on("data", (chunk: Buffer) => {
      received.text += chunk.toString("latin1");
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(performance.now() - started);
    });
  });
}

/** Sends one keep-alive GET on `socket` and resolves with the head of the answer. */
export function requestOn(socket: Socket, path = "/"): Promise<string> {
  return new Promise((resolve) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen += chunk.toString("latin1");
      if (seen.includes("\r\n\r\n")) {
        socket.off("data", onData);
        resolve(seen.split("\r\n")[0] ?? "");
      }
    };
    socket.on("data", onData);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
  });
}
