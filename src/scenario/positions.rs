//! Where each node of a scenario file is, from the YAML parser's own spans, so
//! an error found after deserializing (an unknown variable, a link to a later
//! step) points at the node it is about, in block or flow style alike.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, Span};

/// One step of a path into the document: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

impl From<&str> for Seg {
    fn from(key: &str) -> Seg {
        Seg::Key(key.to_string())
    }
}

impl From<usize> for Seg {
    fn from(index: usize) -> Seg {
        Seg::Index(index)
    }
}

/// A path such as `steps[2].request.link`.
pub(crate) type NodePath = Vec<Seg>;

#[derive(Debug, Clone, Copy)]
struct Node {
    /// Where its key starts, for a mapping value.
    key: Option<Span>,
    value: Span,
}

/// The position of every node of one document, as a tree: each node is
/// found from its parent by its segment, so recording a node copies one key,
/// not the whole path to it.
pub(crate) struct Positions<'s> {
    source: &'s str,
    /// Node 0 is the document's root.
    nodes: Vec<Node>,
    children: HashMap<(usize, Seg), usize>,
}

enum Frame {
    Mapping {
        key: Option<(String, Span)>,
        /// Whether the mapping itself added a segment to the path (the root does not).
        pushed: bool,
    },
    Sequence {
        next: usize,
        pushed: bool,
    },
}

impl<'s> Positions<'s> {
    /// Reads the positions of `source`; a document the parser refuses has none
    /// (serde reports that error with its own position).
    pub(crate) fn of(source: &'s str) -> Positions<'s> {
        let mut positions = Positions {
            source,
            nodes: Vec::new(),
            children: HashMap::new(),
        };
        // The nodes on the path to where the parser is, the root first.
        let mut path: Vec<usize> = Vec::new();
        let mut stack: Vec<Frame> = Vec::new();
        for event in Parser::new_from_str(source) {
            let Ok((event, span)) = event else { break };
            match event {
                Event::Scalar(text, ..) => {
                    if let Some(Frame::Mapping {
                        key: key @ None, ..
                    }) = stack.last_mut()
                    {
                        *key = Some((text.into_owned(), span));
                        continue;
                    }
                    if positions.enter(&mut stack, &mut path, span) {
                        path.pop();
                    }
                }
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    let pushed = positions.enter(&mut stack, &mut path, span);
                    stack.push(match event {
                        Event::MappingStart(..) => Frame::Mapping { key: None, pushed },
                        _ => Frame::Sequence { next: 0, pushed },
                    });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    if let Some(
                        Frame::Mapping { pushed: true, .. } | Frame::Sequence { pushed: true, .. },
                    ) = stack.pop()
                    {
                        path.pop();
                    }
                }
                Event::Alias(_) if positions.enter(&mut stack, &mut path, span) => {
                    path.pop();
                }
                _ => {}
            }
        }
        positions
    }

    /// A value starts at `span` in the innermost container: record it as a
    /// child of the node `path` ends at. Returns whether it was added to
    /// `path` (not for the root, nor for a key that is itself a collection,
    /// which stands for its mapping).
    fn enter(&mut self, stack: &mut [Frame], path: &mut Vec<usize>, span: Span) -> bool {
        let (seg, key) = match stack.last_mut() {
            Some(Frame::Mapping { key, .. }) => match key.take() {
                Some((name, key_span)) => (Some(Seg::Key(name)), Some(key_span)),
                None => (None, None),
            },
            Some(Frame::Sequence { next, .. }) => {
                *next += 1;
                (Some(Seg::Index(*next - 1)), None)
            }
            None => (None, None),
        };
        let node = Node { key, value: span };
        match (seg, path.last().copied()) {
            (Some(seg), Some(parent)) => {
                let id = self.nodes.len();
                self.nodes.push(node);
                self.children.insert((parent, seg), id);
                path.push(id);
                true
            }
            (_, Some(top)) => {
                self.nodes[top] = node;
                false
            }
            (_, None) => {
                self.nodes.push(node);
                path.push(self.nodes.len() - 1);
                false
            }
        }
    }

    /// The node at the end of the longest part of `path` the document has,
    /// and how much of `path` that is.
    fn deepest(&self, path: &[Seg]) -> Option<(&Node, usize)> {
        let mut id = 0;
        let mut node = self.nodes.first()?;
        for (depth, seg) in path.iter().enumerate() {
            match self.children.get(&(id, seg.clone())) {
                Some(&child) => {
                    id = child;
                    node = &self.nodes[child];
                }
                None => return Some((node, depth)),
            }
        }
        Some((node, path.len()))
    }

    /// Line and column (1-based) of the node at `path`: its key when it has one,
    /// else its value; the nearest ancestor when the node is not there.
    pub(crate) fn at(&self, path: &[Seg]) -> (u32, u32) {
        match self.deepest(path) {
            Some((n, _)) => line_col(n.key.unwrap_or(n.value)),
            None => (1, 1),
        }
    }

    /// Whether the document has a node at `path` (a key that was written).
    pub(crate) fn has(&self, path: &[Seg]) -> bool {
        self.deepest(path)
            .is_some_and(|(_, depth)| depth == path.len())
    }

    /// Where `needle` stands inside the value at `path` (a `${var}` reference in
    /// a template), or the value itself when it is not found there.
    pub(crate) fn within(&self, path: &[Seg], needle: &str) -> (u32, u32) {
        let node = match self.deepest(path) {
            Some((node, depth)) if depth == path.len() => node,
            _ => return self.at(path),
        };
        let start = byte_offset(self.source, node.value.start.index());
        let end = byte_offset(self.source, node.value.end.index()).max(start);
        match self.source[start..end].find(needle) {
            Some(i) => crate::error::line_col(self.source, start + i),
            None => line_col(node.value),
        }
    }
}

fn line_col(span: Span) -> (u32, u32) {
    (span.start.line() as u32, span.start.col() as u32 + 1)
}

/// The byte offset of the `chars`-th character (the parser counts characters).
fn byte_offset(source: &str, chars: usize) -> usize {
    source
        .char_indices()
        .nth(chars)
        .map_or(source.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(segs: &[Seg]) -> Vec<Seg> {
        segs.to_vec()
    }

    #[test]
    fn block_and_flow_nodes_have_their_own_positions() {
        let source = "name: x\nsteps:\n  - { name: a, request: { path: \"${v}\" } }\n  - name: b\n    request:\n      path: |\n        abc ${w}\n";
        let p = Positions::of(source);
        let step0 = path(&["steps".into(), 0.into()]);
        assert_eq!(p.at(&step0), (3, 5));
        let mut path0 = step0.clone();
        path0.extend(["request".into(), "path".into()]);
        assert_eq!(p.at(&path0), (3, 27));
        assert_eq!(p.within(&path0, "${v}"), (3, 34));
        let path1 = path(&["steps".into(), 1.into(), "request".into(), "path".into()]);
        assert_eq!(p.at(&path1), (6, 7));
        assert_eq!(p.within(&path1, "${w}"), (7, 13));
        // A node that is not there: its nearest ancestor.
        let missing = path(&["steps".into(), 1.into(), "expect".into()]);
        assert_eq!(p.at(&missing), (4, 5));
        assert_eq!(p.at(&path(&["name".into()])), (1, 1));
    }
}
