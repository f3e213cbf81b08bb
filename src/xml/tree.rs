//! The parsed form of a response: a compact, read-only element tree built with
//! quick-xml's reader. Responses can be tens of megabytes, and a general DOM
//! (roxmltree) holds about three times the document besides the text itself; this
//! one keeps only what comparison and selectors read (elements, attributes, each
//! element's text) as offsets into the text, so the tree is smaller than the text.
//!
//! Elements are stored in document order, so an element's descendants are the
//! ids up to its `end`, and its first child, if any, is the next id.

use std::borrow::Cow;
use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Comparison, recording and printing walk the tree recursively; vendor documents
/// nest a handful of levels, and a response nested deeper than this is refused
/// rather than allowed to exhaust the stack.
pub const MAX_DEPTH: usize = 256;

const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";
const XMLNS_NAMESPACE: &str = "http://www.w3.org/2000/xmlns/";

/// A response that is not well-formed XML, with where the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at {line}:{col}")]
pub struct XmlError {
    /// The line of the mistake.
    pub line: u32,
    /// Its column.
    pub col: u32,
    /// What is not well-formed.
    pub message: String,
}

/// A string of the document: a slice of the text, or one of the document's own
/// strings when unescaping or joining changed it (the high bit of `len`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Str {
    start: u32,
    len: u32,
}

const OWNED: u32 = 1 << 31;

impl Str {
    const NONE: Str = Str {
        start: u32::MAX,
        len: 0,
    };

    fn is_none(self) -> bool {
        self == Str::NONE
    }
}

#[derive(Debug)]
struct ElementData {
    /// 0 for no namespace, otherwise an index into `namespaces` plus one.
    ns: u32,
    local: Str,
    attrs_start: u32,
    attrs_len: u32,
    text: Str,
    /// One past the last descendant's id.
    end: u32,
}

#[derive(Debug)]
struct AttributeData {
    ns: u32,
    local: Str,
    value: Str,
}

/// A response read into a compact tree of offsets into its text.
#[derive(Debug)]
pub struct Document<'a> {
    text: &'a str,
    elements: Vec<ElementData>,
    attributes: Vec<AttributeData>,
    namespaces: Vec<Box<str>>,
    owned: Vec<Box<str>>,
}

impl<'a> Document<'a> {
    /// The root element.
    pub fn root_element<'d>(&'d self) -> Node<'d, 'a> {
        Node { doc: self, id: 0 }
    }

    /// The length of the text the document was read from, in bytes.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Every element in document order.
    pub fn descendants<'d>(&'d self) -> impl Iterator<Item = Node<'d, 'a>> + 'd {
        (0..self.elements.len() as u32).map(move |id| Node { doc: self, id })
    }

    fn str(&self, s: Str) -> &str {
        if s.len & OWNED != 0 {
            &self.owned[s.start as usize]
        } else {
            &self.text[s.start as usize..(s.start + s.len) as usize]
        }
    }

    fn namespace(&self, ns: u32) -> Option<&str> {
        (ns != 0).then(|| &*self.namespaces[ns as usize - 1])
    }
}

/// An element of a parsed document.
#[derive(Clone, Copy)]
pub struct Node<'d, 'a> {
    doc: &'d Document<'a>,
    id: u32,
}

impl std::fmt::Debug for Node<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<{}> (element {})", self.local_name(), self.id)
    }
}

impl<'d, 'a> Node<'d, 'a> {
    fn data(&self) -> &'d ElementData {
        &self.doc.elements[self.id as usize]
    }

    /// Position in document order, unique within the document.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The element's namespace URI.
    pub fn namespace(&self) -> Option<&'d str> {
        self.doc.namespace(self.data().ns)
    }

    /// The element's local name.
    pub fn local_name(&self) -> &'d str {
        self.doc.str(self.data().local)
    }

    /// The element's text as the comparator sees it: its text and CDATA children
    /// joined, or `None` when that is only whitespace (indentation between elements).
    pub fn text(&self) -> Option<&'d str> {
        self.text_as_written().filter(|t| !is_xml_whitespace(t))
    }

    /// The element's text including a childless element's whitespace-only text
    /// (`<Name> </Name>`), which selectors read as XPath does; indentation
    /// between child elements is never text.
    pub fn text_as_written(&self) -> Option<&'d str> {
        let text = self.data().text;
        (!text.is_none()).then(|| self.doc.str(text))
    }

    /// The element's attributes, `xmlns` declarations left out.
    pub fn attributes(&self) -> Attributes<'d> {
        let data = self.data();
        let start = data.attrs_start as usize;
        Attributes {
            doc: self.doc,
            inner: self.doc.attributes[start..start + data.attrs_len as usize].iter(),
        }
    }

    /// The value of an attribute in no namespace.
    pub fn attribute(&self, local: &str) -> Option<&'d str> {
        self.attributes()
            .find(|a| a.namespace().is_none() && a.name() == local)
            .map(|a| a.value())
    }

    /// Child elements, in order.
    pub fn children(&self) -> Children<'d, 'a> {
        Children {
            doc: self.doc,
            next: self.id + 1,
            end: self.data().end,
        }
    }

    /// Whether the element has child elements.
    pub fn has_children(&self) -> bool {
        self.data().end > self.id + 1
    }

    /// Descendant elements in document order, not including this one.
    pub fn descendants(&self) -> impl Iterator<Item = Node<'d, 'a>> + 'd {
        let doc = self.doc;
        (self.id + 1..self.data().end).map(move |id| Node { doc, id })
    }
}

/// An attribute of an element (namespace declarations are not attributes).
#[derive(Clone, Copy)]
pub struct Attribute<'d> {
    doc: &'d Document<'d>,
    data: &'d AttributeData,
}

impl<'d> Attribute<'d> {
    /// The attribute's namespace URI.
    pub fn namespace(&self) -> Option<&'d str> {
        self.doc.namespace(self.data.ns)
    }

    /// The attribute's local name.
    pub fn name(&self) -> &'d str {
        self.doc.str(self.data.local)
    }

    /// The attribute's value, references resolved.
    pub fn value(&self) -> &'d str {
        self.doc.str(self.data.value)
    }
}

/// The attributes of an element.
#[derive(Clone)]
pub struct Attributes<'d> {
    doc: &'d Document<'d>,
    inner: std::slice::Iter<'d, AttributeData>,
}

impl<'d> Iterator for Attributes<'d> {
    type Item = Attribute<'d>;

    fn next(&mut self) -> Option<Attribute<'d>> {
        let data = self.inner.next()?;
        Some(Attribute {
            doc: self.doc,
            data,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for Attributes<'_> {}

/// The child elements of an element.
pub struct Children<'d, 'a> {
    doc: &'d Document<'a>,
    next: u32,
    end: u32,
}

impl<'d, 'a> Iterator for Children<'d, 'a> {
    type Item = Node<'d, 'a>;

    fn next(&mut self) -> Option<Node<'d, 'a>> {
        if self.next >= self.end {
            return None;
        }
        let node = Node {
            doc: self.doc,
            id: self.next,
        };
        self.next = node.data().end;
        Some(node)
    }
}

/// Parses a document. Well-formedness is checked as far as comparison needs it:
/// nesting, one root, attribute syntax and uniqueness (after namespaces are
/// resolved), declared prefixes, references, and characters XML forbids.
/// Entities a DTD declares are not expanded; a reference to one is an error.
pub fn parse(text: &str) -> Result<Document<'_>, XmlError> {
    parse_as(text, Encoding::Utf8)
}

/// The two encodings every XML processor reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (with or without a byte order mark), the default.
    Utf8,
    /// UTF-16, big or little endian, with its byte order mark.
    Utf16,
}

impl Encoding {
    /// The encoding an `encoding="..."` label names, if it is one of these.
    pub fn of_label(label: &str) -> Option<Encoding> {
        match label.to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "utf-16" | "utf-16le" | "utf-16be" => Some(Encoding::Utf16),
            _ => None,
        }
    }

    /// Its name, as messages say it.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16 => "UTF-16",
        }
    }
}

/// Bytes as text: UTF-16 when they start with its byte order mark, UTF-8
/// otherwise (a UTF-8 byte order mark is dropped). Invalid sequences are an
/// error with their byte offset; the declaration is checked when parsing.
pub fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Encoding), String> {
    let utf16 = match bytes {
        [0xff, 0xfe, rest @ ..] => Some((rest, u16::from_le_bytes as fn([u8; 2]) -> u16)),
        [0xfe, 0xff, rest @ ..] => Some((rest, u16::from_be_bytes as fn([u8; 2]) -> u16)),
        _ => None,
    };
    let Some((rest, unit)) = utf16 else {
        let rest = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        return std::str::from_utf8(rest)
            .map(|t| (Cow::Borrowed(t), Encoding::Utf8))
            .map_err(|e| format!("not valid UTF-8 (at byte {})", e.valid_up_to()));
    };
    if rest.len() % 2 == 1 {
        return Err("UTF-16 with an odd number of bytes".into());
    }
    let units = rest.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let mut text = String::with_capacity(rest.len() / 2);
    for (i, c) in char::decode_utf16(units).enumerate() {
        let c = c.map_err(|_| format!("not valid UTF-16 (at byte {})", 2 + 2 * i))?;
        text.push(c);
    }
    Ok((Cow::Owned(text), Encoding::Utf16))
}

/// Parses a document that was decoded from `encoding`: its declaration may
/// name only that one.
pub fn parse_as(text: &str, encoding: Encoding) -> Result<Document<'_>, XmlError> {
    // Offsets are 31 bits; response bodies are capped far below that.
    if text.len() >= OWNED as usize {
        return Err(XmlError {
            line: 1,
            col: 1,
            message: format!(
                "the document is {} bytes, more than the 2 GiB this parser reads",
                text.len()
            ),
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut builder = Builder::new(text);
    builder.encoding = encoding;
    match builder.run() {
        Ok(()) => Ok(builder.doc),
        Err((offset, message)) => {
            let (line, col) = crate::error::line_col(text, offset);
            Err(XmlError { line, col, message })
        }
    }
}

type Failure = (usize, String);

/// An element whose end tag has not been read yet.
struct Open<'a> {
    id: u32,
    qname: &'a str,
    /// The default namespace in scope for its children.
    default_ns: u32,
    /// How many namespace bindings were in scope before this element's own.
    scope: usize,
    text: TextState,
    /// Child elements opened so far, and when text was last appended: text
    /// after a child is another segment (mixed content keeps its positions).
    children: u32,
    children_at_text: u32,
    /// Whether any text so far is more than whitespace.
    meaningful: bool,
}

#[derive(Clone, Copy)]
enum TextState {
    Empty,
    /// A single piece, still a slice of the text.
    Slice(Str),
    /// Joined in this level's buffer.
    Buffered,
}

/// A namespace declaration in scope.
struct Binding<'a> {
    prefix: &'a str,
    uri: Cow<'a, str>,
    /// The namespace's id, once something in its scope uses it: a declaration
    /// nothing uses costs no interning (a hostile document declares thousands).
    ns: Option<u32>,
    /// The depth of the element that declared it.
    depth: usize,
    /// The binding of the same prefix it hides, restored when it goes out of scope.
    hides: Option<u32>,
}

struct Builder<'a> {
    doc: Document<'a>,
    interned: HashMap<Box<str>, u32>,
    /// In-scope prefix bindings, innermost last; "" is the default namespace.
    scope: Vec<Binding<'a>>,
    /// Each prefix in scope's innermost binding (an index into `scope`):
    /// resolving a prefix does not walk every declaration in scope (a hostile
    /// document declares thousands), and a binding costs no allocation of its own.
    bound: HashMap<&'a str, u32>,
    stack: Vec<Open<'a>>,
    /// One text buffer per depth, kept across elements so joining allocates rarely.
    buffers: Vec<String>,
    /// What the text was decoded from, which its declaration must name.
    encoding: Encoding,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str) -> Builder<'a> {
        Builder {
            doc: Document {
                text,
                elements: Vec::new(),
                attributes: Vec::new(),
                namespaces: Vec::new(),
                owned: Vec::new(),
            },
            interned: HashMap::new(),
            scope: Vec::new(),
            bound: HashMap::new(),
            stack: Vec::new(),
            buffers: Vec::new(),
            encoding: Encoding::Utf8,
        }
    }

    /// Where `piece` lies in the text, if it is a slice of it.
    fn offset_of(&self, piece: &str) -> Option<usize> {
        let base = self.doc.text.as_ptr() as usize;
        let at = (piece.as_ptr() as usize).checked_sub(base)?;
        (at + piece.len() <= self.doc.text.len()).then_some(at)
    }

    /// `piece` as a span of the text, if it is a slice of it.
    fn span_of(&self, piece: &str) -> Option<Str> {
        let at = self.offset_of(piece)?;
        Some(Str {
            start: at as u32,
            len: piece.len() as u32,
        })
    }

    fn store(&mut self, piece: Cow<'_, str>) -> Str {
        if let Cow::Borrowed(s) = piece {
            if let Some(span) = self.span_of(s) {
                return span;
            }
        }
        self.doc.owned.push(piece.into_owned().into_boxed_str());
        Str {
            start: (self.doc.owned.len() - 1) as u32,
            len: OWNED,
        }
    }

    fn intern(&mut self, uri: &str) -> u32 {
        if uri.is_empty() {
            return 0;
        }
        if let Some(&id) = self.interned.get(uri) {
            return id;
        }
        self.doc.namespaces.push(uri.into());
        let id = self.doc.namespaces.len() as u32;
        self.interned.insert(uri.into(), id);
        id
    }

    fn resolve(&mut self, prefix: &str) -> Option<u32> {
        if prefix == "xml" {
            return Some(self.intern(XML_NAMESPACE));
        }
        let Some(&i) = self.bound.get(prefix) else {
            return prefix.is_empty().then_some(0);
        };
        let binding = &self.scope[i as usize];
        if let Some(ns) = binding.ns {
            return Some(ns);
        }
        let uri = binding.uri.clone();
        let ns = self.intern(&uri);
        self.scope[i as usize].ns = Some(ns);
        Some(ns)
    }

    fn run(&mut self) -> Result<(), Failure> {
        let text = self.doc.text;
        let mut reader = Reader::from_str(text);
        reader.config_mut().check_comments = true;
        let mut seen_root = false;
        let mut seen_doctype = false;
        loop {
            let at = reader.buffer_position() as usize;
            let event = reader
                .read_event()
                .map_err(|e| (reader.error_position() as usize, e.to_string()))?;
            let starts = matches!(event, Event::Start(_) | Event::Empty(_));
            if starts && self.stack.is_empty() && seen_root {
                return Err((at, "a second root element".into()));
            }
            match event {
                Event::Start(e) => {
                    seen_root = true;
                    self.open(&e, at)?;
                }
                Event::Empty(e) => {
                    seen_root = true;
                    self.open(&e, at)?;
                    self.close();
                }
                Event::End(_) => {
                    // quick-xml has checked that the name matches the open element.
                    self.close();
                }
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                    self.character_data(event, at)?;
                }
                Event::Decl(_) if at != 0 => {
                    return Err((at, "the XML declaration is not at the start".into()));
                }
                Event::Decl(d) => declaration(&d, self.encoding).map_err(|m| (at, m))?,
                Event::PI(pi) => processing_instruction(&pi).map_err(|m| (at, m))?,
                Event::DocType(_) if seen_root || seen_doctype => {
                    return Err((
                        at,
                        "a DOCTYPE after the root element or another DOCTYPE".into(),
                    ));
                }
                Event::DocType(_) => seen_doctype = true,
                Event::Comment(_) => {}
                Event::Eof => return self.end(seen_root),
            }
        }
    }

    /// Text, CDATA or a character reference: only inside the root element
    /// (whitespace aside), with the characters XML allows.
    fn character_data(&mut self, event: Event<'a>, at: usize) -> Result<(), Failure> {
        let outside = self.stack.is_empty();
        let piece = match event {
            Event::Text(t) => {
                let piece = t.xml10_content();
                // Indentation, most text events: nothing in it to check.
                if is_xml_whitespace(&piece) {
                    if !outside {
                        self.append_text(piece);
                    }
                    return Ok(());
                }
                if outside {
                    if !is_xml_whitespace(&piece) {
                        return Err((at, "text outside the root element".into()));
                    }
                    return Ok(());
                }
                check_chars(&piece).map_err(|m| (at, m))?;
                if piece.contains("]]>") {
                    return Err((at, "`]]>` in text".into()));
                }
                piece
            }
            Event::CData(_) if outside => {
                return Err((at, "CDATA outside the root element".into()));
            }
            Event::CData(t) => {
                let piece = t.xml10_content();
                check_chars(&piece).map_err(|m| (at, m))?;
                piece
            }
            Event::GeneralRef(_) if outside => {
                return Err((at, "a reference outside the root element".into()));
            }
            Event::GeneralRef(r) => {
                let resolved = resolve_reference(&r).map_err(|m| (at, m))?;
                let mut buf = [0u8; 4];
                Cow::Owned(resolved.encode_utf8(&mut buf).to_string())
            }
            _ => return Ok(()),
        };
        self.append_text(piece);
        Ok(())
    }

    /// The end of the document: every element closed, and a root seen.
    fn end(&self, seen_root: bool) -> Result<(), Failure> {
        let len = self.doc.text.len();
        if let Some(open) = self.stack.last() {
            return Err((len, format!("the document ends inside <{}>", open.qname)));
        }
        if !seen_root {
            return Err((len, "no root element".into()));
        }
        Ok(())
    }

    fn open(&mut self, start: &BytesStart<'_>, at: usize) -> Result<(), Failure> {
        if self.stack.len() >= MAX_DEPTH {
            return Err((at, format!("elements nested more than {MAX_DEPTH} deep")));
        }
        let content: &'a str = self
            .slice_of(start)
            .ok_or_else(|| (at, "unexpected start tag".to_string()))?;
        let qname = &content[..start.name().0.len()];
        let (prefix, local) = split_name(qname).map_err(|m| (at, m))?;
        let scope = self.scope.len();
        // Namespace declarations take effect first: they apply to the element's own
        // name and attributes. Most tags declare none, and skip this pass.
        let declares = memchr::memmem::find(content.as_bytes(), b"xmlns").is_some();
        if declares {
            self.declare_namespaces(content, qname, at)?;
        }
        let (ns, default_ns) = self.element_namespace(declares, prefix).ok_or_else(|| {
            (
                at,
                format!("<{qname}>: namespace prefix `{prefix}` is not declared"),
            )
        })?;
        let attrs_start = self.doc.attributes.len();
        self.read_attributes(content, qname, declares, at)?;
        if let Some(twice) = self.duplicate(attrs_start) {
            return Err((at, format!("<{qname}>: attribute {twice} appears twice")));
        }
        let id = self.doc.elements.len() as u32;
        let local = self.store(Cow::Borrowed(local));
        self.doc.elements.push(ElementData {
            ns,
            local,
            attrs_start: attrs_start as u32,
            attrs_len: (self.doc.attributes.len() - attrs_start) as u32,
            text: Str::NONE,
            end: id + 1,
        });
        if let Some(parent) = self.stack.last_mut() {
            parent.children += 1;
        }
        self.stack.push(Open {
            id,
            qname,
            default_ns,
            scope,
            text: TextState::Empty,
            children: 0,
            children_at_text: 0,
            meaningful: false,
        });
        Ok(())
    }

    /// The namespace of an element named with `prefix`, and the default
    /// namespace its children have; `None` for an undeclared prefix.
    fn element_namespace(&mut self, declares: bool, prefix: &str) -> Option<(u32, u32)> {
        // Without declarations of its own, an element has its parent's default
        // namespace: no lookup for the common unprefixed name.
        let default_ns = match self.stack.last() {
            Some(parent) if !declares => parent.default_ns,
            _ => self.resolve("").unwrap_or(0),
        };
        match prefix {
            "" => Some((default_ns, default_ns)),
            _ => Some((self.resolve(prefix)?, default_ns)),
        }
    }

    /// Reads a start tag's attributes (namespace declarations left out) into the document.
    fn read_attributes(
        &mut self,
        content: &'a str,
        qname: &'a str,
        declares: bool,
        at: usize,
    ) -> Result<(), Failure> {
        for attr in self.attributes(content, qname, at) {
            let (key, raw) = attr?;
            if declares && (key == "xmlns" || key.starts_with("xmlns:")) {
                continue;
            }
            let (prefix, local) = split_name(key).map_err(|m| (at, m))?;
            let ns = if prefix.is_empty() {
                0
            } else {
                self.resolve(prefix).ok_or_else(|| {
                    (
                        at,
                        format!("attribute {key}: namespace prefix `{prefix}` is not declared"),
                    )
                })?
            };
            let value = value_of(key, raw).map_err(|m| (at, format!("attribute {key}: {m}")))?;
            let local = self.store(Cow::Borrowed(local));
            let value = self.store(value);
            self.doc.attributes.push(AttributeData { ns, local, value });
        }
        Ok(())
    }

    /// The `xmlns` declarations of a start tag, pushed on the scope.
    fn declare_namespaces(
        &mut self,
        content: &'a str,
        qname: &'a str,
        at: usize,
    ) -> Result<(), Failure> {
        for attr in self.attributes(content, qname, at) {
            let (key, raw) = attr?;
            let declared = if key == "xmlns" {
                ""
            } else if let Some(prefix) = key.strip_prefix("xmlns:") {
                prefix
            } else {
                continue;
            };
            let uri = value_of(key, raw).map_err(|m| (at, format!("{key}: {m}")))?;
            namespace_declaration(key, declared, &uri).map_err(|m| (at, m))?;
            if uri == XMLNS_NAMESPACE || (uri == XML_NAMESPACE) != (declared == "xml") {
                return Err((at, format!("{key} cannot be bound to {uri}")));
            }
            let depth = self.stack.len();
            let hides = self.bound.get(declared).copied();
            if hides.is_some_and(|i| self.scope[i as usize].depth == depth) {
                return Err((at, format!("<{qname}>: {key} appears twice")));
            }
            self.bound.insert(declared, self.scope.len() as u32);
            self.scope.push(Binding {
                prefix: declared,
                uri,
                ns: None,
                depth,
                hides,
            });
        }
        Ok(())
    }

    /// The attributes of a start tag.
    fn attributes(&self, content: &'a str, qname: &'a str, at: usize) -> RawAttributes<'a> {
        RawAttributes {
            rest: &content[qname.len()..],
            qname,
            at,
        }
    }

    /// `piece` as a slice of the text with the text's lifetime, if it is one.
    fn slice_of(&self, piece: &str) -> Option<&'a str> {
        let at = self.offset_of(piece)?;
        Some(&self.doc.text[at..at + piece.len()])
    }

    /// An attribute name (after namespaces are resolved) that the element has twice.
    fn duplicate(&self, attrs_start: usize) -> Option<String> {
        let doc = &self.doc;
        let attrs = &doc.attributes[attrs_start..];
        let name = |a: &AttributeData| (a.ns, doc.str(a.local));
        // Names are short: compared inline, not by a call to memcmp each.
        let same = |a: &AttributeData, b: &AttributeData| {
            let ((na, la), (nb, lb)) = (name(a), name(b));
            na == nb && la.len() == lb.len() && la.bytes().zip(lb.bytes()).all(|(x, y)| x == y)
        };
        // A few attributes are compared pairwise; many (a hostile document) are sorted.
        let twice = if attrs.len() <= 8 {
            attrs
                .iter()
                .enumerate()
                .find_map(|(i, a)| attrs[i + 1..].iter().any(|b| same(a, b)).then(|| name(a)))
        } else {
            let mut names: Vec<(u32, &str)> = attrs.iter().map(name).collect();
            names.sort_unstable();
            names.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
        };
        twice.map(|(ns, local)| match doc.namespace(ns) {
            Some(ns) => format!("{{{ns}}}{local}"),
            None => local.to_string(),
        })
    }

    fn append_text(&mut self, piece: Cow<'_, str>) {
        let depth = self.stack.len() - 1;
        if self.buffers.len() <= depth {
            self.buffers.resize_with(depth + 1, String::new);
        }
        let piece = self.after_children(depth, piece);
        let state = self.stack[depth].text;
        self.stack[depth].text = match state {
            TextState::Empty => {
                let span = match &piece {
                    Cow::Borrowed(s) => self.span_of(s),
                    Cow::Owned(_) => None,
                };
                match span {
                    Some(span) => TextState::Slice(span),
                    None => {
                        self.buffers[depth].clear();
                        self.buffers[depth].push_str(&piece);
                        TextState::Buffered
                    }
                }
            }
            TextState::Slice(first) => {
                let first = self.doc.str(first);
                let buffer = &mut self.buffers[depth];
                buffer.clear();
                buffer.push_str(first);
                buffer.push_str(&piece);
                TextState::Buffered
            }
            TextState::Buffered => {
                self.buffers[depth].push_str(&piece);
                TextState::Buffered
            }
        };
    }

    /// `piece` with a [`CHILD`] mark for each child element since the last
    /// text, once the element has text that is more than indentation (so
    /// `x<b/>y` and `xy<b/>` differ). Until then only the current segment's
    /// whitespace is kept: earlier segments were indentation, and this one's
    /// belongs to its text if the segment turns out to have any.
    fn after_children<'p>(&mut self, depth: usize, piece: Cow<'p, str>) -> Cow<'p, str> {
        let open = &mut self.stack[depth];
        let since = open.children - open.children_at_text;
        open.children_at_text = open.children;
        let blank = is_xml_whitespace(&piece);
        if open.meaningful {
            return match since {
                0 => piece,
                _ => Cow::Owned(marked(since, "", &piece)),
            };
        }
        if since > 0 {
            open.text = TextState::Empty;
        }
        if blank || open.children == 0 {
            open.meaningful = !blank;
            return piece;
        }
        // The first text after children that is more than indentation.
        open.meaningful = true;
        let children = open.children;
        let before = match std::mem::replace(&mut open.text, TextState::Empty) {
            TextState::Empty => "",
            TextState::Slice(s) => self.doc.str(s),
            TextState::Buffered => &self.buffers[depth],
        };
        Cow::Owned(marked(children, before, &piece))
    }

    fn close(&mut self) {
        let Some(open) = self.stack.pop() else {
            return;
        };
        let depth = self.stack.len();
        if open.children > 0 && open.meaningful {
            if let TextState::Buffered = open.text {
                if self.buffers[depth].contains(CHILD) {
                    let joined = std::mem::take(&mut self.buffers[depth]);
                    self.buffers[depth] = mixed_text(&joined).unwrap_or_default();
                }
            }
        }
        let text = match open.text {
            TextState::Empty => Str::NONE,
            // A childless element keeps whitespace-only text for selectors.
            TextState::Slice(s) if open.children > 0 && is_xml_whitespace(self.doc.str(s)) => {
                Str::NONE
            }
            TextState::Slice(s) => s,
            TextState::Buffered if open.children > 0 && is_xml_whitespace(&self.buffers[depth]) => {
                Str::NONE
            }
            TextState::Buffered => {
                let joined = std::mem::take(&mut self.buffers[depth]);
                self.store(Cow::Owned(joined))
            }
        };
        let end = self.doc.elements.len() as u32;
        let element = &mut self.doc.elements[open.id as usize];
        element.text = text;
        element.end = end;
        for binding in self.scope.drain(open.scope..).rev() {
            match binding.hides {
                Some(hidden) => self.bound.insert(binding.prefix, hidden),
                None => self.bound.remove(binding.prefix),
            };
        }
    }
}

/// `marks` child marks, then `before` and `piece`.
fn marked(marks: u32, before: &str, piece: &str) -> String {
    let mut out = String::with_capacity(marks as usize + before.len() + piece.len());
    out.extend(std::iter::repeat_n(CHILD, marks as usize));
    out.push_str(before);
    out.push_str(piece);
    out
}

/// Where a child element stands in an element's text (mixed content): NUL,
/// which XML text can never hold.
pub const CHILD: char = '\0';

/// The text of a mixed-content element as compared: its segments in their
/// places among the children, whitespace-only segments (indentation) empty,
/// marks after the last text left out; `None` when no segment is left.
pub fn mixed_text(joined: &str) -> Option<String> {
    let mut out = String::with_capacity(joined.len());
    for (i, segment) in joined.split(CHILD).enumerate() {
        if i > 0 {
            out.push(CHILD);
        }
        if !is_xml_whitespace(segment) {
            out.push_str(segment);
        }
    }
    let kept = out.trim_end_matches(CHILD).len();
    out.truncate(kept);
    (!out.is_empty()).then_some(out)
}

/// What Namespaces in XML 1.0 forbids in a declaration: an empty prefix
/// (`xmlns:=`), declaring `xmlns`, and undeclaring a prefix (`xmlns:p=""`, XML 1.1 only).
fn namespace_declaration(key: &str, prefix: &str, uri: &str) -> Result<(), String> {
    let why = if key == "xmlns:" {
        "an empty prefix"
    } else if prefix == "xmlns" {
        "the prefix `xmlns` cannot be declared"
    } else if !prefix.is_empty() && uri.is_empty() {
        "a prefix cannot be bound to no namespace (only the default namespace can be undeclared)"
    } else {
        return Ok(());
    };
    Err(format!("{key}: {why} (Namespaces in XML 1.0)"))
}

/// The XML declaration: a version first, `standalone` yes or no, and an
/// encoding that is the one the document was read in.
fn declaration(d: &quick_xml::events::BytesDecl, read_as: Encoding) -> Result<(), String> {
    d.version()
        .map_err(|_| "the XML declaration has no version first (XML 1.0)".to_string())?;
    if let Some(standalone) = d.standalone() {
        let standalone = standalone.map_err(|e| format!("the XML declaration: {e}"))?;
        if standalone != "yes" && standalone != "no" {
            return Err(format!(
                "the XML declaration says standalone=\"{standalone}\"; it is \"yes\" or \"no\" (XML 1.0)"
            ));
        }
    }
    if let Some(label) = d.encoding() {
        let label = label.map_err(|e| format!("the XML declaration: {e}"))?;
        if Encoding::of_label(&label) != Some(read_as) {
            return Err(format!(
                "the document declares encoding=\"{label}\" but is {} (this reader reads UTF-8 and UTF-16)",
                read_as.name()
            ));
        }
    }
    Ok(())
}

/// A processing instruction has a target, and not one that XML reserves.
fn processing_instruction(pi: &quick_xml::events::BytesPI) -> Result<(), String> {
    let target = pi.target();
    if target.is_empty() {
        return Err("a processing instruction without a target (XML 1.0)".into());
    }
    if target.eq_ignore_ascii_case("xml") {
        return Err(format!(
            "`<?{target}` is reserved: an XML declaration is only at the start (XML 1.0)"
        ));
    }
    if target.contains(':') {
        return Err(format!(
            "`<?{target}`: a processing instruction's target has no colon (Namespaces in XML 1.0)"
        ));
    }
    split_name(target).map(|_| ())
}

/// Prefix and local name of a qualified name.
fn split_name(qname: &str) -> Result<(&str, &str), String> {
    let colon = qname.bytes().position(|b| b == b':');
    let (prefix, local) = match colon {
        Some(at) => (&qname[..at], &qname[at + 1..]),
        None => ("", qname),
    };
    let valid = |part: &str| {
        let ascii = part
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
        if ascii {
            return part
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
        }
        let mut chars = part.chars();
        chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
    };
    // `:name` is a valid XML name but not a qualified name: Namespaces in XML
    // wants a prefix before every colon (roxmltree reads it as unprefixed).
    if !valid(local) || (colon.is_some() && !valid(prefix)) {
        return Err(format!(
            "`{qname}` is not a qualified name (Namespaces in XML 1.0)"
        ));
    }
    Ok((prefix, local))
}

/// An attribute's value: references replaced and whitespace normalized as XML
/// says, borrowed from the text when it has neither (almost always).
fn value_of<'v>(key: &'v str, raw: &'v str) -> Result<Cow<'v, str>, String> {
    // Bytes below 0x20 are whitespace to normalize or forbidden characters, and
    // 0xEF starts U+FFFE and U+FFFF: anything else needs no second look.
    if !has_byte_below_0x20_or(raw.as_bytes(), [b'&', b'<', 0xEF]) {
        return Ok(Cow::Borrowed(raw));
    }
    if raw.contains('<') {
        return Err("`<` in a value".into());
    }
    check_chars(raw)?;
    let attr = quick_xml::events::attributes::Attribute {
        key: quick_xml::name::QName(key),
        value: Cow::Borrowed(raw),
    };
    let value = attr
        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .map_err(|e| e.to_string())?;
    check_chars(&value)?;
    Ok(value)
}

/// A start tag's attributes as (name, raw value), read by hand: quick-xml's
/// iterator is general (HTML, unquoted values) and, called per attribute, was
/// a fifth of parsing.
struct RawAttributes<'a> {
    /// What follows the element name, or the last attribute read.
    rest: &'a str,
    qname: &'a str,
    at: usize,
}

/// `text` without the XML whitespace it starts with.
fn trim_space(text: &str) -> &str {
    let n = text
        .bytes()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .unwrap_or(text.len());
    &text[n..]
}

impl<'a> Iterator for RawAttributes<'a> {
    type Item = Result<(&'a str, &'a str), Failure>;

    fn next(&mut self) -> Option<Self::Item> {
        let trimmed = trim_space(self.rest);
        if trimmed.is_empty() {
            return None;
        }
        let (qname, at) = (self.qname, self.at);
        let fail = |message: String| Some(Err((at, format!("<{qname}>: {message}"))));
        if trimmed.len() == self.rest.len() {
            return fail(format!("no space before `{}`", excerpt(trimmed)));
        }
        // Bytes, not chars: '=' and spaces are ASCII, which no other character's
        // UTF-8 bytes can be.
        let name_end = trimmed
            .bytes()
            .position(|b| matches!(b, b'=' | b' ' | b'\t' | b'\n' | b'\r'));
        let Some(name_end) = name_end else {
            return fail(format!("attribute `{trimmed}` has no value"));
        };
        let name = &trimmed[..name_end];
        let after = trim_space(&trimmed[name_end..]);
        let Some(after) = after.strip_prefix('=') else {
            return fail(format!("attribute `{name}` has no value"));
        };
        let after = trim_space(after);
        let quote = match after.as_bytes().first() {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return fail(format!("the value of `{name}` is not quoted")),
        };
        let Some(end) = after[1..].find(quote as char) else {
            return fail(format!("the value of `{name}` is not closed"));
        };
        if name.is_empty() {
            return fail("an attribute has no name".into());
        }
        self.rest = &after[end + 2..];
        Some(Ok((name, &after[1..end + 1])))
    }
}

/// The start of `text`, for a message.
fn excerpt(text: &str) -> &str {
    let end = text.char_indices().nth(20).map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// Whether `text` is only XML's whitespace (space, tab, CR, LF): indentation, not
/// content. A no-break space is content.
pub fn is_xml_whitespace(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// XML's NameStartChar, without the colon (names here are namespace-qualified).
fn is_name_start(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

/// XML's NameChar, without the colon.
fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Whether `bytes` has a byte below 0x20 or one of `these`, eight bytes at a time:
/// every attribute value and text passes through here.
fn has_byte_below_0x20_or(bytes: &[u8], these: [u8; 3]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS != 0;
    let (a, b, c) = (
        ONES * these[0] as u64,
        ONES * these[1] as u64,
        ONES * these[2] as u64,
    );
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // A byte below 0x20 (and below 0x80) borrows when 0x20 is subtracted.
        let below = x.wrapping_sub(ONES * 0x20) & !x & HIGHS != 0;
        if below || has_zero(x ^ a) || has_zero(x ^ b) || has_zero(x ^ c) {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&x| x < 0x20 || these.contains(&x))
}

/// Characters XML 1.0 does not allow anywhere, even escaped.
fn check_chars(text: &str) -> Result<(), String> {
    // Indentation takes the slow path, but it is short.
    if !has_byte_below_0x20_or(text.as_bytes(), [0xEF; 3]) {
        return Ok(());
    }
    let forbidden = |c: &char| {
        (*c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}')
    };
    match text.chars().find(forbidden) {
        Some(c) => Err(format!(
            "character U+{:04X} is not allowed in XML",
            c as u32
        )),
        None => Ok(()),
    }
}

fn resolve_reference(r: &quick_xml::events::BytesRef<'_>) -> Result<char, String> {
    let name: &str = r;
    if let Some(c) = r.resolve_char_ref().map_err(|e| format!("&{name};: {e}"))? {
        check_chars(c.encode_utf8(&mut [0; 4]))?;
        return Ok(c);
    }
    match name {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        _ => Err(format!(
            "&{name}; is not one of XML's predefined entities (entities a DTD declares are not expanded)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_text_keeps_the_whitespace_of_the_segment_it_starts_in() {
        // Found by the roxmltree property: whitespace, then a reference, after
        // a child; the child's mark was lost and the indentation kept.
        let doc = parse("<a>\n  <b/>\n&#x41;  <c/>\n</a>").unwrap();
        assert_eq!(doc.root_element().text(), Some("\0\nA  "));
        let doc = parse("<a>\n  <b/>\n <c/> x<d/> </a>").unwrap();
        assert_eq!(doc.root_element().text(), Some("\0\0 x"));
        let doc = parse("<a> x <b/></a>").unwrap();
        assert_eq!(doc.root_element().text(), Some(" x "));
        let doc = parse("<a>\n <b/>\n</a>").unwrap();
        assert_eq!(doc.root_element().text(), None);
    }

    #[test]
    fn the_length_of_the_text_read_is_known() {
        assert_eq!(parse("<a>x</a>").unwrap().text_len(), 8);
        // Without the byte order mark, which is not the document's.
        assert_eq!(parse("\u{feff}<a/>").unwrap().text_len(), 4);
    }

    #[test]
    fn names_namespaces_attributes_and_text() {
        let doc = parse(
            "<?xml version=\"1.0\"?>\n<v:A xmlns:v=\"urn:v\" xmlns=\"urn:d\" x=\"1 &amp; 2\" v:y=\"&#65;\">\n  <B>t<![CDATA[<c>]]>&lt;</B>\n  <C/>\n  <v:D xmlns=\"\">  x  </v:D>\n</v:A>",
        )
        .unwrap();
        let root = doc.root_element();
        assert_eq!((root.namespace(), root.local_name()), (Some("urn:v"), "A"));
        let attrs: Vec<_> = root
            .attributes()
            .map(|a| (a.namespace(), a.name(), a.value()))
            .collect();
        assert_eq!(attrs, [(None, "x", "1 & 2"), (Some("urn:v"), "y", "A")]);
        assert_eq!(root.text(), None);
        let children: Vec<_> = root.children().collect();
        assert_eq!(children.len(), 3);
        assert_eq!(children[0].namespace(), Some("urn:d"));
        assert_eq!(children[0].text(), Some("t<c><"));
        assert!(!children[1].has_children());
        assert_eq!(children[2].namespace(), Some("urn:v"));
        assert_eq!(children[2].text(), Some("  x  "));
        assert_eq!(root.descendants().count(), 3);
        assert_eq!(doc.descendants().count(), 4);
    }

    #[test]
    fn the_word_at_a_time_scan_finds_every_byte_it_looks_for() {
        for len in 0..20 {
            for at in 0..len {
                for b in [0u8, 0x1f, b'&', b'<', 0xEF] {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    assert!(
                        has_byte_below_0x20_or(&bytes, [b'&', b'<', 0xEF]),
                        "{bytes:?}"
                    );
                }
                let mut bytes = vec![b'a'; len];
                bytes[at] = 0x20;
                bytes[len - 1 - at] = 0xC3;
                assert!(
                    !has_byte_below_0x20_or(&bytes, [b'&', b'<', 0xEF]),
                    "{bytes:?}"
                );
            }
        }
    }

    #[test]
    fn line_ends_and_attribute_whitespace_are_normalized() {
        let doc = parse("<a x=\"1\n2\tz\">l1\r\nl2</a>").unwrap();
        let root = doc.root_element();
        assert_eq!(root.attribute("x"), Some("1 2 z"));
        assert_eq!(root.text(), Some("l1\nl2"));
    }

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut bytes = if big_endian {
            vec![0xfe, 0xff]
        } else {
            vec![0xff, 0xfe]
        };
        for unit in text.encode_utf16() {
            let pair = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend(pair);
        }
        bytes
    }

    #[test]
    fn utf16_and_utf8_are_read_and_a_declaration_must_name_the_one_used() {
        let doc = "<?xml version='1.0' encoding='UTF-16'?><a x='é'>𝄞</a>";
        for big_endian in [false, true] {
            let bytes = utf16(doc, big_endian);
            let (text, encoding) = decode(&bytes).unwrap();
            assert_eq!(encoding, Encoding::Utf16);
            let parsed = parse_as(&text, encoding).unwrap();
            assert_eq!(parsed.root_element().text(), Some("𝄞"));
            assert_eq!(parsed.root_element().attribute("x"), Some("é"));
        }
        let bytes = utf16("<a/>", false);
        let undeclared = decode(&bytes).unwrap();
        assert!(parse_as(&undeclared.0, undeclared.1).is_ok());
        let bytes = utf16("<?xml version='1.0' encoding='UTF-8'?><a/>", true);
        let lying = decode(&bytes).unwrap();
        let err = parse_as(&lying.0, lying.1).unwrap_err();
        assert!(err.message.contains("but is UTF-16"), "{err}");
        let (text, encoding) = decode(b"\xef\xbb\xbf<a/>").unwrap();
        assert_eq!((text.as_ref(), encoding), ("<a/>", Encoding::Utf8));
        assert!(decode(b"<a>\xff</a>")
            .unwrap_err()
            .contains("UTF-8 (at byte 3)"));
        assert!(decode(&[0xff, 0xfe, 0x3c])
            .unwrap_err()
            .contains("odd number"));
        // A lone surrogate (U+D800) after `<`.
        let err = decode(&[0xff, 0xfe, 0x3c, 0x00, 0x00, 0xd8]).unwrap_err();
        assert!(err.contains("UTF-16 (at byte 4)"), "{err}");
    }

    #[test]
    fn malformed_documents_are_refused_with_a_position() {
        for (bad, says) in [
            ("", "no root element"),
            ("<a>", "ends inside <a>"),
            ("<a></b>", ""),
            ("<a/><b/>", "second root"),
            ("<a/>x", "outside the root"),
            ("<p:a/>", "not declared"),
            ("<a x='1' x='2'/>", ""),
            ("<a xmlns:p='u' xmlns:q='u' p:x='1' q:x='2'/>", "twice"),
            ("<a>&nbsp;</a>", "predefined"),
            ("<a>\u{1}</a>", "U+0001"),
            ("<a x='<'/>", "`<`"),
            ("<a>&#0;</a>", ""),
            ("<1a/>", "not a qualified name"),
            ("not xml", ""),
            // Namespaces in XML 1.0 and the XML declaration, which roxmltree lets pass.
            ("<a xmlns:p=''/>", "cannot be bound to no namespace"),
            ("<a xmlns:xmlns='urn:x'/>", "`xmlns` cannot be declared"),
            ("<a xmlns:='urn:x'/>", "an empty prefix"),
            ("<:E/>", "`:E` is not a qualified name"),
            ("<a :x='1'/>", "`:x` is not a qualified name"),
            ("<?xml encoding='UTF-8'?><a/>", "no version"),
            (
                "<?xml version='1.0' standalone='maybe'?><a/>",
                "\"yes\" or \"no\"",
            ),
            ("<a><? x?></a>", "without a target"),
            ("<a><?XML x?></a>", "reserved"),
            ("<a><?Xml x?></a>", "reserved"),
            ("<a><?p:i x?></a>", "has no colon"),
            (
                "<?xml version='1.0' encoding='UTF-16'?><a/>",
                "declares encoding=\"UTF-16\" but is UTF-8",
            ),
            (
                "<?xml version='1.0' encoding='ISO-8859-1'?><a/>",
                "reads UTF-8 and UTF-16",
            ),
        ] {
            let err = parse(bad).expect_err(bad);
            assert!(err.message.contains(says), "{bad}: {err}");
            assert!(err.line >= 1 && err.col >= 1, "{bad}: {err}");
        }
        for good in [
            "<?xml version='1.0' encoding='utf-8' standalone='yes'?><a/>",
            "<a xmlns=''/>",
            "<a><?xml-stylesheet href='x'?></a>",
        ] {
            assert!(parse(good).is_ok(), "{good}");
        }
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        let err = parse(&deep).unwrap_err();
        assert!(err.message.contains("nested more than 256"), "{err}");
        let deep = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
        assert!(parse(&deep).is_ok());
        let err = parse("<a>\n  <b>\n</a>").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
    }

    #[test]
    fn selectors_see_document_order() {
        let doc = parse("<a><b><c/></b><d/></a>").unwrap();
        let names: Vec<_> = doc.descendants().map(|n| n.local_name()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        let b = doc.root_element().children().next().unwrap();
        assert_eq!(b.children().count(), 1);
        assert_eq!(b.descendants().count(), 1);
    }
}
