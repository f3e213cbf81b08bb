//! `sessionconf serve`: the reference server until Ctrl-C.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::run::{ClientOptions, RunOptions};
use crate::server::Profile;

use super::args::*;
use super::usage;

/// The faults and variants `--fault` and `--variant` name, each checked to
/// exist in `dialect`'s server. An unknown name is refused with every name
/// there is and what each does, since a name alone says little.
fn break_and_vary(
    args: &ServeArgs,
    dialect: crate::server::Dialect,
    options: &mut crate::server::ServerOptions,
) -> Result<(), String> {
    use crate::server::{Fault, Variant};
    for name in &args.faults {
        match Fault::parse(name) {
            Some(f) if f.applies_to(dialect) => options.faults.push(f),
            _ => {
                let listed = fault_list(dialect);
                return Err(format!(
                    "--fault {name}: no such fault of {}; the faults are:\n{}",
                    dialect.name(),
                    listed.trim_end()
                ));
            }
        }
    }
    for name in &args.variants {
        match Variant::parse(name) {
            Some(v) if v.applies_to(dialect) => v.apply(options),
            _ => {
                let listed = variant_list(dialect);
                return Err(format!(
                    "--variant {name}: no such variant of {}; the variants are:\n{}",
                    dialect.name(),
                    listed.trim_end()
                ));
            }
        }
    }
    Ok(())
}

/// `dialect`'s faults, a line each: the name, what it breaks, and the
/// requirement it departs from.
pub(crate) fn fault_list(dialect: crate::server::Dialect) -> String {
    let faults = crate::server::Fault::ALL.iter().filter_map(|f| {
        let id = f.breaks(dialect)?;
        Some((f.name(), format!("{} (breaks {id})", f.describe())))
    });
    aligned(faults.collect())
}

/// `dialect`'s variants, a line each: the name and what it changes.
pub(crate) fn variant_list(dialect: crate::server::Dialect) -> String {
    let variants = crate::server::Variant::ALL
        .iter()
        .filter(|v| v.applies_to(dialect))
        .map(|v| (v.name(), v.describe().to_string()));
    aligned(variants.collect())
}

/// `  NAME  TEXT` lines, the texts in one column.
fn aligned(rows: Vec<(&str, String)>) -> String {
    let width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(name, text)| format!("  {name:width$}  {text}\n"))
        .collect()
}

/// `serve --fault list` or `--variant list`: what there is, on stdout.
fn listing(args: &ServeArgs, dialect: crate::server::Dialect) -> Option<String> {
    let asked = |names: &[String]| names.iter().any(|n| n == "list");
    let mut out = String::new();
    if asked(&args.faults) {
        out.push_str(&format!(
            "faults of {}:\n{}",
            dialect.name(),
            fault_list(dialect)
        ));
    }
    if asked(&args.variants) {
        out.push_str(&format!(
            "variants of {}:\n{}",
            dialect.name(),
            variant_list(dialect)
        ));
    }
    (!out.is_empty()).then_some(out)
}

pub(crate) fn serve(args: ServeArgs) -> u8 {
    use crate::server::{start, ServerOptions};
    let (dialect, profile) = match serve_profile(&args) {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    if let Some(list) = listing(&args, dialect) {
        print!("{list}");
        return 0;
    }
    let mut options = ServerOptions::new(dialect);
    options.profile = profile;
    options.delay = args.delay_ms.map(Duration::from_millis);
    options.company = match args.company.company() {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    if let Some(secs) = args.idle_timeout {
        options.idle_timeout = Duration::from_secs(secs);
    }
    if let Err(e) = break_and_vary(&args, dialect, &mut options) {
        return usage(e);
    }
    if args.prefix.is_some() {
        options.style.prefix = args.prefix;
    }
    options.style.indent |= args.indent;
    options.style.reverse_attributes |= args.reverse_attributes;
    options.style.schema_namespaces |= args.reverse_attributes;
    options.style.extra_links |= args.extra_links;
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        let read = |p: &PathBuf| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
        let files = (|| -> Result<_, String> {
            Ok(crate::server::TlsFiles {
                cert_pem: read(cert)?,
                key_pem: read(key)?,
                client_ca_pem: args.client_ca.as_ref().map(read).transpose()?,
            })
        })();
        match files {
            Ok(f) => options.tls = Some(f),
            Err(e) => return usage(e),
        }
    }
    let server = match start(dialect, options, args.bind) {
        Ok(s) => s,
        Err(e) => return usage(format!("cannot serve on {}: {e}", args.bind)),
    };
    println!("{}", server.base_url());
    eprintln!(
        "serving the {} reference server as {}; Ctrl-C stops it",
        dialect.name(),
        profile.name()
    );
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return usage(format!("cannot wait for signals: {e}")),
    };
    runtime.block_on(wait_for_stop());
    drop(server);
    eprintln!("stopped");
    0
}

/// The dialect and profile `serve` plays: `--profile` implies the dialect.
pub(crate) fn serve_profile(args: &ServeArgs) -> Result<(crate::server::Dialect, Profile), String> {
    use crate::server::Dialect;
    let profile = args.profile.as_deref().map(|name| {
        Profile::parse(name).ok_or_else(|| {
            let all: Vec<_> = Profile::ALL.iter().map(|p| p.name()).collect();
            format!("--profile {name}: expected one of {}", all.join(", "))
        })
    });
    let profile = profile.transpose()?;
    let dialect = match (&args.dialect, profile) {
        (Some(name), _) => Dialect::parse(name).ok_or_else(|| {
            let names: Vec<_> = Dialect::ALL.iter().map(|d| d.name()).collect();
            format!("--dialect {name}: expected one of {}", names.join(", "))
        })?,
        (None, Some(p)) => p.dialect(),
        (None, None) => return Err("serve needs --dialect or --profile".into()),
    };
    match profile {
        Some(p) if p.dialect() != dialect => Err(format!(
            "--profile {} plays {}, not {}",
            p.name(),
            p.dialect().name(),
            dialect.name()
        )),
        Some(p) => Ok((dialect, p)),
        None => Ok((dialect, Profile::newest(dialect))),
    }
}

/// Ctrl-C, or SIGTERM where there is one.
pub(crate) async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

pub(crate) fn options(
    url: reqwest::Url,
    client: &ClientOptions,
    bless: bool,
    interrupted: &Arc<std::sync::atomic::AtomicBool>,
) -> Arc<RunOptions> {
    let mut options = RunOptions::new(url);
    options.client = client.clone();
    options.bless = bless;
    options.interrupted = interrupted.clone();
    Arc::new(options)
}
