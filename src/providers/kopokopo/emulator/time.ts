import { nairobiTime } from "../samples.js";

/** `2020-10-19T09:24:48.622+03:00`: result timestamps (initiation_time, created_at) keep milliseconds. */
export function nairobiTimeMs(at: Date): string {
  const ms = String(at.getUTCMilliseconds()).padStart(3, "0");
  return nairobiTime(at).replace("+03:00", `.${ms}+03:00`);
}
