// src/dtos/user-profile.ts
// template=dto version=ac2f1879 created=2026-01-02T03:04:05Z updated=
/**
 * A user as the API returns it
 *
 * @module
 */
import { z } from 'zod';

export const UserProfileSchema = z
  .object({
    /** Stable identifier */
    id: z.string(),
    email: z.string(),
    /** Age in years */
    age: z.number().int().optional(),
    score: z.number(),
    active: z.boolean(),
    createdAt: z.iso.datetime(),
    tags: z.array(z.string()),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .readonly();

export type UserProfile = z.infer<typeof UserProfileSchema>;

/** Parses unknown input into a UserProfile; throws a ZodError naming each invalid field. */
export function parseUserProfile(input: unknown): UserProfile {
  return UserProfileSchema.parse(input);
}

/** Like parseUserProfile, but returns the issues instead of throwing. */
export function safeParseUserProfile(input: unknown): z.ZodSafeParseResult<UserProfile> {
  return UserProfileSchema.safeParse(input);
}
