import { randomInt } from "node:crypto";
import { BRACKEN_EVENTS } from "./info.js";

/**
 * Bracken webhook bodies, kept as data.
 *
 * INFERRED: Bracken publishes no payload schema (providers.md: "Payload schema: *unknown* (it
 * carries the new user's username for `User_Create`)"). The shape below is a plausible design in
 * the camelCase the Bracken API itself uses (`target`, `secret`, `active`): the event name, the
 * domain, when it happened, the user, and for module/course events the module or course with the
 * instant that matters for the event. `whtool` verifies the signature over whatever bytes arrive,
 * so nothing downstream depends on this shape beyond an `event` field.
 */

export type BrackenEvent = (typeof BRACKEN_EVENTS)[number];

/** Bracken spells events `User_Create` and `user_create` (seed 003): match case-insensitively. */
export function brackenEventName(name: string): BrackenEvent | undefined {
  const lower = name.trim().toLowerCase();
  return BRACKEN_EVENTS.find((event) => event.toLowerCase() === lower);
}

export interface BrackenUser {
  readonly userKey: number;
  readonly username: string;
}

/** What changes between two events. */
export interface BrackenSampleContext {
  readonly at: Date;
  readonly domainKey?: number;
  readonly user?: BrackenUser;
}

const MODULES = [
  { moduleKey: 3107, name: "Fire Safety Awareness" },
  { moduleKey: 3112, name: "Manual Handling" },
  { moduleKey: 3140, name: "Data Protection Essentials" },
] as const;
const COURSES = [
  { courseKey: 412, name: "Health and Safety Induction" },
  { courseKey: 418, name: "Information Security Foundations" },
] as const;
const USERNAMES = ["Test-User", "j.smith", "a.patel", "m.okafor"] as const;

const DAY = 86_400_000;

export function sampleBrackenUser(): BrackenUser {
  return {
    userKey: randomInt(10_000, 99_999),
    username: USERNAMES[randomInt(USERNAMES.length)] ?? "Test-User",
  };
}

/** A complete body for `event`. */
export function brackenSampleBody(event: BrackenEvent, ctx: BrackenSampleContext): Record<string, unknown> {
  const at = ctx.at.toISOString();
  const body: Record<string, unknown> = {
    event,
    domainKey: ctx.domainKey ?? 4521,
    occurredAt: at,
    user: ctx.user ?? sampleBrackenUser(),
  };
  const module = MODULES[randomInt(MODULES.length)] ?? MODULES[0];
  const course = COURSES[randomInt(COURSES.length)] ?? COURSES[0];
  const expiresAt = new Date(ctx.at.getTime() + 14 * DAY).toISOString();
  switch (event) {
    case "User_Create":
    case "User_Delete":
      return body;
    case "Module_Start":
      return { ...body, module: { ...module, startedAt: at } };
    case "Module_Complete":
      return { ...body, module: { ...module, completedAt: at, score: 92, expiresAt: addYear(ctx.at) } };
    case "Module_Expiring":
      return { ...body, module: { ...module, expiresAt } };
    case "Module_Expired":
      return { ...body, module: { ...module, expiredAt: at } };
    case "Course_Complete":
      return { ...body, course: { ...course, completedAt: at, expiresAt: addYear(ctx.at) } };
    case "Course_Expiring":
      return { ...body, course: { ...course, expiresAt } };
    case "Course_Expired":
      return { ...body, course: { ...course, expiredAt: at } };
  }
}

function addYear(at: Date): string {
  const next = new Date(at.getTime());
  next.setUTCFullYear(next.getUTCFullYear() + 1);
  return next.toISOString();
}
