//! The pull request body: what was added, why (changelog), the thought process (reasoning
//! trace), the files, and the prompt used — kept under GitHub's 65,536-character limit by
//! trimming the longest sections first and linking to the full files on the branch.

/// GitHub's limit on a pull request body, in characters.
pub const GITHUB_BODY_LIMIT: usize = 65_536;
/// What the body is kept under (room for GitHub's own counting of line ends).
pub const BODY_BUDGET: usize = 60_000;

/// One section of the body.
#[derive(Debug, Clone)]
pub struct Section {
    /// Heading text.
    pub heading: String,
    /// Markdown text.
    pub text: String,
    /// Where the full text is, when trimmed: (label, link).
    pub full_at: Option<(String, String)>,
    /// Wrap the text in a code fence (prompts).
    pub fenced: bool,
}

fn fence_for(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

fn render_section(s: &Section, text: &str, trimmed: bool) -> String {
    let mut out = format!("## {}\n\n", s.heading);
    if s.fenced {
        let fence = fence_for(text);
        out.push_str(&format!("{fence}text\n{}\n{fence}\n", text.trim_end()));
    } else {
        out.push_str(text.trim_end());
        out.push('\n');
    }
    if trimmed {
        match &s.full_at {
            Some((label, link)) => out.push_str(&format!(
                "\n_… trimmed to fit GitHub's size limit; the full text is in [{label}]({link})._\n"
            )),
            None => out.push_str("\n_… trimmed to fit GitHub's size limit._\n"),
        }
    }
    out.push('\n');
    out
}

/// Cuts `text` to at most `chars` characters at a line end where possible.
fn cut(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_string();
    }
    let byte_end = text.char_indices().nth(chars).map(|(i, _)| i).unwrap_or(text.len());
    let head = &text[..byte_end];
    match head.rfind('\n') {
        Some(i) if i > byte_end / 2 => head[..i].to_string(),
        _ => head.to_string(),
    }
}

/// Renders `sections` and a footer, trimming the longest sections until the whole body is
/// at most `budget` characters.
pub fn render(sections: &[Section], footer: &str, budget: usize) -> String {
    let mut texts: Vec<String> = sections.iter().map(|s| s.text.clone()).collect();
    let mut trimmed = vec![false; sections.len()];
    let assemble = |texts: &[String], trimmed: &[bool]| -> String {
        let mut out = String::new();
        for (i, s) in sections.iter().enumerate() {
            out.push_str(&render_section(s, &texts[i], trimmed[i]));
        }
        out.push_str(footer);
        out
    };
    for _ in 0..(sections.len() * 4 + 4) {
        let body = assemble(&texts, &trimmed);
        let len = body.chars().count();
        if len <= budget {
            return body;
        }
        let over = len - budget;
        // Trim the longest section: to the excess, or to its fair share, whichever cuts more.
        let Some((i, longest)) = texts.iter().enumerate().map(|(i, t)| (i, t.chars().count())).max_by_key(|(_, n)| *n)
        else {
            break;
        };
        if longest == 0 {
            break;
        }
        let fair = budget / (sections.len() + 1);
        let target = longest.saturating_sub(over + 200).min(longest.max(fair) - 1).max(longest.min(fair) / 2);
        let target = target.min(longest.saturating_sub(1));
        texts[i] = cut(&texts[i], target);
        trimmed[i] = true;
    }
    // Last resort: hard cut (never exceeds the budget).
    let body = assemble(&texts, &trimmed);
    cut(&body, budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(h: &str, text: String) -> Section {
        Section {
            heading: h.into(),
            text,
            full_at: Some((format!("{h}.md"), format!("https://x/{h}.md"))),
            fenced: h == "Prompt",
        }
    }

    #[test]
    fn short_bodies_are_untouched() {
        let body = render(&[section("Why", "Because.".into())], "footer\n", BODY_BUDGET);
        assert!(body.contains("## Why\n\nBecause.\n") && !body.contains("trimmed"));
    }

    #[test]
    fn long_sections_are_trimmed_with_a_link_and_fences_hold() {
        let huge = "thought ``` line\n".repeat(20_000);
        let body = render(
            &[section("Why", "short reason".into()), section("Thoughts", huge.clone()), section("Prompt", huge)],
            "footer\n",
            BODY_BUDGET,
        );
        assert!(body.chars().count() <= BODY_BUDGET, "{}", body.len());
        assert!(body.contains("short reason"));
        assert!(body.contains("[Thoughts.md](https://x/Thoughts.md)"));
        assert!(body.contains("````text"), "a fence longer than any run in the text");
        assert!(body.ends_with("footer\n"));
    }
}

/// A description the person wrote: kept as written, or cut (with a note saying so) when it
/// would not fit GitHub's limit.
pub fn fit_own_text(text: &str) -> String {
    if text.chars().count() <= BODY_BUDGET {
        return text.to_string();
    }
    let note = "\n\n*(Cut here to fit GitHub's limit on a description.)*\n";
    let keep: String = text.chars().take(BODY_BUDGET - note.chars().count()).collect();
    format!("{keep}{note}")
}

#[cfg(test)]
mod own_text_tests {
    use super::*;

    #[test]
    fn own_text_is_kept_or_cut_under_the_limit() {
        assert_eq!(fit_own_text("Short and sweet."), "Short and sweet.");
        let long = "é".repeat(GITHUB_BODY_LIMIT + 10);
        let cut = fit_own_text(&long);
        assert!(cut.chars().count() <= BODY_BUDGET);
        assert!(cut.ends_with("limit on a description.)*\n"));
        assert!(cut.starts_with("éé"));
    }
}
