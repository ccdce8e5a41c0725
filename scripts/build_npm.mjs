#!/usr/bin/env node
/**
 * Stages the npm package: compiles the library, the adapters, the codecs and the
 * `enet` command with tsc (scripts/tsconfig.npm.json: declarations, declaration
 * maps and source maps, `@internal` members stripped) into DIR/dist/, puts the
 * TypeScript sources the maps point to beside it, and writes package.json,
 * README.md and LICENSE. Tests, examples and benchmarks stay behind.
 *
 * The shipped declarations are then made fit for users: a class whose
 * constructor is marked `@internal` gets a `private constructor()` (so `new` on
 * it is a type error rather than a run-time one), and the JSDoc examples import
 * the package by name (`@x/enet`, `@x/enet/adapters`, `@x/enet/compress`)
 * instead of the repository's relative paths wherever the names they import are
 * public.
 *
 * Usage:
 *   node scripts/build_npm.mjs [--out DIR]      # default DIR: dist/npm
 *   cd DIR && npm pack                          # or npm publish
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const at = process.argv.indexOf("--out");
const out = resolve(at < 0 ? join(root, "dist", "npm") : process.argv[at + 1]);
const dist = join(out, "dist");
const source = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** The package's entry points: subpath, source file, whether it is a module with exports. */
const ENTRIES = [
  { subpath: ".", file: "mod.ts", library: true },
  { subpath: "./adapters", file: "adapters/mod.ts", library: true },
  { subpath: "./compress", file: "src/compress/mod.ts", library: true },
  { subpath: "./cli", file: "cli.ts", library: false },
];
/** The sources shipped beside dist/ for the declaration and source maps. */
const SOURCES = ["mod.ts", "cli.ts", "src", "adapters"];

/** Every file under `dir`, recursively. */
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** A repository path such as `src/godot/x.ts` as a `/`-separated key. */
function key(path) {
  return relative(root, path).split(sep).join("/");
}

function compile() {
  const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
  execFileSync(
    process.execPath,
    [tsc, "-p", join(root, "scripts", "tsconfig.npm.json"), "--outDir", dist],
    { cwd: root, stdio: "inherit" },
  );
  // cli.ts is a script that runs on import: it has no types to ship.
  rmSync(join(dist, "cli.d.ts"), { force: true });
  rmSync(join(dist, "cli.d.ts.map"), { force: true });
  chmodSync(join(dist, "cli.js"), 0o755);
}

/** Copies the TypeScript sources, and points every map at the copies. */
function shipSources() {
  for (const entry of SOURCES) {
    cpSync(join(root, entry), join(out, entry), {
      recursive: true,
      filter: (path) => statSync(path).isDirectory() || path.endsWith(".ts"),
    });
  }
  for (const map of walk(dist).filter((path) => path.endsWith(".map"))) {
    const json = JSON.parse(readFileSync(map, "utf8"));
    // tsc wrote paths from DIR/dist/... to the repository; the same files sit in DIR now.
    json.sources = json.sources.map((s) =>
      relative(dirname(map), join(out, key(resolve(dirname(map), s)))).split(sep).join("/")
    );
    writeFileSync(map, JSON.stringify(json));
  }
}

/** The `export { … } from "…"` clauses of a source file: [exported, original, target file]. */
function reExports(file) {
  const text = readFileSync(join(root, file), "utf8");
  return [...text.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}\s+from\s+"([^"]+)"/gm)].flatMap((m) =>
    m[1].split(",").map((s) => s.trim()).filter(Boolean).map((part) => {
      const [original, exported = original] = part.replace(/^type\s+/, "").split(/\s+as\s+/);
      return [exported, original, key(resolve(root, dirname(file), m[2]))];
    })
  );
}

/**
 * The public names: "source file#name" → the package specifier that exports the
 * same name, following `export { … } from` chains out of each entry point.
 */
function publicNames() {
  const names = new Map();
  const mark = (file, name, specifier) => {
    if (names.has(`${file}#${name}`)) return;
    names.set(`${file}#${name}`, specifier);
    for (const [exported, original, target] of reExports(file)) {
      if (exported === name && original === name) mark(target, name, specifier);
    }
  };
  for (const { subpath, file } of ENTRIES.filter((e) => e.library)) {
    const specifier = subpath === "." ? source.name : source.name + subpath.slice(1);
    const text = readFileSync(join(root, file), "utf8");
    for (const m of text.matchAll(/^export\s+(?:declare\s+)?(?:async\s+)?\w+\s+(\w+)/gm)) {
      mark(file, m[1], specifier);
    }
    for (const [exported] of reExports(file)) mark(file, exported, specifier);
  }
  return names;
}

/**
 * Rewrites one declaration file: `@internal` constructors become private, and
 * example imports of public names use the package's name. Lines are changed in
 * place, never added or removed, so the declaration maps stay right.
 */
function fixDeclaration(file, names, privateClasses) {
  const sourceFile = key(join(root, relative(dist, file))).replace(/\.d\.ts$/, ".ts");
  let text = readFileSync(file, "utf8");
  for (const name of privateClasses.get(sourceFile) ?? []) {
    const pattern = new RegExp(`^(export declare class ${name}\\b[^\\n{]*\\{)$`, "m");
    if (!pattern.test(text)) throw new Error(`build_npm: class ${name} not found in ${file}`);
    text = text.replace(pattern, "$1 private constructor();");
  }
  text = text.replace(
    /^(\s*\* import (?:type )?\{([^}]*)\} from ")(\.{1,2}\/[^"]+\.ts)(";)$/gm,
    (line, head, list, path, tail) => {
      const target = key(resolve(root, dirname(sourceFile), path));
      const specifiers = new Set(
        list.split(",").map((s) => s.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0])
          .filter(Boolean).map((name) => names.get(`${target}#${name}`)),
      );
      const [specifier] = specifiers;
      return specifiers.size === 1 && specifier ? head + specifier + tail : line;
    },
  );
  writeFileSync(file, text);
}

/** Classes whose constructor is marked `@internal`, by source file. */
function internalConstructors() {
  const found = new Map();
  for (
    const file of SOURCES.flatMap((s) =>
      statSync(join(root, s)).isDirectory() ? walk(join(root, s)) : [join(root, s)]
    )
  ) {
    if (!file.endsWith(".ts")) continue;
    const text = readFileSync(file, "utf8");
    for (
      const m of text.matchAll(
        /\/\*\*(?:(?!\*\/)[\s\S])*@internal(?:(?!\*\/)[\s\S])*\*\/\s*constructor\(/g,
      )
    ) {
      const before = [...text.slice(0, m.index).matchAll(/^export class (\w+)/gm)].pop();
      if (before) found.set(key(file), [...(found.get(key(file)) ?? []), before[1]]);
    }
  }
  return found;
}

function manifest() {
  const exports = {};
  for (const { subpath, file, library } of ENTRIES) {
    const js = "./dist/" + file.replace(/\.ts$/, ".js");
    // `default` serves `import` and, from Node 20.19 and 22.12 on, `require` (of an ES module).
    // The CLI entry runs on import and uses top-level await, so it is for `import` only.
    exports[subpath] = library
      ? { types: js.replace(/\.js$/, ".d.ts"), default: js }
      : { import: js };
  }
  exports["./package.json"] = "./package.json";
  const peers = source.dependencies ?? {};
  return {
    name: source.name,
    version: source.version,
    description: source.description,
    license: source.license,
    repository: source.repository,
    homepage: source.homepage,
    bugs: source.bugs,
    keywords: ["enet", "udp", "reliable-udp", "godot", "networking", "gamedev"],
    type: "module",
    engines: source.engines,
    exports,
    types: "./dist/mod.d.ts",
    bin: { enet: "dist/cli.js" },
    sideEffects: ["./dist/cli.js"],
    files: [
      "dist/",
      ...SOURCES.map((s) => s.endsWith(".ts") ? s : s + "/"),
      "README.md",
      "LICENSE",
    ],
    // Loaded only when DTLS or zstd is used, and installed only by those who ask for them.
    peerDependencies: peers,
    peerDependenciesMeta: Object.fromEntries(
      Object.keys(peers).map((n) => [n, { optional: true }]),
    ),
    publishConfig: { access: "public" },
  };
}

for (const field of ["repository", "homepage", "bugs"]) {
  if (!source[field]) throw new Error(`build_npm: package.json has no "${field}"`);
}
rmSync(out, { recursive: true, force: true });
compile();
shipSources();
const names = publicNames();
const privateClasses = internalConstructors();
for (const file of walk(dist).filter((path) => path.endsWith(".d.ts"))) {
  fixDeclaration(file, names, privateClasses);
}
for (const file of ["README.md", "LICENSE"]) cpSync(join(root, file), join(out, file));
const json = manifest();
writeFileSync(join(out, "package.json"), JSON.stringify(json, null, 2) + "\n");
console.log(`build_npm: staged ${json.name}@${json.version} in ${out}`);
