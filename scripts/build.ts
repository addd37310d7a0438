/**
 * pnpm build — compiles every package to `<package>/dist/` for production
 * (`node --conditions=compiled <package>/dist/main.js`; see docs/deploying.md).
 *
 * TypeScript project references (tsconfig.build.json) compile the kit and the
 * subgraphs first, then the gateway. tsc copies no other files, so the SDL files
 * (`src/**.graphql`, read at start through `new URL('./schema.graphql', import.meta.url)`)
 * and every file under an `assets/` folder (the explorer's script, stylesheet and icon,
 * read through `new URL('./assets/…', import.meta.url)`) are copied beside the compiled
 * code here; migration folders (`<package>/drizzle`) sit one level above both `src/`
 * and `dist/`, so they resolve from either.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Every workspace package that has a build config. */
export function buildablePackages(): string[] {
  const folders = ['packages', 'subgraphs'].flatMap((parent) =>
    readdirSync(path.join(root, parent)).map((name) => path.join(parent, name)),
  );
  return [...folders, 'gateway'].filter((folder) => existsSync(path.join(root, folder, 'tsconfig.build.json')));
}

/** SDL files anywhere, and whatever lies in an `assets/` folder. */
function copyAssets(from: string, to: string, inAssets = false): number {
  let copied = 0;
  for (const entry of readdirSync(from)) {
    const source = path.join(from, entry);
    if (statSync(source).isDirectory()) {
      copied += copyAssets(source, path.join(to, entry), inAssets || entry === 'assets');
    } else if (entry.endsWith('.graphql') || inAssets) {
      cpSync(source, path.join(to, entry));
      copied += 1;
    }
  }
  return copied;
}

const packages = buildablePackages();
// A clean build every time: a file deleted from src must not live on in dist.
for (const folder of packages) rmSync(path.join(root, folder, 'dist'), { recursive: true, force: true });
// The gateway is an application, not a library: it is built after the projects it
// references and emits no declarations (so it is not part of the composite solution).
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json', 'gateway/tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
let assets = 0;
for (const folder of packages) assets += copyAssets(path.join(root, folder, 'src'), path.join(root, folder, 'dist'));
console.log(`built ${packages.length} packages to <package>/dist (${assets} SDL and asset files copied)`);
