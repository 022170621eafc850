//! The pages of a build, rendered once each for both link styles: the output folder gets each
//! page in its own style, the offline bundle in file style, compressed on every core and added
//! in page order. Not for: what a page says (see `render`), how a file is written (see `write`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

use super::{BUNDLE_DIR, Progress};
use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::render::{LinkStyle, PageList, PageRef, Renderer};
use crate::write::{Output, archive};

/// Pages render and compress in parallel this many at a time, then enter the bundle in order:
/// memory holds one such chunk of compressed pages at most.
const CHUNK: usize = 256;

/// What every pass over the pages shares. `renderer` renders for both link styles.
pub struct Pages<'a> {
    pub renderer: &'a Renderer<'a>,
    pub catalog: &'a Catalog,
    pub list: &'a PageList,
    /// The output folder and its link style; `None` when only the bundle is made.
    pub output: Option<(&'a Output, LinkStyle)>,
    /// Pages made only of inputs unchanged since the last build, whose file is in place.
    pub kept: &'a (dyn Fn(usize) -> bool + Sync),
    pub progress: &'a dyn Progress,
}

impl Pages<'_> {
    /// Writes every page but those kept and, `with_home` false, the home page, which waits
    /// for the bundle's size. Pages new to the output go first, then the ones that replace old
    /// versions: a build stopped at any moment leaves every old page in place and linking only
    /// to pages that exist. The bundle takes every page in page order, so one pass serves both
    /// unless the build has new pages and pages to replace. Returns how many pages were not
    /// rendered.
    pub fn write(&self, with_home: bool, bundle: Option<&mut Bundle>) -> Result<usize> {
        let Some((output, _)) = self.output else {
            return self.pass(0..self.list.len(), &|_| None, bundle);
        };
        let n = self.list.len();
        let is_new: Vec<bool> = if output.was_empty() {
            vec![true; n]
        } else {
            (0..n)
                .into_par_iter()
                .map(|i| {
                    let path = self.list.get(i).output_path(self.catalog);
                    !(self.kept)(i) && !output.root().join(path).exists()
                })
                .collect()
        };
        let to_output = |i: usize| -> Option<bool> {
            let home = self.list.get(i) == PageRef::Home;
            (!(self.kept)(i) && (with_home || !home)).then_some(is_new[i])
        };
        self.progress.start(n);
        for _ in (0..n).filter(|&i| to_output(i).is_none()) {
            self.progress.advance();
        }
        let new_pages = || (0..n).filter(|&i| is_new[i]);
        let any_new = new_pages().next().is_some();
        let any_replaced = (0..n).any(|i| to_output(i) == Some(false));
        let not_rendered = if bundle.is_some() && !(any_new && any_replaced) {
            self.pass(0..n, &to_output, bundle)?
        } else {
            self.pass(new_pages(), &to_output, None)?;
            let replaced = |i: usize| to_output(i).filter(|&new| !new);
            match bundle {
                Some(bundle) => self.pass(0..n, &replaced, Some(bundle))?,
                None => self.pass((0..n).filter(|&i| !is_new[i]), &replaced, None)?,
            }
        };
        self.progress.finish();
        Ok(not_rendered)
    }

    /// Writes the home page alone, in the output's style: last, once the renderer links the
    /// bundle whose size it gives.
    pub fn write_home(&self) -> Result<()> {
        let Some((output, _)) = self.output else {
            return Ok(());
        };
        let i = PageList::HOME;
        let path = self.list.get(i).output_path(self.catalog);
        let new = !output.root().join(path).exists();
        // The pass that left it out counted it already.
        let quiet = Pages {
            progress: &super::Silent,
            ..*self
        };
        let mut buffers = (Vec::new(), Vec::new());
        (quiet.render(i, (&mut buffers.0, &mut buffers.1), Some(new), false)).map(|_| ())
    }

    /// Renders the pages of `indices`, in order a chunk at a time, each at most once: into the
    /// output if `write` says so (`Some(true)` for a file not there yet), and into the bundle
    /// unless its previous entry can be copied. Returns how many pages neither needed.
    fn pass(
        &self,
        indices: impl Iterator<Item = usize> + Clone + Send,
        write: &(dyn Fn(usize) -> Option<bool> + Sync),
        mut bundle: Option<&mut Bundle>,
    ) -> Result<usize> {
        let new_ones = indices.clone().filter(|&i| write(i) == Some(true));
        let taken = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| {
            // New pages: one thread makes their folders, in the order the writers take the
            // pages, so that the writers do not queue at the lock of the protocol's folder
            // that holds them all.
            if let Some((output, _)) = self.output
                && new_ones.clone().next().is_some()
            {
                let (taken, stop) = (&taken, &stop);
                let path = |i: usize| self.list.get(i).output_path(self.catalog);
                scope.spawn(move || output.make_folders_ahead(new_ones, path, taken, stop));
            }
            let mut indices = indices;
            let mut not_rendered = Ok(0);
            loop {
                let chunk: Vec<usize> = indices.by_ref().take(CHUNK).collect();
                if chunk.is_empty() {
                    break;
                }
                let new = chunk.iter().filter(|&&i| write(i) == Some(true)).count();
                taken.fetch_add(new, Ordering::Relaxed);
                match self.chunk(&chunk, write, bundle.as_deref_mut()) {
                    Ok(n) => not_rendered = not_rendered.map(|sum| sum + n),
                    Err(e) => {
                        not_rendered = Err(e);
                        break;
                    }
                }
            }
            stop.store(true, Ordering::Relaxed);
            not_rendered
        })
    }

    /// One chunk of a pass: its pages rendered and written in parallel, then added to the
    /// bundle in order. Returns how many pages were not rendered.
    fn chunk(
        &self,
        chunk: &[usize],
        write: &(dyn Fn(usize) -> Option<bool> + Sync),
        mut bundle: Option<&mut Bundle>,
    ) -> Result<usize> {
        let packing = bundle.is_some();
        let names: Vec<String> = match packing {
            true => chunk.iter().map(|&i| self.bundle_name(i)).collect(),
            false => Vec::new(),
        };
        let copies: Vec<Option<archive::CentralEntry>> = match bundle.as_deref_mut() {
            Some(bundle) => (chunk.iter().zip(&names))
                .map(|(&i, name)| bundle.reusable(i, name))
                .collect(),
            None => vec![None; chunk.len()],
        };
        let packed: Vec<Option<archive::Packed>> = chunk
            .par_iter()
            .zip(&copies)
            .map_init(
                || (Vec::with_capacity(64 * 1024), Vec::with_capacity(64 * 1024)),
                |(marked, page), (&i, copy)| {
                    let pack = packing && copy.is_none();
                    self.render(i, (marked, page), write(i), pack)
                },
            )
            .collect::<Result<_>>()?;
        let not_rendered = (chunk.iter().zip(&copies))
            .filter(|&(&i, copy)| write(i).is_none() && (!packing || copy.is_some()))
            .count();
        if let Some(bundle) = bundle {
            (names.iter().zip(copies).zip(packed))
                .try_for_each(|((name, copy), packed)| bundle.put(name, copy, packed))?;
        }
        Ok(not_rendered)
    }

    /// Renders page `i` once, if anything needs it: writes it to the output in the output's
    /// style (`write`: whether it is new there), and returns it compressed in file style if
    /// `pack`.
    fn render(
        &self,
        i: usize,
        (marked, page): (&mut Vec<u8>, &mut Vec<u8>),
        write: Option<bool>,
        pack: bool,
    ) -> Result<Option<archive::Packed>> {
        if write.is_none() && !pack {
            return Ok(None);
        }
        marked.clear();
        self.renderer.render(self.list.get(i), marked)?;
        if let (Some(new), Some((output, style))) = (write, self.output) {
            page.clear();
            self.renderer.expand(marked, style, page);
            let path = self.list.get(i).output_path(self.catalog);
            if new {
                output.put_new(&path, page)?;
            } else {
                output.put(&path, page)?;
            }
            self.progress.advance();
        }
        if !pack {
            return Ok(None);
        }
        page.clear();
        self.renderer.expand(marked, LinkStyle::File, page);
        Ok(Some(archive::deflate(page)))
    }

    fn bundle_name(&self, i: usize) -> String {
        format!(
            "{BUNDLE_DIR}/{}",
            self.list.get(i).output_path(self.catalog)
        )
    }
}

/// The offline bundle being written, and the previous one to copy unchanged pages from.
pub struct Bundle<'a> {
    zip: archive::Writer,
    reuse: Option<Reuse<'a>>,
    path: PathBuf,
}

impl<'a> Bundle<'a> {
    /// A bundle written into `temp`, copying from the previous bundle `previous`, if there is
    /// one, the pages `unchanged` vouches for.
    pub fn new(
        temp: &tempfile::NamedTempFile,
        previous: Option<(&Path, &'a (dyn Fn(usize) -> bool + Sync))>,
    ) -> Result<Bundle<'a>> {
        let path = temp.path().to_path_buf();
        let io_error = |e| Error::io("cannot write the bundle", &path, e);
        let scratch = path.parent().unwrap_or(Path::new("."));
        let file = temp.as_file().try_clone().map_err(io_error)?;
        let zip = archive::Writer::new(file, scratch).map_err(io_error)?;
        let reuse = previous.and_then(|(previous, unchanged)| {
            Some(Reuse {
                reader: archive::Reader::open(previous).ok()?,
                unchanged,
                lost: false,
            })
        });
        Ok(Bundle { zip, reuse, path })
    }

    fn io_error(&self, e: std::io::Error) -> Error {
        Error::io("cannot write the bundle", &self.path, e)
    }

    /// The previous bundle's entry for page `i`, named `name`, if it can be copied. Called for
    /// every page in order.
    fn reusable(&mut self, i: usize, name: &str) -> Option<archive::CentralEntry> {
        self.reuse.as_mut()?.entry(i, name)
    }

    fn put(
        &mut self,
        name: &str,
        copy: Option<archive::CentralEntry>,
        packed: Option<archive::Packed>,
    ) -> Result<()> {
        match (copy, packed, &self.reuse) {
            (Some(entry), _, Some(reuse)) => self.zip.copy(&reuse.reader, entry),
            (_, Some(packed), _) => self.zip.add(name, &packed),
            _ => Err(std::io::Error::other(
                "a page was neither kept nor rendered",
            )),
        }
        .map_err(|e| self.io_error(e))
    }

    /// Adds the files besides the pages (static files, the search index) and finishes the zip.
    /// Returns its size in bytes.
    pub fn finish<'f>(mut self, files: impl Iterator<Item = (&'f str, &'f [u8])>) -> Result<u64> {
        for (name, bytes) in files {
            let packed = archive::deflate(bytes);
            (self.zip.add(&format!("{BUNDLE_DIR}/{name}"), &packed))
                .map_err(|e| self.io_error(e))?;
        }
        let Bundle { zip, path, .. } = self;
        let io_error = |e| Error::io("cannot write the bundle", &path, e);
        let file = zip.finish().map_err(io_error)?;
        file.sync_all().map_err(io_error)?;
        Ok(file.metadata().map_err(io_error)?.len())
    }
}

/// The previous build's bundle, read in step with the pages, and which pages are unchanged
/// since it was written.
struct Reuse<'a> {
    reader: archive::Reader,
    unchanged: &'a (dyn Fn(usize) -> bool + Sync),
    /// Set at the first entry that is not the page expected: from there on, every page renders.
    lost: bool,
}

impl Reuse<'_> {
    /// The previous bundle's entry for page `i`, to copy, if the page is unchanged and the entry
    /// is the page's. Called for every page in order, to stay in step.
    fn entry(&mut self, i: usize, name: &str) -> Option<archive::CentralEntry> {
        if self.lost {
            return None;
        }
        match self.reader.next_entry() {
            Ok(Some(entry)) if entry.name == name => (self.unchanged)(i).then_some(entry),
            _ => {
                self.lost = true;
                None
            }
        }
    }
}
