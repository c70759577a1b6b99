//! Field-path globs: `*` matches any run of characters (including none, `.` and `[`),
//! `?` exactly one character, and every other character itself.

/// Whether `text` matches `pattern` entirely.
pub fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    // The last `*` seen and the text position it is currently matched up to.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                // Let the last `*` swallow one more character and retry.
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Whether `pattern` has no `*` or `?`, so it matches exactly one text: itself.
pub fn is_literal(pattern: &str) -> bool {
    !pattern.contains(['*', '?'])
}

/// Whether some text that starts with `prefix` matches `pattern`: lets a walk skip a
/// whole subtree (`slots[` for `net.*`) without visiting its leaves. Every pattern
/// position still reachable after `prefix` can be completed by some text, so the
/// answer is whether any is: a set of positions, stepped once per character.
pub fn may_match_prefix(pattern: &str, prefix: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    // `live[i]`: the first `i` pattern characters can match the text read so far.
    let mut live = vec![false; p.len() + 1];
    let mut next = live.clone();
    live[0] = true;
    close(&p, &mut live);
    for c in prefix.chars() {
        next.fill(false);
        for (i, &pc) in p.iter().enumerate() {
            if live[i] {
                if pc == '*' {
                    next[i] = true;
                } else if pc == '?' || pc == c {
                    next[i + 1] = true;
                }
            }
        }
        close(&p, &mut next);
        std::mem::swap(&mut live, &mut next);
        if !live.contains(&true) {
            return false;
        }
    }
    true
}

/// Adds the positions reachable by letting a `*` match nothing.
fn close(p: &[char], live: &mut [bool]) {
    for i in 0..p.len() {
        if live[i] && p[i] == '*' {
            live[i + 1] = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{is_literal, matches, may_match_prefix};

    #[test]
    fn prefixes() {
        assert!(may_match_prefix("net.*", "net."));
        assert!(may_match_prefix("net.*", "ne"));
        assert!(!may_match_prefix("net.*", "slots["));
        assert!(may_match_prefix("*.count", "slots["));
        assert!(may_match_prefix("a[1?]", "a["));
        assert!(!may_match_prefix("a[1?]", "b["));
        assert!(may_match_prefix("hits", "hits"));
        assert!(!may_match_prefix("hits", "hitsx"));
        assert!(may_match_prefix("h*s", "hitsx"));
        assert!(may_match_prefix("", ""));
        assert!(!may_match_prefix("", "a"));
        assert!(may_match_prefix("**x", "abc"));
        assert!(is_literal("slots[3].rx"));
        assert!(!is_literal("slots[?].rx"));
    }

    #[test]
    fn globs() {
        assert!(matches("*", ""));
        assert!(matches("*", "net.rx"));
        assert!(matches("net.*", "net.rx"));
        assert!(!matches("net.*", "netrx"));
        assert!(matches("lat*[?]", "latency_us[3]"));
        assert!(!matches("lat*[?]", "latency_us[13]"));
        assert!(matches("lat*[*]", "latency_us[13]"));
        assert!(matches("*.count", "slots[1].count"));
        assert!(!matches("*.count", "slots[1].counts"));
        assert!(matches("a*b*c", "aXbYbZc"));
        assert!(!matches("a*b*c", "aXbYbZ"));
        assert!(matches("h?ts", "hits"));
        assert!(!matches("h?ts", "hts"));
        assert!(matches("hits", "hits"));
        assert!(!matches("hits", "hit"));
        assert!(matches("**x", "x"));
    }
}
