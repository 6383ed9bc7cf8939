// @peculiar/x509's dependency injection (tsyringe) needs the Reflect metadata API before it loads.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, createPublicKey, generateKeyPairSync, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../../ports/clock.js';
import type { ServerCredentials, ServerTls } from '../../ports/server-tls.js';

/** The names and addresses the server certificate must cover. */
export interface CertificateSubjects {
  dnsNames: readonly string[];
  ipAddresses: readonly string[];
}

export interface CertificateAuthorityOptions {
  /** A private folder (DATA_DIR/tls): the keys never leave it. */
  dir: string;
  /** What the server certificate must cover now; read at start and on each refresh. */
  subjects: () => CertificateSubjects;
  clock: Pick<Clock, 'now'>;
  logger: Logger;
  /** Named in the CA's subject, so that a tablet tells two appliances' authorities apart. */
  applianceName: string;
}

const DAY_MS = 86_400_000;
const CA_DAYS = 3650;
/**
 * Apple refuses server certificates valid for more than 825 days even under a CA the user
 * trusts, and browsers hold public ones to 398: 397 days, renewed a month before the end.
 */
const SERVER_DAYS = 397;
const RENEW_BEFORE_DAYS = 30;
/** Tablets' clocks and the Pi's (no battery clock, no internet on the hotspot) may disagree. */
const BACKDATE_MS = DAY_MS;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { ...EC, hash: 'SHA-256' } as const;

const FILES = { caKey: 'ca.key', caCert: 'ca.crt', serverKey: 'server.key', serverCert: 'server.crt' } as const;

interface Authority {
  key: KeyObject;
  pem: string;
  certificate: X509Certificate;
}

/**
 * The appliance's own certificate authority (EC P-256, ten years) and the server certificate
 * it signs for every name and address in `subjects`. Both are made at the first start and kept
 * in `dir` (keys 0600); a restart reuses them, and the server certificate is issued again only
 * when the names or addresses differ from the ones it covers, it nears its end, or the CA changed.
 */
export class CertificateAuthority implements ServerTls {
  private current: ServerCredentials;
  private refreshing: Promise<boolean> | undefined;

  private constructor(
    private readonly options: CertificateAuthorityOptions,
    private readonly authority: Authority,
    credentials: ServerCredentials,
  ) {
    this.current = credentials;
  }

  /** Loads the CA and the server certificate from `dir`, making or re-issuing what is missing or out of date. */
  static async open(options: CertificateAuthorityOptions): Promise<CertificateAuthority> {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const authority = loadAuthority(options) ?? (await createAuthority(options));
    const ca = new CertificateAuthority(options, authority, { key: '', cert: '' });
    await ca.issueWhenNeeded();
    return ca;
  }

  get caCertificate(): string {
    return this.authority.pem;
  }

  get caFingerprint(): string {
    return this.authority.certificate.fingerprint256;
  }

  credentials(): ServerCredentials {
    return this.current;
  }

  refresh(): Promise<boolean> {
    this.refreshing ??= this.issueWhenNeeded().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async issueWhenNeeded(): Promise<boolean> {
    const { dir, logger } = this.options;
    const wanted = normalised(this.options.subjects());
    const key = readKey(join(dir, FILES.serverKey));
    const pem = readText(join(dir, FILES.serverCert));
    const reason = key && pem !== undefined ? this.reasonToReissue(key, pem, wanted) : 'none yet';
    if (reason === undefined && key && pem !== undefined) {
      this.current = { key: key.export({ type: 'pkcs8', format: 'pem' }) as string, cert: pem };
      return false;
    }
    const serverKey = key ?? newKey();
    const certificate = await this.sign(serverKey, wanted);
    const chain = `${certificate}${this.authority.pem}`;
    const keyPem = serverKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    if (!key) writePrivate(join(dir, FILES.serverKey), keyPem);
    writePrivate(join(dir, FILES.serverCert), chain);
    this.current = { key: keyPem, cert: chain };
    logger.info({ reason, dnsNames: wanted.dnsNames, ipAddresses: wanted.ipAddresses }, 'HTTPS certificate issued');
    return true;
  }

  /** Why the stored server certificate will not do, or undefined when it will. */
  private reasonToReissue(key: KeyObject, pem: string, wanted: CertificateSubjects): string | undefined {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(pem);
    } catch {
      return 'unreadable';
    }
    if (!certificate.checkIssued(this.authority.certificate) || !certificate.verify(this.authority.certificate.publicKey)) return 'another CA';
    if (!certificate.checkPrivateKey(key)) return 'another key';
    if (new Date(certificate.validTo).getTime() - this.options.clock.now() < RENEW_BEFORE_DAYS * DAY_MS) return 'expiring';
    if (!sameSubjects(subjectsOf(certificate), wanted)) return 'names or addresses changed';
    return undefined;
  }

  private async sign(serverKey: KeyObject, subjects: CertificateSubjects): Promise<string> {
    const now = this.options.clock.now();
    const issuer = new x509.X509Certificate(this.authority.certificate.raw);
    const publicKey = await importPublic(serverKey);
    const certificate = await x509.X509CertificateGenerator.create(
      {
        subject: [{ CN: [this.options.applianceName.trim() || 'orchestrator'] }, { O: ['Show orchestrator'] }],
        issuer: issuer.subjectName,
        notBefore: new Date(now - BACKDATE_MS),
        notAfter: new Date(now + SERVER_DAYS * DAY_MS),
        signingAlgorithm: SIGNING,
        publicKey,
        signingKey: await importPrivate(this.authority.key),
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          new x509.SubjectAlternativeNameExtension([
            ...subjects.dnsNames.map((value) => ({ type: 'dns' as const, value })),
            ...subjects.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
          ]),
          await x509.SubjectKeyIdentifierExtension.create(publicKey, false, webcrypto),
          await x509.AuthorityKeyIdentifierExtension.create(issuer.publicKey, false, webcrypto),
        ],
      },
      webcrypto,
    );
    return certificate.toString('pem') + '\n';
  }
}

/** The stored CA when its key and certificate are there, match and are still valid. */
function loadAuthority({ dir, clock, logger }: CertificateAuthorityOptions): Authority | undefined {
  const key = readKey(join(dir, FILES.caKey));
  const pem = readText(join(dir, FILES.caCert));
  if (!key && pem === undefined) return undefined;
  try {
    if (!key || pem === undefined) throw new Error(`${key ? FILES.caCert : FILES.caKey} is missing`);
    const certificate = new X509Certificate(pem);
    if (!certificate.ca || !certificate.checkPrivateKey(key)) throw new Error('the key and certificate do not match');
    if (new Date(certificate.validTo).getTime() <= clock.now()) throw new Error('it has expired');
    return { key, pem, certificate };
  } catch (error) {
    logger.warn({ dir, reason: (error as Error).message }, 'the stored certificate authority cannot be used: a new one is made, and every tablet must trust it again');
    return undefined;
  }
}

async function createAuthority({ dir, clock, logger, applianceName }: CertificateAuthorityOptions): Promise<Authority> {
  const key = newKey();
  const now = clock.now();
  const keys = { privateKey: await importPrivate(key), publicKey: await importPublic(key) };
  const created = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: [{ CN: [`Show orchestrator CA (${applianceName.trim() || 'orchestrator'}) ${new Date(now).toISOString().slice(0, 10)}`] }, { O: ['Show orchestrator'] }],
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + CA_DAYS * DAY_MS),
      signingAlgorithm: SIGNING,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webcrypto),
      ],
    },
    webcrypto,
  );
  const pem = created.toString('pem') + '\n';
  // A new CA makes the old server certificate useless: it goes first, so no restart pairs them.
  rmSync(join(dir, FILES.serverCert), { force: true });
  writePrivate(join(dir, FILES.caKey), key.export({ type: 'pkcs8', format: 'pem' }) as string);
  writePrivate(join(dir, FILES.caCert), pem);
  const certificate = new X509Certificate(pem);
  logger.info({ fingerprint: certificate.fingerprint256 }, 'certificate authority created: tablets trust it once through /ca.crt');
  return { key, pem, certificate };
}

function newKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: EC.namedCurve }).privateKey;
}

function importPrivate(key: KeyObject): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', key.export({ type: 'pkcs8', format: 'der' }), EC, false, ['sign']);
}

function importPublic(key: KeyObject): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('spki', createPublicKey(key).export({ type: 'spki', format: 'der' }), EC, true, ['verify']);
}

function readText(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

function readKey(path: string): KeyObject | undefined {
  const pem = readText(path);
  if (pem === undefined) return undefined;
  try {
    return createPrivateKey(pem);
  } catch {
    return undefined;
  }
}

/** Written whole or not at all (a power cut mid-write leaves the old file), readable by the owner only. */
function writePrivate(path: string, text: string): void {
  const temporary = `${path}.new`;
  rmSync(temporary, { force: true });
  writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, path);
}

/** Sorted, lower-case, without duplicates; IPv6 addresses in their shortest form. */
function normalised(subjects: CertificateSubjects): CertificateSubjects {
  const unique = (values: Iterable<string>) => [...new Set(values)].sort();
  return {
    dnsNames: unique(subjects.dnsNames.map((name) => name.toLowerCase())),
    ipAddresses: unique(subjects.ipAddresses.map(canonicalIp).filter((ip): ip is string => ip !== undefined)),
  };
}

function canonicalIp(address: string): string | undefined {
  const version = isIP(address);
  if (version === 4) return address;
  if (version === 6) return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  return undefined;
}

function subjectsOf(certificate: X509Certificate): CertificateSubjects {
  const san = new x509.X509Certificate(certificate.raw).getExtension(x509.SubjectAlternativeNameExtension);
  const names = san?.names.toJSON() ?? [];
  return normalised({
    dnsNames: names.filter((name) => name.type === 'dns').map((name) => name.value),
    ipAddresses: names.filter((name) => name.type === 'ip').map((name) => name.value),
  });
}

function sameSubjects(a: CertificateSubjects, b: CertificateSubjects): boolean {
  return a.dnsNames.join(' ') === b.dnsNames.join(' ') && a.ipAddresses.join(' ') === b.ipAddresses.join(' ');
}
