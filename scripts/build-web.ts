import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Bundles the pages into dist/web: HTML at the top, scripts and styles under assets/. */
const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

mkdirSync(root('dist/web/assets'), { recursive: true });
await build({
  entryPoints: { gm: root('src/web/gm/main.ts'), admin: root('src/web/admin/main.ts') },
  outdir: root('dist/web/assets'),
  bundle: true,
  minify: true,
  format: 'esm',
  // ES2020 runs on the tablets still in service (Safari 14, Chrome 80, Firefox 74 and newer).
  target: 'es2020',
  sourcemap: true,
  logLevel: 'warning',
});
copyFileSync(root('src/web/gm/index.html'), root('dist/web/gm.html'));
copyFileSync(root('src/web/admin/index.html'), root('dist/web/admin.html'));
copyFileSync(root('src/web/shared/style.css'), root('dist/web/assets/style.css'));
