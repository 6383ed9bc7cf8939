import helmet from 'helmet';

/**
 * The pages load only their own scripts, styles and images, and no other site may frame
 * them (`/admin` inside a stranger's page would be clickjacking). No inline script or style
 * is allowed, so an injected string cannot run. Plain HTTP stays in use beside HTTPS (player
 * scanners, tablets that do not trust the appliance's CA yet), and HTTPS is on another port,
 * so helmet's HSTS and "upgrade insecure requests" are left out: they would send browsers to
 * https on the HTTP port, where nothing answers TLS.
 */
export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });
}
