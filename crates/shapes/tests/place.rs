//! Placing answers on a base held in memory: each rung of the ladder, ambiguity and what
//! resolves it, elided code, changes already in main, and paths matched by their tail.

use patchdesk_shapes::{is_elision, place, read, Base, BaseFile, Change, Limits, Plan, Refusal, RepairKind, Rung};
use std::collections::BTreeMap;

struct Mem(BTreeMap<String, Vec<u8>>);

impl Base for Mem {
    fn read(&self, path: &str) -> Result<Option<BaseFile>, String> {
        if self.0.keys().any(|k| k.starts_with(&format!("{path}/"))) {
            return Err(format!("{path} is a folder in main, not a file"));
        }
        Ok(self.0.get(path).map(|c| BaseFile { content: c.clone(), executable: false }))
    }
    fn paths(&self) -> Vec<String> {
        self.0.keys().cloned().collect()
    }
}

fn base(files: &[(&str, &str)]) -> Mem {
    Mem(files.iter().map(|(p, c)| (p.to_string(), c.as_bytes().to_vec())).collect())
}

fn run(b: &Mem, answer: &str) -> Result<Plan, Vec<Refusal>> {
    let a =
        read(answer.as_bytes(), &Limits::default()).map_err(|e| vec![Refusal { path: None, message: e.message }])?;
    place(&a, b, &Limits::default())
}

fn new_of<'p>(plan: &'p Plan, path: &str) -> &'p str {
    let f = plan.files.iter().find(|f| f.new_path.as_ref().is_some_and(|p| p.as_str() == path)).expect("file in plan");
    std::str::from_utf8(&f.new).unwrap()
}

fn refused(r: Result<Plan, Vec<Refusal>>) -> String {
    match r {
        Ok(p) => panic!(
            "expected a refusal, got {:?}",
            p.files.iter().map(|f| String::from_utf8_lossy(&f.new).into_owned()).collect::<Vec<_>>()
        ),
        Err(v) => v.into_iter().map(|r| r.message).collect::<Vec<_>>().join(" | "),
    }
}

fn v4a(path: &str, body: &str) -> String {
    format!("*** Begin Patch\n*** Update File: {path}\n{body}*** End Patch\n")
}

const PY: &str = "import os\n\ndef one():\n    x = 1\n    return x\n\ndef two():\n    x = 1\n    return x\n";

#[test]
fn exact_rung_places_and_keeps_the_rest() {
    let b = base(&[("a.py", PY)]);
    let p = run(&b, &v4a("a.py", "@@ def two():\n-    x = 1\n+    x = 2\n     return x\n")).unwrap();
    assert_eq!(new_of(&p, "a.py"), PY.replace("def two():\n    x = 1", "def two():\n    x = 2"));
    assert!(p.repairs.iter().all(|r| !matches!(r.kind, RepairKind::Loose(_))));
}

#[test]
fn line_end_rung_is_named_as_a_repair() {
    let b = base(&[("a.txt", "alpha  \nbeta\t\ngamma\n")]);
    let p = run(&b, &v4a("a.txt", "@@\n alpha\n-beta\n+BETA\n gamma\n")).unwrap();
    assert_eq!(new_of(&p, "a.txt"), "alpha  \nBETA\ngamma\n");
    let r = p.repairs.iter().find(|r| r.kind == RepairKind::Loose(Rung::LineEnds)).expect("repair");
    assert_eq!(r.message, "3 lines of a.txt matched once spaces at line ends were ignored.");
}

#[test]
fn indentation_rung_keeps_the_files_indentation() {
    let file = "class A:\n    def f(self):\n        a = 1\n        return a\n";
    let b = base(&[("a.py", file)]);
    // The pod lost one level of indentation on every line.
    let p = run(&b, &v4a("a.py", "@@\n def f(self):\n-    a = 1\n+    a = 2\n+    b = 3\n     return a\n")).unwrap();
    assert_eq!(new_of(&p, "a.py"), "class A:\n    def f(self):\n        a = 2\n        b = 3\n        return a\n");
    assert!(p
        .repairs
        .iter()
        .any(|r| r.kind == RepairKind::Loose(Rung::Indentation) && r.message.contains("indentation")));
    // Uneven indentation cannot be carried over safely.
    let p = run(&b, &v4a("a.py", "@@\n def f(self):\n-a = 1\n+a = 2\n     return a\n"));
    assert!(refused(p).contains("indented unlike the file's"));
}

#[test]
fn typography_rung_reads_dashes_and_quotes_as_plain() {
    let b = base(&[("doc.md", "Title \u{2014} \u{201c}quoted\u{201d}\nbody\n")]);
    let p = run(&b, &v4a("doc.md", "@@\n Title - \"quoted\"\n-body\n+new body\n")).unwrap();
    assert_eq!(new_of(&p, "doc.md"), "Title \u{2014} \u{201c}quoted\u{201d}\nnew body\n");
    assert!(p.repairs.iter().any(|r| r.kind == RepairKind::Loose(Rung::Typography)));
}

#[test]
fn a_block_that_fits_two_places_is_refused_naming_file_and_block() {
    let b = base(&[("a.py", PY)]);
    let msg = refused(run(&b, &v4a("a.py", "@@\n-    x = 1\n+    x = 2\n     return x\n")));
    assert!(msg.contains("Change 1 of a.py") && msg.contains("fits 2 places") && msg.contains("x = 1"), "{msg}");
    let msg = refused(run(&b, "a.py\n```\n<<<<<<< SEARCH\n    x = 1\n=======\n    x = 2\n>>>>>>> REPLACE\n```\n"));
    assert!(msg.contains("Edit block 1 of a.py") && msg.contains("fits 2 places"), "{msg}");
}

#[test]
fn a_scope_line_or_start_line_makes_it_unique() {
    let b = base(&[("a.py", PY)]);
    let p = run(&b, &v4a("a.py", "@@ def two():\n-    x = 1\n+    x = 2\n")).unwrap();
    assert!(new_of(&p, "a.py").ends_with("def two():\n    x = 2\n    return x\n"));
    // Stacked scopes: the chain must be found in order.
    let file = "class A:\n    def f(self):\n        pass\nclass B:\n    def f(self):\n        pass\n";
    let b2 = base(&[("c.py", file)]);
    let p = run(&b2, &v4a("c.py", "@@ class B:\n@@     def f(self):\n-        pass\n+        return 1\n")).unwrap();
    assert_eq!(
        new_of(&p, "c.py"),
        "class A:\n    def f(self):\n        pass\nclass B:\n    def f(self):\n        return 1\n"
    );
    // A scope that comes before both places does not single one out.
    let msg = refused(run(&b, &v4a("a.py", "@@ import os\n-    x = 1\n+    x = 2\n")));
    assert!(msg.contains("fits 2 places"), "{msg}");
    // :start_line: picks the block at that line, and only that.
    let p = run(&b, "a.py\n<<<<<<< SEARCH\n:start_line:8\n-------\n    x = 1\n=======\n    x = 2\n>>>>>>> REPLACE\n")
        .unwrap();
    assert!(new_of(&p, "a.py").ends_with("def two():\n    x = 2\n    return x\n"));
    let msg = refused(run(
        &b,
        "a.py\n<<<<<<< SEARCH\n:start_line:6\n-------\n    x = 1\n=======\n    x = 2\n>>>>>>> REPLACE\n",
    ));
    assert!(msg.contains("fits 2 places"), "{msg}");
}

#[test]
fn the_answers_order_can_single_out_each_place() {
    // Two identical hunks, both needed: the only placement in order is first, then second.
    let b = base(&[("a.py", PY)]);
    let p = run(&b, &v4a("a.py", "@@\n-    x = 1\n+    x = 2\n@@\n-    x = 1\n+    x = 3\n")).unwrap();
    assert_eq!(new_of(&p, "a.py"), PY.replacen("    x = 1", "    x = 2", 1).replacen("    x = 1", "    x = 3", 1));
}

#[test]
fn elided_code_is_refused() {
    let b = base(&[("a.py", PY)]);
    let msg =
        refused(run(&b, "**a.py**\n```python\nimport os\n\n# ... existing code ...\n\ndef three():\n    pass\n```\n"));
    assert!(
        msg.contains("a.py: the pod left part of the file out") && msg.contains("ask it for the whole file"),
        "{msg}"
    );
    let msg = refused(run(&b, &v4a("a.py", "@@ def two():\n-    x = 1\n+    # rest of the function unchanged\n")));
    assert!(msg.contains("left part of the file out"), "{msg}");
    // `...` that main already has is real code; in a new file it is Python's Ellipsis.
    let b2 = base(&[("s.py", "class P:\n    def f(self): ...\n    ...\n")]);
    assert!(run(&b2, "**s.py**\n```\nclass P:\n    def f(self): ...\n    ...\n    x = 1\n```\n").is_ok());
    assert!(run(&b, "*** Begin Patch\n*** Add File: stub.py\n+def f():\n+    ...\n*** End Patch\n").is_ok());
    for (l, want) in [
        ("...", true),
        ("// ...", true),
        ("# ... existing code ...", true),
        ("// rest of the file unchanged", true),
        ("<!-- ... -->", true),
        ("# Do what the browsers do, despite standards...", false),
        ("/// A non-match remains the same.", false),
        ("x = f(...)", false),
        ("print('...')", false),
    ] {
        assert_eq!(is_elision(l), want, "{l}");
    }
}

#[test]
fn a_change_already_in_main_says_so() {
    let b = base(&[("a.py", PY)]);
    let msg = refused(run(&b, &v4a("a.py", "@@ def one():\n-    y = 1\n+    x = 1\n     return x\n")));
    assert!(msg.contains("already in main"), "{msg}");
    let msg = refused(run(&b, &format!("**a.py**\n```\n{PY}```\n")));
    assert!(msg.contains("already in main"), "{msg}");
    // One change already there, one not: the other is applied and the first named.
    let p =
        run(&b, &v4a("a.py", "@@ def one():\n-    y = 1\n+    x = 1\n@@ def two():\n-    return x\n+    return -x\n"))
            .unwrap();
    assert!(new_of(&p, "a.py").ends_with("    return -x\n"));
    assert!(p
        .repairs
        .iter()
        .any(|r| r.kind == RepairKind::AlreadyInMain && r.message.contains("Change 1 of a.py is already in main")));
}

#[test]
fn a_path_is_matched_by_its_tail_only_when_one_file_fits() {
    let b = base(&[("src/rtp/stages.py", "a = 1\n"), ("src/x/util.py", "u = 1\n"), ("src/y/util.py", "u = 1\n")]);
    let p = run(&b, &v4a("stages.py", "@@\n-a = 1\n+a = 2\n")).unwrap();
    assert_eq!(new_of(&p, "src/rtp/stages.py"), "a = 2\n");
    let r = p.repairs.iter().find(|r| r.kind == RepairKind::PathTail).unwrap();
    assert!(r.message.contains("stages.py") && r.message.contains("src/rtp/stages.py"), "{}", r.message);
    let msg = refused(run(&b, &v4a("util.py", "@@\n-u = 1\n+u = 2\n")));
    assert!(msg.contains("src/x/util.py") && msg.contains("src/y/util.py"), "{msg}");
    let msg = refused(run(&b, &v4a("nothere.py", "@@\n-u = 1\n+u = 2\n")));
    assert!(msg.contains("nothere.py is not in the project"), "{msg}");
}

#[test]
fn whole_files_create_replace_and_refuse_fragments() {
    let long: String = (0..40).map(|i| format!("line {i}\n")).collect();
    let b = base(&[("big.txt", &long), ("a.py", "import os\n")]);
    let p = run(&b, "Here:\n\n`new/file.rs`\n```rust\nfn main() {}\n```\n\n### a.py\n```python\nimport sys\n```\n")
        .unwrap();
    assert_eq!(new_of(&p, "new/file.rs"), "fn main() {}\n");
    assert_eq!(
        p.files.iter().find(|f| f.new_path.as_ref().unwrap().as_str() == "new/file.rs").unwrap().change,
        Change::Add
    );
    assert_eq!(new_of(&p, "a.py"), "import sys\n");
    let msg = refused(run(&b, "**big.txt**\n```\nline 0\nline 1\n```\n"));
    assert!(msg.contains("looks like part of the file"), "{msg}");
}

#[test]
fn v4a_adds_deletes_and_moves() {
    let b = base(&[("old/a.txt", "one\ntwo\n"), ("gone.txt", "bye\n")]);
    let p = run(&b, "*** Begin Patch\n*** Add File: n.txt\n+hi\n*** Delete File: gone.txt\n*** Update File: old/a.txt\n*** Move to: new/a.txt\n@@\n one\n-two\n+2\n*** End Patch\n").unwrap();
    let kinds: Vec<Change> = p.files.iter().map(|f| f.change).collect();
    assert_eq!(kinds, vec![Change::Add, Change::Delete, Change::Rename]);
    assert_eq!(new_of(&p, "new/a.txt"), "one\n2\n");
    // A move onto an existing file, or adding a file main already has differently, is refused.
    let msg = refused(run(
        &b,
        "*** Begin Patch\n*** Update File: old/a.txt\n*** Move to: gone.txt\n@@\n-two\n+2\n*** End Patch\n",
    ));
    assert!(msg.contains("already has a gone.txt"), "{msg}");
    let msg = refused(run(&b, "*** Begin Patch\n*** Add File: gone.txt\n+other\n*** End Patch\n"));
    assert!(msg.contains("already has a different gone.txt"), "{msg}");
}

#[test]
fn edit_blocks_create_files_and_keep_a_missing_final_line_end() {
    let b = base(&[("a.txt", "one\ntwo")]);
    let p = run(&b, "a.txt\n```\n<<<<<<< SEARCH\ntwo\n=======\nTWO\n>>>>>>> REPLACE\n```\n\nb.txt\n```\n<<<<<<< SEARCH\n=======\nnew\n>>>>>>> REPLACE\n```\n").unwrap();
    assert_eq!(new_of(&p, "a.txt"), "one\nTWO");
    assert_eq!(new_of(&p, "b.txt"), "new\n");
    let msg = refused(run(&b, "a.txt\n```\n<<<<<<< SEARCH\n=======\nnew\n>>>>>>> REPLACE\n```\n"));
    assert!(msg.contains("empty SEARCH") && msg.contains("a.txt"), "{msg}");
}

#[test]
fn windows_files_keep_their_line_ends() {
    let b = base(&[("w.txt", "a\r\nb\r\nc\r\n")]);
    let p = run(&b, &v4a("w.txt", "@@\n a\n-b\n+B\n c\n")).unwrap();
    assert_eq!(new_of(&p, "w.txt"), "a\r\nB\r\nc\r\n");
}

#[test]
fn unsafe_paths_and_folders_are_refused() {
    let b = base(&[("src/a.py", "a\n")]);
    let msg = refused(run(&b, "*** Begin Patch\n*** Add File: ../evil.sh\n+x\n*** End Patch\n"));
    assert!(msg.contains("will not write"), "{msg}");
    let msg = refused(run(&b, "*** Begin Patch\n*** Update File: src\n@@\n-a\n+b\n*** End Patch\n"));
    assert!(msg.contains("folder"), "{msg}");
}

#[test]
fn hostile_input_stays_bounded() {
    let file = "a\n".repeat(200_000);
    let b = base(&[("big.txt", &file)]);
    let mut body = String::from("@@\n");
    for _ in 0..2000 {
        body.push_str(" a\n");
    }
    body.push_str("-b\n+c\n");
    let t = std::time::Instant::now();
    let msg = refused(run(&b, &v4a("big.txt", &body)));
    assert!(t.elapsed().as_secs() < 10, "took {:?}", t.elapsed());
    assert!(msg.contains("not in main") || msg.contains("too large"), "{msg}");
}

#[test]
fn diffs_quoting_markers_are_not_taken_for_shapes() {
    use patchdesk_shapes::{sniff, Shape};
    // A unified diff of a document that quotes an envelope, or adds Cline-style marker lines.
    let quoted = "--- a/doc.md\n+++ b/doc.md\n@@ -1,3 +1,3 @@\n *** Begin Patch\n *** Update File: x\n-old\n+new\n";
    assert_eq!(sniff(quoted.as_bytes()), None);
    let cline =
        "--- a/doc.md\n+++ b/doc.md\n@@ -1,2 +1,5 @@\n intro\n+------- SEARCH\n+a\n+=======\n+b\n++++++++ REPLACE\n";
    assert_eq!(sniff(cline.as_bytes()), None);
    assert_eq!(sniff(b"x\n*** Begin Patch\n*** Delete File: a\n*** End Patch\n"), Some(Shape::OpenAiPatch));
    assert_eq!(sniff(b"a.txt\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n"), Some(Shape::EditBlocks));
}

#[test]
fn damaged_answers_never_panic() {
    // Cut and flip bytes of answers in every shape; reading and placing must only ever refuse.
    let b = base(&[("a.py", PY), ("src/rtp/stages.py", "a = 1\n")]);
    let samples = [
        v4a("a.py", "@@ def two():\n-    x = 1\n+    x = 2\n     return x\n*** End of File\n"),
        "a.py\n```python\n<<<<<<< SEARCH\n:start_line:8\n-------\n    x = 1\n=======\n    x = 2\n>>>>>>> REPLACE\n```\n".to_string(),
        "Here:\n\n**stages.py**\n```python title=\"x/y.py\"\n# src/rtp/stages.py\na = 2\n```\n".to_string(),
    ];
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut runs = 0;
    for s in &samples {
        for _ in 0..1500 {
            let mut bytes = s.as_bytes().to_vec();
            for _ in 0..(next() % 4 + 1) {
                let at = (next() as usize) % bytes.len();
                match next() % 4 {
                    0 => bytes[at] = (next() % 256) as u8,
                    1 => bytes.truncate(at),
                    2 => bytes.insert(at, [b'\n', b' ', b'+', b'-', b'@', b'`', b'=', 0xe2][(next() % 8) as usize]),
                    _ => {
                        bytes.remove(at);
                    }
                }
                if bytes.is_empty() {
                    bytes.push(b'\n');
                }
            }
            if let Ok(a) = read(&bytes, &Limits::default()) {
                let _ = place(&a, &b, &Limits::default());
            }
            runs += 1;
        }
    }
    assert_eq!(runs, 4500);
}
