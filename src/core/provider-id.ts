import { closest } from "./suggest.js";

/** The one list of provider ids; each provider's folder under src/providers/ bears its id. */
export const PROVIDER_IDS = ["moneykit", "dfns", "bracken", "kopokopo", "pps"] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/** Other spellings users type (names, the SDKs' names), matched case-insensitively. */
const ALIASES: Readonly<Record<string, ProviderId>> = {
  "money-kit": "moneykit",
  "kopo-kopo": "kopokopo",
  kopo_kopo: "kopokopo",
  k2: "kopokopo",
  pointservices: "pps",
  "point-services": "pps",
  point_services: "pps",
};

export function isProviderId(value: string): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value);
}

/** A provider id from what a user typed: any case, or an alias; undefined when it names none. */
export function toProviderId(input: string): ProviderId | undefined {
  const key = input.trim().toLowerCase();
  return isProviderId(key) ? key : ALIASES[key];
}

/** "unknown provider" wording with a did-you-mean, for every place a provider id is typed. */
export function unknownProviderHint(input: string): string {
  const near = closest(input.trim().toLowerCase(), [...PROVIDER_IDS, ...Object.keys(ALIASES)]);
  const suggestion = near === undefined ? undefined : toProviderId(near);
  return `${suggestion ? `did you mean ${suggestion}? ` : ""}use one of ${PROVIDER_IDS.join(", ")}`;
}
