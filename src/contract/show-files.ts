import { z } from 'zod';

/** The ALN token file: an object keyed by token id. */
export const MediaFileName = z
  .string()
  .min(1)
  .max(255)
  .refine((name) => !name.split(/[\\/]/).includes('..') && !name.startsWith('/') && !name.includes('\0'), {
    message: 'must be a file name under the media folder',
  })
  .meta({ description: 'A file name under MEDIA_DIR: no `..`, no absolute path.' });
const OptionalMedia = MediaFileName.nullish();

export const TokenEntry = z
  .object({
    SF_RFID: z.string().min(1),
    SF_ValueRating: z.number().int().min(1).max(5).meta({ description: 'Ratings 1..5 are worth 10,000, 25,000, 50,000, 75,000 and 150,000 points before the type multiplier.' }),
    SF_MemoryType: z.string().min(1).meta({ description: 'Personal ×1, Mention ×3, Business ×3, Party ×5, Technical ×5, any other type ×0 (SCORING_FILE overrides them).' }),
    SF_Group: z.string().meta({ description: '"Name (xN)" pays (N − 1) × the members\' values to the team that holds every member; "" for none.' }),
    image: OptionalMedia,
    audio: OptionalMedia,
    video: OptionalMedia.meta({ description: 'The clip the TV plays when a player scans the token.' }),
    processingImage: OptionalMedia,
  })
  .meta({ id: 'TokenEntry', description: 'One token of the show.' });
export type TokenEntry = z.infer<typeof TokenEntry>;

export const TokensFile = z
  .record(z.string().trim().min(1).max(128), TokenEntry)
  .meta({ id: 'TokensFile', description: 'TOKENS_FILE, in the ALN token format: an object keyed by token id.' });
export type TokensFile = z.infer<typeof TokensFile>;

/** Optional scoring overrides: base value per rating, multiplier per memory type. */
export const ScoringFile = z
  .object({
    baseValues: z.partialRecord(z.enum(['1', '2', '3', '4', '5']), z.number().int().nonnegative()).optional(),
    typeMultipliers: z.record(z.string().min(1), z.number().nonnegative()).optional(),
  })
  .meta({ id: 'ScoringFile', description: 'SCORING_FILE: base value per rating, multiplier per memory type.' });
export type ScoringFile = z.infer<typeof ScoringFile>;
