import { hmacForgeries } from "../forgery-tools.js";
import type { Forgeries } from "../types.js";
import { scheme } from "./scheme.js";

/** Kopo Kopo signs the bytes it sends. */
export const kopokopoForgeries: Forgeries = (input) => hmacForgeries(scheme, input, true);
