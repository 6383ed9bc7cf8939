import { fileURLToPath } from 'node:url';
import { spawnBuiltServer, spawnListeningNode, type BuiltServer, type ServerEnv } from '../../scripts/lib/built-server.js';

const BARE_MAIN = fileURLToPath(new URL('../bare-relay.js', import.meta.url));

/** The bench's bare Socket.IO relay (`dist/bench/bare-relay.js`). */
export function spawnBareRelay(): Promise<BuiltServer> {
  return spawnListeningNode(BARE_MAIN, { env: {}, listening: 'bare relay listening' });
}

/** The built orchestrator under `node --cpu-prof`, writing its profile into `profileDir` when it exits. */
export function spawnProfiledOrchestrator(env: ServerEnv, profileDir: string): Promise<BuiltServer> {
  return spawnBuiltServer(env, undefined, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
}
