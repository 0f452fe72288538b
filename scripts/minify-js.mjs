// Minifies the JS that wasm-bindgen wrote into dist/ (Trunk 0.21's own minifier fails on
// it), the app's loader inlined in dist/index.html (src/loader.js, which Trunk's HTML
// minifier leaves as it is in a module script) and the service worker. Run after
// `trunk build`.
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(new URL("../tools/package.json", import.meta.url));
const esbuild = require("esbuild");

const dist = process.argv[2] ?? "dist";
const indexPath = join(dist, "index.html");
let index = readFileSync(indexPath, "utf8");

// Only the files Trunk named with their content hash (not public/sw.js, copied as it is).
for (const name of readdirSync(dist).filter((f) => /-[0-9a-f]{16,}\.js$/.test(f))) {
  const path = join(dist, name);
  const source = readFileSync(path, "utf8");
  const { code } = esbuild.transformSync(source, { minify: true, format: "esm", target: "es2020" });
  writeFileSync(path, code);
  if (!index.includes(`/${name}'`)) {
    throw new Error(`${indexPath} does not load ${name}`);
  }
  console.log(`minified ${name}: ${source.length} -> ${code.length} bytes`);
}

// The loader: Trunk leaves a pattern parameter it could not read as `{name}`.
const loader = /(<script type=module>)([\s\S]*?)(<\/script>)/;
const [, , text] = index.match(loader) ?? [];
if (text === undefined || text.includes("{loader}") || !text.includes("import(js)")) {
  throw new Error(`${indexPath} lacks the app's loader (src/loader.js, Trunk.toml)`);
}
const { code: loaderCode } = esbuild.transformSync(text, { minify: true, format: "esm", target: "es2020" });
index = index.replace(loader, (_, open, _text, close) => `${open}${loaderCode.trim()}${close}`);
console.log(`minified the loader: ${text.length} -> ${loaderCode.trim().length} bytes`);
writeFileSync(indexPath, index);

// The service worker (public/sw.js, copied as it is by Trunk): a classic script, minified
// as one. It counts in the citizens' app's budget.
const worker = join(dist, "sw.js");
if (existsSync(worker)) {
  const source = readFileSync(worker, "utf8");
  const { code } = esbuild.transformSync(source, { minify: true, target: "es2020" });
  writeFileSync(worker, code);
  console.log(`minified sw.js: ${source.length} -> ${code.length} bytes`);
}
