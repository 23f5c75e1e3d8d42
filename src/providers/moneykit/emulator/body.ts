import type { EmuRequest } from "../../../emulators/router.js";
import { MONEYKIT_PRODUCTS, type MoneyKitProduct } from "../samples.js";
import { invalid } from "./errors.js";

/** The JSON object a request carries; anything else is a 422, as MoneyKit's request validation answers. */
export function jsonObject(req: EmuRequest): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(req.body.toString("utf8"));
  } catch {
    throw invalid("Request validation error: body is not valid JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw invalid("Request validation error: body must be a JSON object.");
  return value as Record<string, unknown>;
}

export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.length === 0)
    throw invalid(`Request validation error: ${field} must be a non-empty string.`);
  return value;
}

export function requiredString(body: Record<string, unknown>, field: string): string {
  const value = optionalString(body, field);
  if (value === undefined) throw invalid(`Request validation error: ${field} is required.`);
  return value;
}

/** A webhook URL: absolute http(s). */
export function webhookUrl(value: unknown, field = "webhook"): string {
  if (typeof value === "string") {
    try {
      const url = new URL(value);
      if (url.protocol === "https:" || url.protocol === "http:") return value;
    } catch {
      // fall through to the 422 below
    }
  }
  throw invalid(`Request validation error: ${field} must be an http(s) URL.`);
}

export function stringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === "string"))
    throw invalid(`Request validation error: ${field} must be a list of strings.`);
  return value;
}

export function isProduct(value: unknown): value is MoneyKitProduct {
  return typeof value === "string" && (MONEYKIT_PRODUCTS as readonly string[]).includes(value);
}

/** A non-empty list of known products, duplicates removed, order kept. */
export function productList(value: unknown, field = "products"): MoneyKitProduct[] {
  if (!Array.isArray(value) || value.length === 0)
    throw invalid(`Request validation error: ${field} must be a non-empty list.`);
  const products: MoneyKitProduct[] = [];
  for (const item of value) {
    if (!isProduct(item))
      throw invalid(
        `Request validation error: ${field} has unknown product ${JSON.stringify(item)} (known: ${MONEYKIT_PRODUCTS.join(", ")}).`,
      );
    if (!products.includes(item)) products.push(item);
  }
  return products;
}

/** `settings.products` of a link session: `{"transactions":{"required":true}, …}` → its product names. */
export function sessionProducts(settings: unknown): MoneyKitProduct[] {
  if (settings === undefined || settings === null) return [];
  if (typeof settings !== "object" || Array.isArray(settings))
    throw invalid("Request validation error: settings must be an object.");
  const products = (settings as { products?: unknown }).products;
  if (products === undefined || products === null) return [];
  if (typeof products !== "object" || Array.isArray(products))
    throw invalid("Request validation error: settings.products must be an object.");
  const names = Object.keys(products);
  return names.length === 0 ? [] : productList(names, "settings.products");
}
