import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Bundles the pages into dist/web: HTML at the top, scripts and styles under assets/. */
const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

mkdirSync(root('dist/web/assets'), { recursive: true });
await build({
  entryPoints: { gm: root('src/web/gm/main.ts'), admin: root('src/web/admin/main.ts'), scoreboard: root('src/web/scoreboard/main.ts'), player: root('src/web/player/main.ts') },
  outdir: root('dist/web/assets'),
  bundle: true,
  minify: true,
  format: 'esm',
  // ES2020 runs on the tablets still in service (Safari 14, Chrome 80, Firefox 74 and newer).
  target: 'es2020',
  sourcemap: true,
  logLevel: 'warning',
});
// Each page is its body in the one layout (head, stylesheet, its script); markup both pages
// show (the scores, the TV) comes from src/web/shared, included where a body says so.
const layout = readFileSync(root('src/web/shared/layout.html'), 'utf8');
const withIncludes = (html: string) =>
  html.replace(/<!-- include: ([\w-]+) -->\n/g, (_line, name: string) => readFileSync(root(`src/web/shared/${name}.html`), 'utf8'));
for (const [page, title] of [['gm', 'GM station'], ['admin', 'Show admin'], ['scoreboard', 'Scoreboard'], ['player', 'Memory scanner']] as const) {
  const body = withIncludes(readFileSync(root(`src/web/${page}/body.html`), 'utf8'));
  const html = layout.replace('{{title}}', title).replace('{{page}}', page).replace('{{body}}', () => body);
  writeFileSync(root(`dist/web/${page}.html`), html);
}
copyFileSync(root('src/web/shared/style.css'), root('dist/web/assets/style.css'));
copyFileSync(root('src/web/scoreboard/scoreboard.css'), root('dist/web/assets/scoreboard.css'));
copyFileSync(root('src/web/player/player.css'), root('dist/web/assets/player.css'));
