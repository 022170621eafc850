//! `statusref serve` as an author uses it: pages served, traversal refused, live reload, and a
//! failed rebuild that keeps the last good site while showing its error.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

struct Server {
    child: Child,
    addr: String,
    /// The server's TMPDIR: its private folder is made in here.
    tmp: tempfile::TempDir,
}

impl Server {
    /// The folder the server builds into and serves from.
    fn served(&self) -> std::path::PathBuf {
        let folders: Vec<_> = std::fs::read_dir(self.tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        assert_eq!(folders.len(), 1, "one private folder: {folders:?}");
        let name = folders[0]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(name.starts_with("statusref-serve-"), "{name}");
        folders[0].join("site")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &std::path::Path) -> Server {
    start_with(root, &[])
}

fn start_with(root: &std::path::Path, args: &[&str]) -> Server {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_statusref"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .args(args)
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    assert!(
        addr.starts_with("127.0.0.1:"),
        "binds 127.0.0.1 by default: {addr}"
    );
    Server { child, addr, tmp }
}

/// Sends a request with the path exactly as given (no client normalises it) and returns the
/// status and body.
fn get(server: &Server, path: &str) -> (u16, String) {
    let response = raw(server, &format!("GET {path} HTTP/1.1"));
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|x| x.1.to_string())
        .unwrap_or_default();
    (status, body)
}

/// The Location header of the answer to `path`.
fn location(server: &Server, path: &str) -> String {
    let response = raw(server, &format!("GET {path} HTTP/1.1"));
    response
        .lines()
        .find_map(|l| l.strip_prefix("location: "))
        .unwrap_or_else(|| panic!("no redirect for {path}: {response}"))
        .to_string()
}

/// A connection that holds the live-reload event stream open, as an open page does.
fn open_events(server: &Server) -> TcpStream {
    let mut events = TcpStream::connect(&server.addr).unwrap();
    write!(
        events,
        "GET /__statusref/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr
    )
    .unwrap();
    events
}

/// The whole answer to a request line, headers and body.
fn raw(server: &Server, request_line: &str) -> String {
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{request_line}\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        server.addr
    )
    .unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serves_the_site_and_nothing_outside_it() {
    let site = fixture_copy();
    let server = start(site.path());
    let (status, body) = get(&server, "/ftp/211-vs-503/");
    assert_eq!(status, 200);
    assert!(body.contains("<h1>FTP 211 System Status vs 503 Bad Sequence of Commands</h1>"));
    assert!(body.contains("EventSource"), "pages get the reload script");
    assert_eq!(get(&server, "/ftp/503").0, 301);
    // A redirect stays on the site, however the path is spelled.
    for path in ["//ftp", "///ftp", "/%2Fftp", "//ftp/503"] {
        let location = location(&server, path);
        assert!(
            location.starts_with('/') && !location.starts_with("//"),
            "{path} redirects to {location}"
        );
    }
    fs_secret(site.path(), &server);
    for path in [
        "/../secret.txt",
        "/ftp/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/ftp/%2e%2e/%2e%2e/secret.txt",
        "/..%5csecret.txt",
        "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd",
        "/leak.txt",
        "/leak-dir/secret.txt",
    ] {
        let (status, body) = get(&server, path);
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("top secret"), "{path} leaked");
    }
    let (status, body) = get(&server, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));
    // Only GET and HEAD are answered; a static file comes with its type and length.
    let answer = raw(&server, "POST /ftp/503/ HTTP/1.1");
    assert!(answer.starts_with("HTTP/1.1 405"), "{answer}");
    assert!(
        answer.to_lowercase().contains("allow: get, head"),
        "{answer}"
    );
    let css = raw(&server, "GET /style.css HTTP/1.1");
    assert!(css.starts_with("HTTP/1.1 200"), "{css}");
    assert!(
        css.to_lowercase().contains("content-type: text/css"),
        "{css}"
    );
    let head = raw(&server, "HEAD /favicon.ico HTTP/1.1");
    assert!(
        head.starts_with("HTTP/1.1 200") && head.to_lowercase().contains("content-length:"),
        "{head}"
    );
}

/// A secret beside the site, and symlinks inside the served folder that lead to it.
fn fs_secret(site: &std::path::Path, server: &Server) {
    std::fs::write(site.join("secret.txt"), "top secret").unwrap();
    let served = server.served();
    assert!(served.join("index.html").is_file(), "{}", served.display());
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(site.join("secret.txt"), served.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(site, served.join("leak-dir")).unwrap();
    }
}

#[test]
fn reloads_on_change_and_keeps_the_last_good_site_on_failure() {
    let site = fixture_copy();
    let server = start(site.path());
    let events = open_events(&server);
    events
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut events = BufReader::new(events);
    let next_reload = |events: &mut BufReader<TcpStream>| {
        let mut line = String::new();
        loop {
            line.clear();
            assert!(
                events.read_line(&mut line).unwrap() > 0,
                "event stream ended"
            );
            if line.trim() == "event: reload" {
                return;
            }
        }
    };

    let code = site.path().join("content/ftp/214.md");
    let text = std::fs::read_to_string(&code).unwrap();
    std::fs::write(
        &code,
        text.replace(
            "The server answers a request for help.",
            "The server answers a request for help right away.",
        ),
    )
    .unwrap();
    next_reload(&mut events);
    wait_for("the edit to be served", || {
        get(&server, "/ftp/214/").1.contains("help right away")
    });

    std::fs::write(
        &code,
        text.replace("status = \"standard\"", "status = standard\""),
    )
    .unwrap();
    next_reload(&mut events);
    wait_for("the error overlay", || {
        get(&server, "/ftp/214/")
            .1
            .contains("statusref-build-error")
    });
    let (status, body) = get(&server, "/ftp/214/");
    assert_eq!(status, 200, "the last good page is still served");
    assert!(body.contains("help right away"));
    assert!(body.contains("214.md:5:"), "the error names file and line");

    std::fs::write(&code, &text).unwrap();
    next_reload(&mut events);
    wait_for("the overlay to go", || {
        !get(&server, "/ftp/214/")
            .1
            .contains("statusref-build-error")
    });
}

#[test]
fn ctrl_c_stops_it_with_a_page_open_and_removes_its_folder() {
    let site = fixture_copy();
    let mut server = start(site.path());
    assert!(server.served().join("index.html").is_file());
    // An open page holds its event stream open.
    let _events = open_events(&server);
    std::thread::sleep(Duration::from_millis(300));
    let interrupted = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still running 10 s after Ctrl-C with a page open"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    let left: Vec<_> = std::fs::read_dir(server.tmp.path())
        .unwrap()
        .flatten()
        .collect();
    assert!(left.is_empty(), "its folder was not removed: {left:?}");
}

#[test]
fn a_connection_that_never_finishes_its_headers_is_closed() {
    let site = fixture_copy();
    let server = start_with(site.path(), &["--header-timeout", "1"]);
    let mut slow = TcpStream::connect(&server.addr).unwrap();
    write!(slow, "GET / HTTP/1.1\r\nHost: {}\r\n", server.addr).unwrap();
    // Generous: the server closes after 1 s; only a server that never closes waits out 15 s.
    slow.set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    let mut buf = [0u8; 512];
    let closed = match slow.read(&mut buf) {
        Ok(_) => true,
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
    };
    assert!(closed, "the half-sent request is still held open");
    // Requests that arrive whole are served as before.
    assert_eq!(get(&server, "/ftp/").0, 200);
}

#[test]
fn a_deleted_output_folder_is_built_again_on_the_next_request() {
    let site = fixture_copy();
    let server = start(site.path());
    std::fs::remove_dir_all(server.served()).unwrap();
    let (status, body) = get(&server, "/ftp/214/");
    assert_eq!(status, 200, "{body}");
    assert!(server.served().join("ftp/214/index.html").is_file());
}

#[test]
fn a_content_folder_moved_away_and_copied_back_is_still_watched() {
    let site = fixture_copy();
    let server = start(site.path());
    let content = site.path().join("content");
    let aside = site.path().join("content-aside");
    std::fs::rename(&content, &aside).unwrap();
    copy_dir(&aside, &content);
    std::fs::remove_dir_all(&aside).unwrap();
    // The rebuild after the swap settles before the edit that must be seen.
    wait_for("the swapped content to build", || {
        get(&server, "/ftp/214/").0 == 200
    });
    std::thread::sleep(Duration::from_millis(500));
    let code = content.join("ftp/214.md");
    let text = std::fs::read_to_string(&code).unwrap();
    std::fs::write(
        &code,
        text.replace(
            "The server answers a request for help.",
            "The server answers a request for help after the swap.",
        ),
    )
    .unwrap();
    wait_for("the edit in the new folder to be served", || {
        get(&server, "/ftp/214/").1.contains("after the swap")
    });
}
