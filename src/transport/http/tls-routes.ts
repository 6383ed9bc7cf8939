import type express from 'express';
import { AppError, type TlsInfo } from '../../contract/index.js';

/** What the HTTPS routes answer: the ports and fingerprint, and the CA certificate (undefined when HTTPS is off). */
export interface TlsEndpoints {
  info(): TlsInfo;
  caCertificate(): string | undefined;
}

/** `GET /api/tls` and `GET /ca.crt`: public, like the certificate itself; a tablet needs them before it can trust anything. */
export function addTlsRoutes(router: express.Express, tls: () => TlsEndpoints): void {
  router.get('/api/tls', (_req, res) => {
    res.json(tls().info());
  });

  router.get('/ca.crt', (_req, res) => {
    const certificate = tls().caCertificate();
    if (certificate === undefined) throw new AppError('NOT_FOUND', 'HTTPS is off (HTTPS_PORT=none): there is no certificate authority');
    // A Buffer, so that express adds no charset: the media type is what iPads and Android match on.
    res.type('application/x-x509-ca-cert').set('cache-control', 'no-cache').send(Buffer.from(certificate));
  });
}
