// The benchmarks' huge change: a 700,000-line, ~20 MB patch (one 200,000-line file first,
// then 1,000 files of 500 lines). Used by bench-review.js and tests/bench/bench-app.js.
export function bigPatch() {
  const parts = [];
  let lines = 0;
  const file = (path, n) => {
    parts.push(`diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,${n} @@\n`);
    const body = [`+// ${path}\n`];
    for (let i = 2; i <= n; i++) body.push(`+    let v_${i} = calc(${i % 97});\n`);
    parts.push(body.join(""));
    lines += n + 5;
  };
  file("aaa_big/generated_table.rs", 200_000);
  for (let f = 0; f < 1000; f++) file(`src/module_${String(f).padStart(4, "0")}/part.rs`, 495);
  return { text: parts.join(""), lines };
}
