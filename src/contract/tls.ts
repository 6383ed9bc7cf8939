import { z } from 'zod';

/** HTTPS on the appliance: where the secure address listens and which certificate authority tablets trust. */

export const TlsInfo = z
  .object({
    httpPort: z.number().int().min(0).max(65535).meta({ description: 'PORT: plain HTTP (player scanners, the first visit of a tablet).' }),
    httpsPort: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .nullable()
      .meta({ description: 'HTTPS_PORT: the secure address GMs are given (Web NFC needs it); null when HTTPS is off.' }),
    caFingerprint: z
      .string()
      .regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
      .nullable()
      .meta({ description: "The SHA-256 fingerprint of the appliance's CA certificate (`/ca.crt`), colon-separated hex; null when HTTPS is off." }),
  })
  .meta({
    id: 'TlsInfo',
    description: "GET /api/tls: the ports of the plain and the secure address, and the fingerprint of the CA a tablet trusts once to open the secure one without a warning.",
    examples: [{ httpPort: 3000, httpsPort: 3443, caFingerprint: 'F7:3B:ED:15:73:26:8B:74:28:86:41:0A:90:CF:46:74:E0:D8:11:9B:7B:64:37:34:83:82:2B:A9:13:1D:9E:B1' }],
  });
export type TlsInfo = z.infer<typeof TlsInfo>;
