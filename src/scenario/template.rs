//! Strings with `${...}` references: `${name}`, `${env:VAR}`, `${env:VAR:-default}`,
//! and a variable encoded: `${base64:name}`, `${json:name}` (escaped for a JSON
//! string), `${xml:name}` (escaped for XML text or an attribute); `$$` is a literal `$`.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Literal(String),
    Var(String),
    Env {
        name: String,
        default: Option<String>,
    },
    Encoded(Encoding, String),
}

/// How `${ENCODING:name}` writes a variable's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Base64 (Commvault's Login wants the password so).
    Base64,
    /// Escaped to stand inside a JSON string: `CORP\jo` becomes `CORP\\jo`.
    Json,
    /// Escaped to stand in XML text or an attribute: `&`, `<`, `>`, `"`, `'`.
    Xml,
}

impl Encoding {
    const ALL: [Encoding; 3] = [Encoding::Base64, Encoding::Json, Encoding::Xml];

    /// The prefix that names it: `base64`, `json`, `xml`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Json => "json",
            Encoding::Xml => "xml",
        }
    }

    /// `value`, encoded.
    pub fn encode(self, value: &str) -> String {
        match self {
            Encoding::Base64 => {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD.encode(value)
            }
            Encoding::Json => {
                let quoted = serde_json::Value::String(value.to_string()).to_string();
                quoted[1..quoted.len() - 1].to_string()
            }
            Encoding::Xml => quick_xml::escape::escape(value).into_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    raw: String,
    parts: Vec<Part>,
}

impl Template {
    pub fn parse(raw: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = raw;
        while let Some(i) = rest.find('$') {
            literal.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            if let Some(tail) = after.strip_prefix('$') {
                literal.push('$');
                rest = tail;
                continue;
            }
            let Some(inner_start) = after.strip_prefix('{') else {
                literal.push('$');
                rest = after;
                continue;
            };
            let end = inner_start
                .find('}')
                .ok_or_else(|| format!("`${{` is not closed by `}}` in {raw:?}"))?;
            let inner = inner_start[..end].trim();
            let part = if let Some(env) = inner.strip_prefix("env:") {
                let (name, default) = match env.split_once(":-") {
                    Some((n, d)) => (n, Some(d.to_string())),
                    None => (env, None),
                };
                if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(format!(
                        "`${{{inner}}}`: `{name}` is not an environment variable name"
                    ));
                }
                Part::Env {
                    name: name.to_string(),
                    default,
                }
            } else if let Some((encoding, var)) = Encoding::ALL
                .iter()
                .find_map(|e| Some((*e, inner.strip_prefix(e.name())?.strip_prefix(':')?)))
            {
                check_name(var, inner)?;
                Part::Encoded(encoding, var.to_string())
            } else {
                check_name(inner, inner)?;
                Part::Var(inner.to_string())
            };
            if !literal.is_empty() {
                parts.push(Part::Literal(std::mem::take(&mut literal)));
            }
            parts.push(part);
            rest = &inner_start[end + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        Ok(Template {
            raw: raw.to_string(),
            parts,
        })
    }

    pub fn raw(&self) -> &str {
        &self.raw
    }

    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// Scenario variables the template refers to (not environment variables).
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var(n) | Part::Encoded(_, n) => Some(n.as_str()),
            _ => None,
        })
    }
}

/// What a variable reference becomes when a fragment's steps are put into a scenario.
pub(crate) type Substitute<'f> = dyn Fn(&str) -> Option<Template> + 'f;

impl Template {
    /// Replaces each `${name}` for which `replace` gives a template by that
    /// template's parts (a fragment's parameters and renamed captures).
    /// `${ENCODING:name}` takes a replacement that is one variable or plain text.
    pub(crate) fn substitute(&self, replace: &Substitute) -> Result<Template, String> {
        let mut parts: Vec<Part> = Vec::new();
        for part in &self.parts {
            match part {
                Part::Var(name) => match replace(name) {
                    Some(t) => parts.extend(t.parts.iter().cloned()),
                    None => parts.push(part.clone()),
                },
                Part::Encoded(encoding, name) => {
                    match replace(name).as_ref().map(|t| t.parts.as_slice()) {
                        None => parts.push(part.clone()),
                        Some([Part::Var(other)]) => {
                            parts.push(Part::Encoded(*encoding, other.clone()))
                        }
                        Some([Part::Literal(text)]) => {
                            parts.push(Part::Literal(encoding.encode(text)))
                        }
                        Some([]) => {}
                        Some(_) => {
                            return Err(format!(
                                "`${{{}:{name}}}` needs `{name}` to be one variable or plain text",
                                encoding.name()
                            ))
                        }
                    }
                }
                _ => parts.push(part.clone()),
            }
        }
        Ok(Template::from_parts(parts))
    }

    /// A template of `parts`, with the text that would be parsed into them.
    pub(crate) fn from_parts(parts: Vec<Part>) -> Template {
        let mut merged: Vec<Part> = Vec::new();
        for part in parts {
            match (merged.last_mut(), part) {
                (Some(Part::Literal(a)), Part::Literal(b)) => a.push_str(&b),
                (_, Part::Literal(b)) if b.is_empty() => {}
                (_, p) => merged.push(p),
            }
        }
        let raw = merged.iter().map(Part::source).collect();
        Template { raw, parts: merged }
    }

    /// A template that is one reference to a variable.
    pub(crate) fn var(name: &str) -> Template {
        Template::from_parts(vec![Part::Var(name.to_string())])
    }
}

impl Part {
    /// The text this part is parsed from.
    fn source(&self) -> String {
        match self {
            Part::Literal(text) => text.replace('$', "$$"),
            Part::Var(name) => format!("${{{name}}}"),
            Part::Encoded(encoding, name) => format!("${{{}:{name}}}", encoding.name()),
            Part::Env {
                name,
                default: Some(d),
            } => format!("${{env:{name}:-{d}}}"),
            Part::Env {
                name,
                default: None,
            } => format!("${{env:{name}}}"),
        }
    }
}

fn check_name(name: &str, inner: &str) -> Result<(), String> {
    if crate::placeholder::pattern::is_variable_name(name) {
        Ok(())
    } else {
        Err(format!(
            "`${{{inner}}}`: expected a variable name (letters, digits, `_`, `-`), `env:VAR`, or `base64:NAME`, `json:NAME`, `xml:NAME`"
        ))
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl<'de> serde::Deserialize<'de> for Template {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Template;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Template, E> {
                Template::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Template, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Template, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Template, E> {
                self.visit_str(&v.to_string())
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references() {
        let t = Template::parse("a${x}b${env:HOME:-/root}${base64:pw}$$${y}$").unwrap();
        assert_eq!(
            t.parts(),
            &[
                Part::Literal("a".into()),
                Part::Var("x".into()),
                Part::Literal("b".into()),
                Part::Env {
                    name: "HOME".into(),
                    default: Some("/root".into())
                },
                Part::Encoded(Encoding::Base64, "pw".into()),
                Part::Literal("$".into()),
                Part::Var("y".into()),
                Part::Literal("$".into()),
            ]
        );
        assert!(Template::parse("${x").is_err());
        assert!(Template::parse("${a b}").is_err());
        let t = Template::parse("${json:u}${xml:u}").unwrap();
        assert_eq!(
            t.parts(),
            &[
                Part::Encoded(Encoding::Json, "u".into()),
                Part::Encoded(Encoding::Xml, "u".into())
            ]
        );
        assert_eq!(t.variables().collect::<Vec<_>>(), ["u", "u"]);
        let err = Template::parse("${yaml:u}").unwrap_err();
        assert!(err.contains("`json:NAME`, `xml:NAME`"), "{err}");
    }

    #[test]
    fn an_encoded_value_stands_in_a_json_string_or_in_xml_as_written() {
        let name = "CORP\\jo \"x\" <&> 'é'\n";
        assert_eq!(
            Encoding::Json.encode(name),
            "CORP\\\\jo \\\"x\\\" <&> 'é'\\n"
        );
        let json = format!("{{\"u\": \"{}\"}}", Encoding::Json.encode(name));
        let read: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(read["u"], name);
        assert_eq!(
            Encoding::Xml.encode(name),
            "CORP\\jo &quot;x&quot; &lt;&amp;&gt; &apos;é&apos;\n"
        );
        let xml = format!("<A u=\"{0}\">{0}</A>", Encoding::Xml.encode(name));
        let doc = roxmltree::Document::parse(&xml).unwrap();
        assert_eq!(
            doc.root_element().attribute("u"),
            Some("CORP\\jo \"x\" <&> 'é' ")
        );
        assert_eq!(doc.root_element().text(), Some(name));
        assert_eq!(Encoding::Base64.encode("pw"), "cHc=");
    }

    #[test]
    fn substitution_splices_parameters_and_renames_variables() {
        let t = Template::parse("a$$${p}/${c}:${base64:q}${base64:r}${json:r}${keep}").unwrap();
        let replace = |name: &str| match name {
            "p" => Some(Template::parse("x${user}$$").unwrap()),
            "c" => Some(Template::var("admin_c")),
            "q" => Some(Template::var("password")),
            "r" => Some(Template::parse("pl\"ain").unwrap()),
            _ => None,
        };
        let out = t.substitute(&replace).unwrap();
        assert_eq!(
            out.raw(),
            "a$$x${user}$$/${admin_c}:${base64:password}cGwiYWlupl\\\"ain${keep}"
        );
        assert_eq!(Template::parse(out.raw()).unwrap(), out);
        let mixed = |_: &str| Some(Template::parse("a${b}").unwrap());
        // Empty text between parts is no part.
        let parts = vec![Part::Literal(String::new()), Part::Var("a".into())];
        assert_eq!(
            Template::from_parts(parts).parts(),
            Template::var("a").parts()
        );
        let err = Template::parse("${xml:q}")
            .unwrap()
            .substitute(&mixed)
            .unwrap_err();
        assert!(err.contains("`${xml:q}` needs `q`"), "{err}");
    }
}
