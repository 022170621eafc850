//! Serve: the authoring loop — build, serve over HTTP, rebuild on change, reload open pages.
//!
//! The site is built into a private folder and served from there with a live-reload script added
//! to each HTML response (never to the files). A failed rebuild leaves the last good site in place
//! (the build never touches its output before the content is valid) and shows the error over every
//! page and in the terminal. Only files inside the output folder are served: `..` segments, their
//! percent-encoded forms and symlinks that lead out all get 404. Pages are read to add the
//! script; every other file is streamed by tower-http's ServeDir. Not for: production hosting.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use notify::{RecursiveMode, Watcher};
use tokio::sync::{broadcast, mpsc};
use tokio_stream::Stream;
use tokio_stream::StreamExt as _;
use tokio_stream::wrappers::BroadcastStream;
use tower::ServiceExt as _;
use tower_http::services::ServeDir;

use crate::error::{Error, Result};
use crate::render::LinkStyle;
use crate::site::{self, BuildOptions};

/// Where the reload events stream from; no page of a site can have this path.
const EVENTS_PATH: &str = "/__statusref/events";
/// Changes closer together than this are built once.
const SETTLE: Duration = Duration::from_millis(150);

pub struct ServeOptions {
    pub root: PathBuf,
    pub addr: SocketAddr,
    /// How long a connection may take to send a request's headers before it is closed, so that
    /// slow or idle connections cannot pile up.
    pub header_timeout: Duration,
}

struct Shared {
    /// How the site is built; its `out` is the folder served.
    build: BuildOptions,
    /// Held while a build runs, so that a rebuild asked for by a request and one asked for by a
    /// change never write the folder at once.
    building: tokio::sync::Mutex<()>,
    /// The last build's error, shown over every page until a build succeeds.
    error: Mutex<Option<String>>,
    reloads: broadcast::Sender<Signal>,
}

/// What open pages are told over their event stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signal {
    Reload,
    /// The server is stopping: the stream ends, so that it does not hold the shutdown up.
    Stop,
}

/// How long connections get to finish once Ctrl-C is pressed.
const GRACE: Duration = Duration::from_secs(2);

/// Builds, serves and watches until Ctrl-C. `on_ready` gets the bound address (the port may have
/// been 0) once the server accepts connections.
pub fn serve(
    options: ServeOptions,
    on_ready: impl FnOnce(SocketAddr) + Send + 'static,
) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Error::io("cannot start the server", &options.root, e))?;
    runtime.block_on(run(options, on_ready))
}

async fn run(options: ServeOptions, on_ready: impl FnOnce(SocketAddr)) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(options.addr)
        .await
        .map_err(|e| {
            Error::io(
                format!("cannot listen on {}:", options.addr),
                &options.root,
                e,
            )
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::io("cannot listen", &options.root, e))?;
    // A private folder of its own, removed when the server stops: never one that exists already.
    let folder = tempfile::Builder::new()
        .prefix("statusref-serve-")
        .tempdir()
        .map_err(|e| Error::io("cannot create a folder in", &std::env::temp_dir(), e))?;
    let build = BuildOptions {
        root: options.root.clone(),
        out: folder.path().join("site"),
        base_url: Some(format!("http://{addr}")),
        links: LinkStyle::Directory,
        bundle: false,
    };
    let (reloads, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        build,
        building: tokio::sync::Mutex::new(()),
        error: Mutex::new(None),
        reloads,
    });
    rebuild(&shared).await;

    let (changed_tx, changed_rx) = mpsc::channel(64);
    let watcher = watch(&options.root, changed_tx)?;
    tokio::spawn(rebuild_on_change(watcher, shared.clone(), changed_rx));

    let app = Router::new()
        .route(EVENTS_PATH, get(events))
        .fallback(file)
        .with_state(shared.clone());
    on_ready(addr);
    let (stop, stopping) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        let _ = shared.reloads.send(Signal::Stop);
        let _ = stop.send(true);
    });
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    let server = accept(listener, app, options.header_timeout, stopping.clone());
    let result = tokio::select! {
        () = server => Ok(()),
        // A connection that does not finish in time is dropped.
        () = async { stopped(stopping).await; tokio::time::sleep(GRACE).await } => Ok(()),
    };
    drop(folder);
    result
}

/// Serves each connection until `stopping`, then lets open ones finish. Written out instead of
/// `axum::serve` because that sets no timer, and without one hyper applies no header timeout.
async fn accept(
    listener: tokio::net::TcpListener,
    app: Router,
    header_timeout: Duration,
    mut stopping: tokio::sync::watch::Receiver<bool>,
) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, say: wait a moment rather than spin.
                Err(_) => { tokio::time::sleep(Duration::from_millis(50)).await; continue; }
            },
            () = async { let _ = stopping.wait_for(|s| *s).await; } => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let mut stop = stopping.clone();
        connections.spawn(async move {
            let mut builder = Builder::new(TokioExecutor::new());
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                () = async { let _ = stop.wait_for(|s| *s).await; } => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
    }
    while connections.join_next().await.is_some() {}
}

/// Watches the folders a site is made from. The notify callback runs on its own thread; it only
/// passes a signal on. Reading a file is not a change: the build itself reads every input.
fn watch(root: &Path, changed: mpsc::Sender<()>) -> Result<notify::RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|e| !e.kind.is_access()) {
            let _ = changed.try_send(());
        }
    })
    .map_err(|e| Error::io("cannot watch", root, std::io::Error::other(e)))?;
    for dir in crate::write::INPUT_FOLDERS {
        let path = root.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| Error::io("cannot watch", &path, std::io::Error::other(e)))?;
        }
    }
    // A templates/ or static/ folder created later shows up here; the next rebuild reads it.
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| Error::io("cannot watch", root, std::io::Error::other(e)))?;
    Ok(watcher)
}

/// Rebuilds once per burst of changes: changes closer together than [`SETTLE`] are built once.
async fn rebuild_on_change(
    mut watcher: notify::RecommendedWatcher,
    shared: Arc<Shared>,
    mut changed: mpsc::Receiver<()>,
) {
    while changed.recv().await.is_some() {
        tokio::time::sleep(SETTLE).await;
        while changed.try_recv().is_ok() {}
        rewatch(&mut watcher, &shared.build.root);
        rebuild(&shared).await;
    }
}

/// Watches each input folder afresh. A folder moved away and copied back (as an editor or `git
/// checkout` may do) is a new folder, and the watch on the old one would see nothing more.
fn rewatch(watcher: &mut notify::RecommendedWatcher, root: &Path) {
    for dir in crate::write::INPUT_FOLDERS {
        let path = root.join(dir);
        let _ = watcher.unwatch(&path);
        if path.is_dir()
            && let Err(err) = watcher.watch(&path, RecursiveMode::Recursive)
        {
            eprintln!("cannot watch {}: {err}", path.display());
        }
    }
}

async fn rebuild(shared: &Arc<Shared>) {
    let _building = shared.building.lock().await;
    let options = shared.build.clone();
    let result = tokio::task::spawn_blocking(move || site::build(&options)).await;
    let error = match result {
        Ok(Ok(report)) => {
            eprintln!("{report}");
            None
        }
        Ok(Err(err)) => {
            eprintln!("{err}\nstill serving the last good build");
            Some(err.to_string())
        }
        Err(panic) => Some(format!("the build stopped unexpectedly: {panic}")),
    };
    if let Ok(mut slot) = shared.error.lock() {
        *slot = error;
    }
    let _ = shared.reloads.send(Signal::Reload);
}

async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl Stream<Item = std::result::Result<Event, Infallible>>> {
    let stream = BroadcastStream::new(shared.reloads.subscribe())
        .take_while(|message| !matches!(message, Ok(Signal::Stop)))
        .filter_map(|message| {
            message
                .ok()
                .map(|_| Ok(Event::default().event("reload").data("reload")))
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn file(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    // The output folder was deleted under the server: build it again rather than answer 404.
    if !shared.build.out.is_dir() {
        rebuild(&shared).await;
    }
    let uri = request.uri().clone();
    let Some(rel) = safe_relative_path(uri.path()) else {
        return not_found(&shared).await;
    };
    let mut path = shared.build.out.join(&rel);
    if path.is_dir() {
        if !uri.path().ends_with('/') {
            // Relative links on a folder page only work from its URL with the slash. Built from
            // the checked path, never the raw one: `//host` would send the browser elsewhere.
            let mut location = String::from("/");
            for part in rel.iter() {
                location.push_str(&part.to_string_lossy());
                location.push('/');
            }
            return (
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, location)],
            )
                .into_response();
        }
        path.push("index.html");
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    if !is_inside(&shared.build.out, &path).await {
        return not_found(&shared).await;
    }
    if path.extension().is_some_and(|e| e == "html") {
        return match tokio::fs::read(&path).await {
            Ok(bytes) => respond(&shared, &path, bytes, StatusCode::OK),
            Err(_) => not_found(&shared).await,
        };
    }
    // Any other file is streamed from disk, with its type, length and ranges.
    let (parts, _) = request.into_parts();
    let request = Request::from_parts(parts, Body::empty());
    match ServeDir::new(&shared.build.out).oneshot(request).await {
        Ok(response) if response.status() != StatusCode::NOT_FOUND => {
            let mut response = response.map(Body::new);
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        _ => not_found(&shared).await,
    }
}

/// The request path as a relative path with no way up: `None` for `..`, `.`, backslashes, NUL
/// or bytes that are not UTF-8, however they were encoded.
pub fn safe_relative_path(raw: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut rel = PathBuf::new();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        let mut parts = Path::new(segment).components();
        match (parts.next(), parts.next()) {
            (Some(Component::Normal(part)), None) => rel.push(part),
            _ => return None,
        }
    }
    Some(rel)
}

/// Whether `path` is a file that, with every symlink followed, is still inside `root`.
async fn is_inside(root: &Path, path: &Path) -> bool {
    let (Ok(root), Ok(real)) = (
        tokio::fs::canonicalize(root).await,
        tokio::fs::canonicalize(path).await,
    ) else {
        return false;
    };
    real.starts_with(&root) && tokio::fs::metadata(&real).await.is_ok_and(|m| m.is_file())
}

async fn not_found(shared: &Arc<Shared>) -> Response {
    let page = shared.build.out.join("404.html");
    let bytes = match is_inside(&shared.build.out, &page).await {
        true => tokio::fs::read(&page).await.ok(),
        false => None,
    };
    match bytes {
        Some(bytes) => respond(shared, &page, bytes, StatusCode::NOT_FOUND),
        None => respond(
            shared,
            &page,
            b"<!DOCTYPE html><title>Not found</title><body><h1>Not found</h1></body>".to_vec(),
            StatusCode::NOT_FOUND,
        ),
    }
}

fn respond(shared: &Shared, path: &Path, bytes: Vec<u8>, status: StatusCode) -> Response {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let content_type = mime_guess::from_path(path).first_or_octet_stream();
    let body = if ext == "html" {
        let error = shared.error.lock().ok().and_then(|e| e.clone());
        with_live_reload(bytes, error.as_deref())
    } else {
        bytes
    };
    let mut response = (status, body).into_response();
    let content_type = if content_type.type_() == mime_guess::mime::TEXT {
        format!("{}; charset=utf-8", content_type.essence_str())
    } else {
        content_type.essence_str().to_string()
    };
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Adds the reload script, and the build error if there is one, before `</body>`.
fn with_live_reload(html: Vec<u8>, error: Option<&str>) -> Vec<u8> {
    let mut snippet = String::new();
    if let Some(error) = error {
        let escaped = error
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        snippet.push_str(&format!(
            "<div id=\"statusref-build-error\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:9;background:#fff3f3;color:#5c0000;border-top:4px solid #b00020;padding:1rem;font:14px/1.4 ui-monospace,monospace\"><strong>The last build failed; this is the last good version.</strong><pre style=\"white-space:pre-wrap;margin:.5rem 0 0\">{escaped}</pre></div>"
        ));
    }
    snippet.push_str(&format!(
        "<script>new EventSource(\"{EVENTS_PATH}\").addEventListener(\"reload\",function(){{location.reload()}});</script>"
    ));
    let text = String::from_utf8_lossy(&html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{snippet}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{snippet}").into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_never_lead_up() {
        assert_eq!(
            safe_relative_path("/ftp/503/"),
            Some(PathBuf::from("ftp/503"))
        );
        assert_eq!(safe_relative_path("/"), Some(PathBuf::new()));
        for bad in [
            "/../Cargo.toml",
            "/ftp/../../x",
            "/%2e%2e/x",
            "/%2E%2E%2Fx",
            "/ftp/%2e%2e%2f%2e%2e/x",
            "/a%5c..%5cx",
            "/./x",
            "/%00",
            "/%ff",
        ] {
            assert_eq!(safe_relative_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_reload_script_goes_before_the_body_ends() {
        let html = with_live_reload(
            b"<html><body><p>x</p></body></html>".to_vec(),
            Some("bad <input>"),
        );
        let html = String::from_utf8(html).unwrap();
        assert!(html.ends_with("</script></body></html>"));
        assert!(html.contains("bad &lt;input&gt;"));
    }
}
