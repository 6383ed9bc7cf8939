/** The key and certificate chain (PEM) the HTTPS server presents. */
export interface ServerCredentials {
  key: string;
  cert: string;
}

/**
 * The appliance's HTTPS identity: a certificate authority of its own, which each tablet trusts
 * once, and the server certificate it signs for the names and addresses GMs use.
 */
export interface ServerTls {
  /** The CA's certificate (PEM), served at `/ca.crt`. */
  readonly caCertificate: string;
  /** The SHA-256 fingerprint of the CA's certificate as colon-separated hex, to compare on a tablet. */
  readonly caFingerprint: string;
  /** What the HTTPS server presents now. */
  credentials(): ServerCredentials;
  /**
   * Reads the machine's names and addresses again and re-issues the server certificate when
   * they changed or it nears its end; resolves true when it was re-issued.
   */
  refresh(): Promise<boolean>;
}
