//! A small JSONPath for `select:`, `body:` assertions and captures on JSON
//! responses:
//!
//! - `$` the document, `.name` or `['name']` a member, `[2]` an item, `[*]` every item
//!   (or every member's value), `..name` the member at any depth
//! - `[?(@.Rel=='Delete')]` the items whose member has that value (a string,
//!   a number, `true`, `false` or `null`); `@.a.b` reaches deeper
//!
//! A selected string is its text; a number, boolean or `null` its JSON text;
//! an array or object its compact JSON.

use std::fmt;

use super::value::{parse, Json};

/// A parsed JSON path.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPath {
    source: String,
    steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Member(String),
    Descendant(String),
    Index(usize),
    All,
    Filter(Vec<String>, Json),
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl JsonPath {
    /// Reads a path; the error names the offset.
    pub fn parse(source: &str) -> Result<JsonPath, String> {
        let source = source.trim();
        let mut p = Cursor {
            text: source,
            pos: 0,
        };
        if !p.eat("$") {
            return Err(p.error("a JSON path starts with `$`"));
        }
        let mut steps = Vec::new();
        while !p.rest().is_empty() {
            steps.push(p.step()?);
        }
        Ok(JsonPath {
            source: source.to_string(),
            steps,
        })
    }

    /// The path as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// What the path selects in `doc`, in document order.
    pub fn select<'j>(&self, doc: &'j Json) -> Vec<&'j Json> {
        let mut context = vec![doc];
        for step in &self.steps {
            let mut next = Vec::new();
            for value in context {
                apply(step, value, &mut next);
            }
            context = next;
        }
        context
    }
}

fn apply<'j>(step: &Step, value: &'j Json, next: &mut Vec<&'j Json>) {
    match (step, value) {
        (Step::Member(name), _) => next.extend(value.member(name)),
        (Step::Index(i), Json::Array(items)) => next.extend(items.get(*i)),
        (Step::All, Json::Array(items)) => next.extend(items),
        (Step::All, Json::Object(members)) => next.extend(members.iter().map(|(_, v)| v)),
        (Step::Filter(path, wanted), Json::Array(items)) => {
            next.extend(
                items
                    .iter()
                    .filter(|item| reach(item, path) == Some(wanted)),
            );
        }
        (Step::Descendant(name), _) => descendants(value, name, next),
        _ => {}
    }
}

/// Every member `name` at any depth under `value`, in document order; a
/// stack, not recursion, so a deep document cannot exhaust the thread's stack.
fn descendants<'j>(value: &'j Json, name: &str, out: &mut Vec<&'j Json>) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        let children: Vec<&Json> = match v {
            Json::Object(members) => {
                out.extend(members.iter().filter(|(n, _)| n == name).map(|(_, v)| v));
                members.iter().map(|(_, v)| v).collect()
            }
            Json::Array(items) => items.iter().collect(),
            _ => Vec::new(),
        };
        stack.extend(children.into_iter().rev());
    }
}

fn reach<'j>(item: &'j Json, path: &[String]) -> Option<&'j Json> {
    path.iter().try_fold(item, |v, name| v.member(name))
}

/// A selected value as text.
pub fn value_of(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => other.to_compact(),
    }
}

struct Cursor<'s> {
    text: &'s str,
    pos: usize,
}

impl Cursor<'_> {
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn error(&self, message: &str) -> String {
        format!(
            "JSON path `{}`: {message} at offset {}",
            self.text, self.pos
        )
    }

    fn name(&mut self) -> Result<String, String> {
        let len = self
            .rest()
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(self.rest().len());
        if len == 0 {
            return Err(self.error("expected a member name"));
        }
        let name = self.rest()[..len].to_string();
        self.pos += len;
        Ok(name)
    }

    fn quoted(&mut self) -> Result<String, String> {
        let quote = if self.eat("'") {
            '\''
        } else if self.eat("\"") {
            '"'
        } else {
            return Err(self.error("expected a quoted name"));
        };
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, e)) => out.push(e),
                    None => break,
                },
                c if c == quote => {
                    self.pos += i + 1;
                    return Ok(out);
                }
                c => out.push(c),
            }
        }
        Err(self.error("a quoted name does not end"))
    }

    fn step(&mut self) -> Result<Step, String> {
        if self.eat("..") {
            return Ok(Step::Descendant(self.name()?));
        }
        if self.eat(".") {
            return if self.eat("*") {
                Ok(Step::All)
            } else {
                Ok(Step::Member(self.name()?))
            };
        }
        if !self.eat("[") {
            return Err(self.error("expected `.name`, `..name` or `[`"));
        }
        let step = if self.eat("*") {
            Step::All
        } else if self.eat("?(@") {
            self.filter()?
        } else if self.rest().starts_with(['\'', '"']) {
            Step::Member(self.quoted()?)
        } else {
            let rest = self.rest();
            let len = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            let index = self.rest()[..len]
                .parse()
                .map_err(|_| self.error("expected an index, `*`, a quoted name or `?(@...)`"))?;
            self.pos += len;
            Step::Index(index)
        };
        if !self.eat("]") {
            return Err(self.error("expected `]`"));
        }
        Ok(step)
    }

    fn filter(&mut self) -> Result<Step, String> {
        let mut path = Vec::new();
        while self.eat(".") {
            path.push(self.name()?);
        }
        if path.is_empty() || !self.eat("==") {
            return Err(self.error("a filter is `?(@.member==value)`"));
        }
        let value = if self.rest().starts_with(['\'', '"']) {
            Json::String(self.quoted()?)
        } else {
            let len = self
                .rest()
                .find(')')
                .ok_or_else(|| self.error("expected `)`"))?;
            let literal = self.rest()[..len].trim().to_string();
            let value = parse(&literal).map_err(|_| {
                self.error("expected a quoted string, a number, true, false or null")
            })?;
            self.pos += len;
            value
        };
        if !self.eat(")") {
            return Err(self.error("expected `)`"));
        }
        Ok(Step::Filter(path, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"SessionId": "s-1", "n": 2, "ok": true, "none": null,
        "Links": [{"Rel": "Up", "Href": "h/api/"}, {"Rel": "Delete", "Href": "h/s/1", "Type": "LogonSession"}],
        "inner": {"Links": [{"Rel": "Down", "Href": "h/x"}]}, "odd name": [1, 2.5]}"#;

    fn values(path: &str) -> Vec<String> {
        let doc = parse(DOC).unwrap();
        JsonPath::parse(path)
            .unwrap()
            .select(&doc)
            .into_iter()
            .map(value_of)
            .collect()
    }

    #[test]
    fn members_items_filters_and_descendants() {
        assert_eq!(values("$.SessionId"), ["s-1"]);
        assert_eq!(values("$.n"), ["2"]);
        assert_eq!(values("$.ok"), ["true"]);
        assert_eq!(values("$.none"), ["null"]);
        assert_eq!(values("$.Links[1].Href"), ["h/s/1"]);
        assert_eq!(values("$.Links[?(@.Rel=='Delete')].Href"), ["h/s/1"]);
        assert_eq!(values("$.Links[?(@.Rel==\"Up\")].Href"), ["h/api/"]);
        assert_eq!(values("$.Links[*].Rel"), ["Up", "Delete"]);
        assert_eq!(values("$..Links[*].Rel"), ["Up", "Delete", "Down"]);
        assert_eq!(values("$['odd name'][1]"), ["2.5"]);
        assert_eq!(values("$['odd name'][?(@.x==1)]"), Vec::<String>::new());
        assert_eq!(
            values("$.inner"),
            [r#"{"Links":[{"Rel":"Down","Href":"h/x"}]}"#]
        );
        assert_eq!(values("$.missing"), Vec::<String>::new());
        assert_eq!(values("$.Links[9]"), Vec::<String>::new());
        assert_eq!(values("$"), [parse(DOC).unwrap().to_compact()]);
        assert_eq!(JsonPath::parse(" $.a[1] ").unwrap().to_string(), "$.a[1]");
        let odd = parse(r#"{"a_b-c": {"d_e": 1}}"#).unwrap();
        let got = JsonPath::parse("$.a_b-c.d_e").unwrap().select(&odd);
        assert_eq!(
            got,
            [&Json::Number(crate::json::value::Number::from_f64(1.0))]
        );
    }

    #[test]
    fn filters_compare_values_with_their_types() {
        let doc = parse(r#"[{"n": 1}, {"n": "1"}, {"n": 1.0}, {"a": {"b": true}}]"#).unwrap();
        let count = |p: &str| JsonPath::parse(p).unwrap().select(&doc).len();
        assert_eq!(count("$[?(@.n==1)]"), 2, "1 and 1.0, not \"1\"");
        assert_eq!(count("$[?(@.n=='1')]"), 1);
        assert_eq!(count("$[?(@.a.b==true)]"), 1);
    }

    #[test]
    fn mistakes_are_said_with_the_offset() {
        for (path, why) in [
            ("Links", "starts with `$`"),
            ("$.", "expected a member name"),
            ("$[x]", "expected an index"),
            ("$[1", "expected `]`"),
            ("$[?(@.Rel='x')]", "a filter is"),
            ("$['open]", "does not end"),
            ("$[?(@.n==bogus)]", "expected a quoted string"),
            ("$x", "expected `.name`"),
        ] {
            let e = JsonPath::parse(path).unwrap_err();
            assert!(e.contains(why) && e.contains("at offset"), "{path}: {e}");
        }
    }
}
