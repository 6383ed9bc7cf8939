import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { pino } from 'pino';
import { SqliteStore } from './adapters/sqlite/sqlite-store.js';
import { loadScoringRules, loadTokenCatalog, missingVideos } from './adapters/show-files.js';
import { NoDisplayPlayer } from './adapters/video/no-display.js';
import { ConfigError, loadConfig } from './config.js';
import { startOrchestrator } from './orchestrator.js';
import { AdminAuth } from './transport/admin-auth.js';

/** The checkout (or install) folder: relative paths in the configuration start here. */
const baseDir = fileURLToPath(new URL('../..', import.meta.url));

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig({ env: process.env, argv: process.argv.slice(2), baseDir });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = pino({ level: config.LOG_LEVEL, base: { app: 'orchestrator' } });

  const catalog = loadTokenCatalog(config.TOKENS_FILE, loadScoringRules(config.SCORING_FILE));
  logger.info({ file: config.TOKENS_FILE, tokens: catalog.size }, 'tokens loaded');
  const missing = missingVideos(catalog, config.MEDIA_DIR);
  if (missing.length > 0) logger.warn({ mediaDir: config.MEDIA_DIR, missing }, 'videos named by tokens are missing');

  const store = new SqliteStore(join(config.DATA_DIR, 'orchestrator.db'));
  const adminAuth = await AdminAuth.create({
    settings: store,
    password: config.ADMIN_PASSWORD,
    announceGeneratedPassword: (password) => {
      process.stdout.write(
        `\n  Admin password (shown once; set ADMIN_PASSWORD to choose your own): ${password}\n\n`,
      );
    },
  });
  const video = new NoDisplayPlayer();
  logger.warn({ component: 'video' }, 'no video display driven by this build: video tokens are logged, not played');

  const orchestrator = await startOrchestrator({
    host: config.HOST,
    port: config.PORT,
    maxStations: config.MAX_GM_STATIONS,
    stationToken: config.STATION_TOKEN,
    store,
    catalog,
    video,
    adminAuth,
    logger,
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const forced = setTimeout(() => process.exit(1), 10_000);
    forced.unref();
    void orchestrator
      .close()
      .then(() => video.close())
      .finally(() => {
        store.close();
        logger.info('stopped');
        process.exit(0);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`orchestrator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
