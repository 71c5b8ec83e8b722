//! Android shared-preferences XML (`<map><string name="…">…</string>…</map>`): several apps keep
//! their tokens in such a file, which users copy out of a rooted phone or an adb backup.

use roxmltree::Document;
use zeroize::Zeroizing;

/// The `<string>` entries of a preferences file, in file order. Values may hold seeds.
pub(crate) struct Prefs {
    strings: Vec<(String, Zeroizing<String>)>,
}

/// Cheap test before parsing: preferences files are small XML documents with a `<map>` root.
fn looks_like_xml(bytes: &[u8]) -> bool {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = &start[start.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(start.len())..];
    start.starts_with(b"<?xml") || start.starts_with(b"<map")
}

impl Prefs {
    /// The entries of `bytes`, or `None` when it is not a preferences document.
    pub(crate) fn parse(bytes: &[u8]) -> Option<Prefs> {
        if !looks_like_xml(bytes) {
            return None;
        }
        let text = std::str::from_utf8(bytes).ok()?;
        let document = Document::parse(text).ok()?;
        let root = document.root_element();
        if root.tag_name().name() != "map" {
            return None;
        }
        let strings = root
            .children()
            .filter(|node| node.is_element() && node.tag_name().name() == "string")
            .filter_map(|node| {
                let name = node.attribute("name")?.to_owned();
                let value: String = node.children().filter_map(|child| child.text()).collect();
                Some((name, Zeroizing::new(value)))
            })
            .collect();
        Some(Prefs { strings })
    }

    /// The value of the `<string>` named `name`.
    pub(crate) fn string(&self, name: &str) -> Option<&str> {
        self.strings.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// Every `<string>` entry as (name, value).
    pub(crate) fn strings(&self) -> impl Iterator<Item = (&str, &str)> {
        self.strings.iter().map(|(key, value)| (key.as_str(), value.as_str()))
    }
}

/// Whether `bytes` are a preferences file holding a `<string>` named `name`.
pub(crate) fn has_string(bytes: &[u8], name: &str) -> bool {
    Prefs::parse(bytes).is_some_and(|prefs| prefs.string(name).is_some())
}
