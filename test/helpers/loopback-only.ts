// Loaded with --import before every test file: any connection to a non-loopback address fails loudly,
// so no test can reach the internet by accident (tests use local servers and emulators only).
import net from "node:net";

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;

const original = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const first = args[0];
  const options =
    typeof first === "object" && first !== null ? (first as { host?: string; path?: string }) : undefined;
  const host = options ? options.host : typeof args[1] === "string" ? args[1] : undefined;
  const isPipe = options?.path !== undefined || (typeof first === "string" && Number.isNaN(Number(first)));
  if (!isPipe && host !== undefined && !LOOPBACK.test(host.replace(/^\[|\]$/g, ""))) {
    throw new Error(`test tried to connect to ${host}: tests may only use loopback`);
  }
  return (original as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
