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

#[cfg(test)]
mod tests {
    use super::matches;

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
