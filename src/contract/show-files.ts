import { z } from 'zod';

/** The ALN token file: an object keyed by token id. */
const MediaFileName = z
  .string()
  .min(1)
  .max(255)
  .refine((name) => !name.split(/[\\/]/).includes('..') && !name.startsWith('/') && !name.includes('\0'), {
    message: 'must be a file name under the media folder',
  });
const OptionalMedia = MediaFileName.nullish();

export const TokenEntry = z.object({
  SF_RFID: z.string().min(1),
  SF_ValueRating: z.number().int().min(1).max(5),
  SF_MemoryType: z.string().min(1),
  SF_Group: z.string(),
  image: OptionalMedia,
  audio: OptionalMedia,
  video: OptionalMedia,
  processingImage: OptionalMedia,
});
export type TokenEntry = z.infer<typeof TokenEntry>;

export const TokensFile = z.record(z.string().trim().min(1).max(128), TokenEntry);
export type TokensFile = z.infer<typeof TokensFile>;

/** Optional scoring overrides: base value per rating, multiplier per memory type. */
export const ScoringFile = z.object({
  baseValues: z.partialRecord(z.enum(['1', '2', '3', '4', '5']), z.number().int().nonnegative()).optional(),
  typeMultipliers: z.record(z.string().min(1), z.number().nonnegative()).optional(),
});
export type ScoringFile = z.infer<typeof ScoringFile>;
