import { fileURLToPath } from "node:url";

/** The repository's src/ (tests run compiled from dist/test/architecture/). */
export const SRC = fileURLToPath(new URL("../../../src/", import.meta.url));
