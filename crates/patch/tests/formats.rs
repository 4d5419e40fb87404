//! Parser tests: each format, each chat-damage class, each bad-input class.

use patchdesk_patch::*;

const GIT: &str = "diff --git a/src/app.rs b/src/app.rs
index 1111111..2222222 100644
--- a/src/app.rs
+++ b/src/app.rs
@@ -1,3 +1,4 @@
 fn main() {
-    old();
+    new();
+    more();
 }
";

fn kinds(p: &Patch<'_>) -> Vec<RepairKind> {
    p.repairs.iter().map(|r| r.kind).collect()
}

#[test]
fn git_diff_modify() {
    let p = parse(GIT.as_bytes()).unwrap();
    assert_eq!(p.format, PatchFormat::GitDiff);
    assert_eq!(p.files.len(), 1);
    let f = &p.files[0];
    assert_eq!(f.change, ChangeKind::Modify);
    assert_eq!(f.new_path.as_ref().unwrap().as_str(), "src/app.rs");
    assert_eq!(f.old_id.as_deref(), Some("1111111"));
    assert_eq!(f.old_mode, Some(0o100644));
    let h = &f.hunks[0];
    assert_eq!((h.old_start, h.old_count, h.new_start, h.new_count), (1, 3, 1, 4));
    assert_eq!(h.lines[1].kind, LineKind::Old);
    assert_eq!(h.lines[1].text, b"    old();");
    assert!(f.positions_trusted);
    assert!(p.repairs.is_empty());
    let view = p.view();
    assert_eq!(view.files[0].hunks[0].lines.len(), 5);
}

#[test]
fn git_renames_copies_modes_new_deleted_empty() {
    let text = "diff --git a/old.sh b/new.sh
old mode 100644
new mode 100755
similarity index 100%
rename from old.sh
rename to new.sh
diff --git a/a.txt b/c.txt
similarity index 90%
copy from a.txt
copy to c.txt
diff --git a/empty b/empty
new file mode 100644
index 0000000..e69de29
diff --git a/gone b/gone
deleted file mode 100644
index e69de29..0000000
diff --git a/x.txt b/x.txt
new file mode 100755
index 0000000..1234567
--- /dev/null
+++ b/x.txt
@@ -0,0 +1 @@
+hi
\\ No newline at end of file
";
    let p = parse(text.as_bytes()).unwrap();
    let c: Vec<_> = p.files.iter().map(|f| f.change).collect();
    assert_eq!(c, [ChangeKind::Rename, ChangeKind::Copy, ChangeKind::Add, ChangeKind::Delete, ChangeKind::Add]);
    assert_eq!(p.files[0].old_path.as_ref().unwrap().as_str(), "old.sh");
    assert_eq!(p.files[0].new_mode, Some(0o100755));
    assert!(p.files[2].hunks.is_empty());
    assert_eq!(p.files[4].new_mode, Some(0o100755));
    assert!(p.files[4].hunks[0].lines[0].no_newline);
}

#[test]
fn nul_bytes_inside_hunks_are_kept() {
    let text = b"diff --git a/b.dat b/b.dat\n--- a/b.dat\n+++ b/b.dat\n@@ -1 +1 @@\n-a\0b\n+a\0c\n";
    let p = parse(text).unwrap();
    assert_eq!(p.files[0].hunks[0].lines[1].text, b"a\0c");
}

#[test]
fn mbox_series_keeps_author_subject_message_order() {
    let mail = |n: u32, subj: &str, file: &str| {
        format!(
            "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001
From: Ada Lovelace <ada@example.com>
Date: Tue, 1 Jan 2019 10:00:00 +0000
Subject: [PATCH {n}/2] {subj}
 continued

Body line one.

Body line two.
---
 {file} | 1 +
 1 file changed, 1 insertion(+)

diff --git a/{file} b/{file}
index 1111111..2222222 100644
--- a/{file}
+++ b/{file}
@@ -1 +1,2 @@
 a
+b
-- 
2.43.0

"
        )
    };
    let text = mail(1, "First change", "one.txt") + &mail(2, "=?UTF-8?q?Caf=C3=A9?= fix", "two.txt");
    let p = parse(text.as_bytes()).unwrap();
    assert_eq!(p.format, PatchFormat::Mbox);
    assert_eq!(p.commits.len(), 2);
    assert_eq!(p.commits[0].author, "Ada Lovelace <ada@example.com>");
    assert_eq!(p.commits[0].subject, "First change continued");
    assert_eq!(p.commits[0].message, "Body line one.\n\nBody line two.\n");
    assert_eq!(p.commits[1].subject, "Café fix continued");
    assert_eq!(p.files[1].commit, Some(1));
    // The mail signature is not a removed line.
    assert_eq!(p.files[0].hunks[0].lines.len(), 2);
    assert!(p.repairs.is_empty(), "{:?}", p.repairs);
}

#[test]
fn classic_unified_diff_with_timestamps_and_epoch() {
    let text = "diff -ruN a/f.txt b/f.txt
--- a/f.txt\t2020-01-01 00:00:00.000000000 +0000
+++ b/f.txt\t2020-01-01 00:00:00.000000000 +0000
@@ -1,2 +1,2 @@
 x
-y
+z
diff -ruN a/new.txt b/new.txt
--- a/new.txt\t1970-01-01 00:00:00.000000000 +0000
+++ b/new.txt\t2020-01-01 00:00:00.000000000 +0000
@@ -0,0 +1 @@
+n
diff -ruN a/old.txt b/old.txt
--- a/old.txt\t2020-01-01 00:00:00.000000000 +0000
+++ b/old.txt\t1970-01-01 00:00:00.000000000 +0000
@@ -1 +0,0 @@
-o
";
    let p = parse(text.as_bytes()).unwrap();
    assert_eq!(p.format, PatchFormat::Unified);
    let c: Vec<_> = p.files.iter().map(|f| f.change).collect();
    assert_eq!(c, [ChangeKind::Modify, ChangeKind::Add, ChangeKind::Delete]);
    assert_eq!(p.files[1].new_path.as_ref().unwrap().as_str(), "new.txt");
    assert!(p.repairs.is_empty(), "{:?}", p.repairs);
}

#[test]
fn damage_counts_are_recounted() {
    let text = GIT.replace("@@ -1,3 +1,4 @@", "@@ -1,5 +1,2 @@");
    let p = parse(text.as_bytes()).unwrap();
    assert_eq!(p.files[0].hunks[0].old_count, 3);
    assert_eq!(p.files[0].hunks[0].new_count, 4);
    assert!(kinds(&p).contains(&RepairKind::HunkCounts));
    assert!(!p.files[0].positions_trusted);
}

#[test]
fn damage_missing_headers_and_prefixes() {
    let text = "--- src/app.rs\n+++ src/app.rs\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n";
    let p = parse(text.as_bytes()).unwrap();
    assert_eq!(p.files[0].new_path.as_ref().unwrap().as_str(), "src/app.rs");
    assert!(kinds(&p).contains(&RepairKind::MissingPrefix));
    let nohdr = GIT.lines().skip(2).collect::<Vec<_>>().join("\n") + "\n";
    let p = parse(nohdr.as_bytes()).unwrap();
    assert_eq!(p.files[0].old_path.as_ref().unwrap().as_str(), "src/app.rs");
    assert!(!p.files[0].git_header);
}

#[test]
fn damage_fence_prose_crlf() {
    let text = format!("Here is the fix:\n\n```diff\n{GIT}```\n\nHope this helps!\n").replace('\n', "\r\n");
    let p = parse(text.as_bytes()).unwrap();
    let k = kinds(&p);
    assert!(
        k.contains(&RepairKind::Fence)
            && k.contains(&RepairKind::SurroundingText)
            && k.contains(&RepairKind::CrlfLineEnds)
    );
    let h = &p.files[0].hunks[0];
    assert_eq!(h.lines.len(), 5);
    assert_eq!(h.lines[0].text, b"fn main() {");
}

#[test]
fn damage_blank_context_and_bare_header() {
    let text = "--- a/f\n+++ b/f\n@@\n a\n\n-b\n+c\n";
    let p = parse(text.as_bytes()).unwrap();
    let h = &p.files[0].hunks[0];
    assert!(h.bare_header);
    assert_eq!(h.lines[1].kind, LineKind::Context);
    assert_eq!(h.lines[1].text, b"");
    let k = kinds(&p);
    assert!(k.contains(&RepairKind::BareHunkHeader) && k.contains(&RepairKind::BlankContextLine));
    // A trailing blank line is only context when the counts ask for it.
    let p = parse(b"--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-b\n+c\n\n").unwrap();
    assert_eq!(p.files[0].hunks[0].lines.len(), 3);
    let p = parse(b"--- a/f\n+++ b/f\n@@ -1,1 +1,1 @@\n-b\n+c\n\nThanks\n").unwrap();
    assert_eq!(p.files[0].hunks[0].lines.len(), 2);
}

#[test]
fn git_binary_literal() {
    // "hello\n\0" as `git diff --cached --binary` writes it.
    let text = "diff --git a/b.bin b/b.bin\nnew file mode 100644\nindex 0000000000000000000000000000000000000000..fedfa43746e56bb2c77626488077f18227c1e8b8\nGIT binary patch\nliteral 7\nOcmc~u&B@8<VgLXNY62es\n\nliteral 0\nHcmV?d00001\n\n";
    let p = parse(text.as_bytes()).unwrap();
    assert_eq!(p.files[0].binary, Some(BinaryPatch::Data(BinaryChunk::Literal(b"hello\n\0".to_vec()))));
}

#[test]
fn bad_inputs_are_plain_errors() {
    assert_eq!(parse(b"").unwrap_err(), ParseError::Empty);
    assert_eq!(parse(b"  \n\n").unwrap_err(), ParseError::Empty);
    assert!(matches!(
        parse_with(GIT.as_bytes(), &ParseOptions { max_bytes: 10, ..ParseOptions::default() }),
        Err(ParseError::TooLarge { .. })
    ));
    let junk: Vec<u8> = (0..4000u32).map(|i| (i * 7919 % 251) as u8).collect();
    assert_eq!(parse(&junk).unwrap_err(), ParseError::Binary);
    assert_eq!(parse(b"just some prose\nwith no diff\n").unwrap_err(), ParseError::NotAPatch);
    for bad in ["../etc/passwd", "/etc/passwd", ".git/hooks/pre-commit", "a/../../x"] {
        let t = format!("--- a/{bad}\n+++ b/{bad}\n@@ -1 +1 @@\n-a\n+b\n");
        let e = parse(t.as_bytes()).unwrap_err();
        assert!(matches!(e, ParseError::Path { .. }), "{bad}: {e:?}");
        assert_eq!(patchdesk_error::Coded::code(&e), patchdesk_error::Code::UnsafePath);
    }
    let t = "diff --git \"a/x\\001y\" \"b/x\\001y\"\nnew file mode 100644\nindex 0000000..e69de29\n";
    assert!(matches!(parse(t.as_bytes()), Err(ParseError::Path { .. })));
    assert!(matches!(parse(b"@@ -1 +1 @@\n-a\n+b\n"), Err(ParseError::Malformed { .. })));
}
