import { hmacForgeries } from "../forgery-tools.js";
import type { Forgeries } from "../types.js";
import { scheme } from "./scheme.js";

// Bracken signs JSON.stringify(body), so a non-compact body is no case of its own.
export const brackenForgeries: Forgeries = (input) => hmacForgeries(scheme, input, false);
