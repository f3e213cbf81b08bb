//! The editor schemas: the shipped files are what the model generates, every
//! shipped scenario and fragment validates against them, and the mistakes the
//! loader refuses for their shape are refused by the schema too. Validation is
//! by Python's `jsonschema`, an implementation independent of ours.

use std::path::Path;
use std::process::Command;

use sessionconf::scenario::{schema, SchemaKind};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn the_shipped_schemas_are_the_generated_ones() {
    for (kind, file) in [
        (SchemaKind::Scenario, "schema/scenario.schema.json"),
        (SchemaKind::Fragment, "schema/fragment.schema.json"),
    ] {
        let shipped = std::fs::read_to_string(Path::new(ROOT).join(file)).unwrap();
        assert!(
            shipped == schema(kind),
            "{file} is out of date: run `sessionconf schema{} > {file}`",
            if kind == SchemaKind::Fragment {
                " --fragment"
            } else {
                ""
            }
        );
    }
}

/// Validates YAML documents against a schema; returns one verdict per document
/// (`ok`, or the first error).
fn validate(kind: SchemaKind, documents: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let schema_file = dir.path().join("schema.json");
    std::fs::write(&schema_file, schema(kind)).unwrap();
    let mut files = Vec::new();
    for (i, doc) in documents.iter().enumerate() {
        let path = dir.path().join(format!("{i}.yaml"));
        std::fs::write(&path, doc).unwrap();
        files.push(path);
    }
    let script = r#"
import json, sys
import jsonschema, yaml
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
for path in sys.argv[2:]:
    errors = list(validator.iter_errors(yaml.safe_load(open(path))))
    print("ok" if not errors else errors[0].message.replace("\n", " "))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&schema_file)
        .args(&files)
        .output()
        .expect("python3 runs (CI installs jsonschema and PyYAML)");
    assert!(
        out.status.success(),
        "the validator failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// The YAML files in each of `dirs` (relative to the repository), sorted.
fn shipped(dirs: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in dirs {
        for entry in std::fs::read_dir(Path::new(ROOT).join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                out.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_shipped_scenario_and_fragment_validates() {
    // The fragments ship with the tool, beside its knowledge of each vendor.
    for (kind, dirs) in [
        (
            SchemaKind::Scenario,
            ["scenarios/veeam-em", "scenarios/commvault"],
        ),
        (
            SchemaKind::Fragment,
            [
                "src/knowledge/veeam_em/fragments",
                "src/knowledge/commvault/fragments",
            ],
        ),
    ] {
        let files = shipped(&dirs);
        assert!(files.len() >= 2, "{files:?}");
        let docs: Vec<&str> = files.iter().map(|(_, text)| text.as_str()).collect();
        for ((file, _), verdict) in files.iter().zip(validate(kind, &docs)) {
            assert_eq!(verdict, "ok", "{file}");
        }
    }
}

#[test]
fn the_schema_refuses_what_the_loader_refuses_for_its_shape() {
    let head = "name: s\nsteps:\n  - name: a\n    request:\n      path: x\n";
    let bad = [
        format!("{head}      headrs: {{}}\n"),
        "name: s\nstep: []\n".to_string(),
        format!("{head}    expect:\n      status: 999\n"),
        format!("{head}    expect:\n      status: []\n"),
        format!("{head}      method: FETCH\n"),
        format!("{head}    capture:\n      t: {{ selct: /a }}\n"),
        format!("{head}    expect:\n      body:\n        - select: /a\n          count: many\n"),
        "steps: []\n".to_string(),
        format!("{head}    expect:\n      headers:\n        X: {{ equal: y }}\n"),
        format!("{head}requires:\n  capability: [x]\n"),
        format!("{head}matrix:\n  api: latest\n"),
        format!("{head}matrix:\n  who:\n    - {{ user: x }}\n"),
        format!("{head}    use: logon\n    whith: {{}}\n"),
    ];
    let docs: Vec<&str> = bad.iter().map(String::as_str).collect();
    for (doc, verdict) in docs.iter().zip(validate(SchemaKind::Scenario, &docs)) {
        assert_ne!(verdict, "ok", "the schema accepts:\n{doc}");
    }
    // The loader refuses each of them too.
    let dir = tempfile::tempdir().unwrap();
    for doc in &docs {
        let path = dir.path().join("test/s.yaml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, doc).unwrap();
        let loaded = sessionconf::scenario::load_trials(&path, "test", dir.path(), false);
        assert!(loaded.is_err(), "the loader accepts:\n{doc}");
    }
    let fragment_bad = [
        "params: []\nsteps: []\n",
        "stesp: []\n",
        "steps:\n  - name: a\n    request: { path: x }\nfinaly: []\n",
    ];
    for (doc, verdict) in fragment_bad
        .iter()
        .zip(validate(SchemaKind::Fragment, &fragment_bad))
    {
        assert_ne!(verdict, "ok", "the fragment schema accepts:\n{doc}");
    }
}
