//! A small element tree read with `quick-xml`, for the CAP and Atom readers.
//!
//! Only what alerting documents use is kept: local names (any namespace
//! prefix is dropped, so `cap:alert`, `alert` and `ns2:alert` read the same),
//! attributes, and the text of each element. Entities are the XML five and
//! character references only: a document type declaration is refused before
//! anything in it is read, so entity expansion ("billion laughs") and external
//! entities cannot happen.

use quick_xml::{events::Event, Reader, XmlVersion};

/// Deepest element nesting accepted; CAP inside Atom needs about 8.
const MAX_DEPTH: usize = 64;

/// One element.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct El {
    /// Local name (prefix dropped).
    pub name: String,
    /// Attributes by local name.
    pub attrs: Vec<(String, String)>,
    /// The element's own text (children's text not included), untrimmed.
    pub text: String,
    /// Child elements in order.
    pub children: Vec<El>,
}

impl El {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a El> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child named `name`, when not empty.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim()).filter(|t| !t.is_empty())
    }

    /// An attribute by local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn local(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    match s.rsplit_once(':') {
        Some((_, l)) => l.to_owned(),
        None => s.into_owned(),
    }
}

/// Reads a whole document into its root element; the error says what is wrong.
pub(crate) fn parse(xml: &str) -> Result<El, String> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<El> = Vec::new();
    let mut root: Option<El> = None;
    loop {
        let at = reader.buffer_position();
        let event = reader.read_event().map_err(|e| format!("malformed XML at byte {at}: {e}"))?;
        match event {
            Event::DocType(_) => {
                return Err("a document type declaration (DOCTYPE) is not accepted: entities are refused".into())
            }
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err("content after the root element".into());
            }
            Event::Start(ref s) | Event::Empty(ref s) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(format!("elements nested deeper than {MAX_DEPTH}"));
                }
                let mut el = El { name: local(s.name().as_ref().as_bytes()), ..El::default() };
                for a in s.attributes() {
                    let a = a.map_err(|e| format!("malformed attribute in <{}>: {e}", el.name))?;
                    let value = a
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_err(|e| format!("attribute in <{}>: {e}", el.name))?;
                    el.attrs.push((local(a.key.as_ref().as_bytes()), value.into_owned()));
                }
                if matches!(event, Event::Empty(_)) {
                    close(&mut stack, &mut root, el);
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => {
                // quick-xml checks that end names match their start.
                let el = stack.pop().ok_or("closing tag without an opening one")?;
                close(&mut stack, &mut root, el);
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                } else if !t.xml10_content().trim().is_empty() {
                    return Err("text outside the root element".into());
                }
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&c.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                let c = if r.is_char_ref() {
                    r.resolve_char_ref().map_err(|e| format!("bad character reference: {e}"))?
                } else {
                    match r.as_ref() {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        other => return Err(format!("entity &{other}; is not accepted (only the XML five)")),
                    }
                };
                if let (Some(c), Some(top)) = (c, stack.last_mut()) {
                    top.text.push(c);
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(format!("malformed XML: <{}> is not closed", stack.last().map_or("", |e| e.name.as_str())));
    }
    root.ok_or_else(|| "empty document".into())
}

fn close(stack: &mut [El], root: &mut Option<El>, el: El) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => *root = Some(el),
    }
}

/// Escapes text for an element or a quoted attribute.
pub(crate) fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(s)
}
