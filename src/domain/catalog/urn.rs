//! Stable requirement URNs: `urn:accord:{framework}:{version}:{ref}`, e.g.
//! `urn:accord:nist-csf:2.0:GV.OC-01`. Characters RFC 8141 does not allow in the NSS (such as the
//! space in `GOVERN 1.1`) are percent-encoded, so every URN is valid and maps back to one ref.

/// Builds the URN of a requirement.
pub fn requirement_urn(framework_slug: &str, version: &str, ref_id: &str) -> String {
    format!(
        "urn:accord:{}:{}:{}",
        encode(framework_slug),
        encode(version),
        encode(ref_id)
    )
}

fn encode(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    for byte in part.bytes() {
        let allowed = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'-' | b'.' | b'_' | b'~' | b'(' | b')' | b'+' | b',' | b'='
            );
        if allowed {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::requirement_urn;

    #[test]
    fn encodes_spaces_and_keeps_dotted_ids() {
        assert_eq!(
            requirement_urn("nist-csf", "2.0", "GV.OC-01"),
            "urn:accord:nist-csf:2.0:GV.OC-01"
        );
        assert_eq!(
            requirement_urn("nist-ai-rmf", "1.0", "GOVERN 1.1"),
            "urn:accord:nist-ai-rmf:1.0:GOVERN%201.1"
        );
    }
}
