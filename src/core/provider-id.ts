export const PROVIDER_IDS = ["moneykit", "dfns", "bracken", "kopokopo", "pps"] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export function isProviderId(value: string): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value);
}
