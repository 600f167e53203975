// Compiles the stylesheet into public/build/; run by `npm start`, the browser tests and the benchmarks.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as sass from 'sass';

const root = path.resolve(import.meta.dirname, '..');
const result = sass.compile(path.join(root, 'src/styles/app.scss'), {
  loadPaths: [path.join(root, 'node_modules')],
  style: 'compressed',
  quietDeps: true,
});
await mkdir(path.join(root, 'public/build'), { recursive: true });
await writeFile(path.join(root, 'public/build/app.css'), result.css);
console.log(`public/build/app.css: ${result.css.length} bytes`);
