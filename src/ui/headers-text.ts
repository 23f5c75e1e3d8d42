import { printable } from "../core/printable.js";

/** `Name: value  Name: value`, neutralised: a header value with CR/LF or bidi characters stays on its line, as sent. */
export function headersText(headers: Readonly<Record<string, string>>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${printable(name)}: ${printable(value)}`)
    .join("  ");
}
