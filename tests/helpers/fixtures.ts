/**
 * Test helper: the folder of vendored data files, tests/fixtures/ (see its README.md),
 * found from the repository under Deno and Bun and from build/tests/ under Node.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The path of a file or folder in tests/fixtures/.
 *
 * @param parts The path inside tests/fixtures/, e.g. `"captures", "godot_none.tap.jsonl"`.
 * @returns An absolute path.
 */
export function fixturePath(...parts: string[]): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const fixtures = join(dir, "tests", "fixtures");
    if (existsSync(join(fixtures, "README.md"))) return join(fixtures, ...parts);
    const parent = dirname(dir);
    if (parent === dir) throw new Error("Cannot find tests/fixtures/ above " + import.meta.url);
    dir = parent;
  }
}
