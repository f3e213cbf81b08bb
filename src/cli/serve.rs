//! `sessionconf serve`: the reference server until Ctrl-C.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::run::{ClientOptions, RunOptions};
use crate::server::Profile;

use super::args::*;
use super::usage;

/// The faults and variants `--fault` and `--variant` name, each checked to
/// exist in `dialect`'s server.
fn break_and_vary(
    args: &ServeArgs,
    dialect: crate::server::Dialect,
    options: &mut crate::server::ServerOptions,
) -> Result<(), String> {
    use crate::server::{Fault, Variant};
    let expected = |names: Vec<&str>| format!("expected one of {}", names.join(", "));
    for name in &args.faults {
        match Fault::parse(name) {
            Some(f) if f.applies_to(dialect) => options.faults.push(f),
            _ => {
                let names = Fault::ALL.iter().filter(|f| f.applies_to(dialect));
                let names = expected(names.map(|f| f.name()).collect());
                return Err(format!("--fault {name}: {names}"));
            }
        }
    }
    for name in &args.variants {
        match Variant::parse(name) {
            Some(v) if v.applies_to(dialect) => v.apply(options),
            _ => {
                let names = Variant::ALL.iter().filter(|v| v.applies_to(dialect));
                let names = expected(names.map(|v| v.name()).collect());
                return Err(format!("--variant {name}: {names}"));
            }
        }
    }
    Ok(())
}

pub(crate) fn serve(args: ServeArgs) -> u8 {
    use crate::server::{start, ServerOptions};
    let (dialect, profile) = match serve_profile(&args) {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
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
