//! Archive: the zip file format, as the offline bundle needs it.
//!
//! Entries are compressed on any thread ([`deflate`]) and appended in order by one writer, so
//! the bytes depend only on the entries; an entry unchanged since the last build is copied from
//! the previous archive, header and compressed bytes, without being compressed again. The
//! writer holds no table of its entries: each central directory record goes to a scratch file
//! the moment its entry is written, and is appended at the end. (The `zip` crate's writer keeps
//! several hundred bytes per entry in memory and compresses on the calling thread: at 100,000
//! pages that alone is more than the whole build may use.) The reader walks a central directory
//! one record at a time, for the same reason.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

/// libdeflate's fastest level: on the site's pages it compresses as well as zlib's level 6
/// (29% of the size against 28%) at three times the speed.
const LEVEL: i32 = 1;

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
const END64: u32 = 0x0606_4b50;
const LOCATOR64: u32 = 0x0706_4b50;
/// The zip64 extra field, which holds what does not fit a 16- or 32-bit field.
const ZIP64_EXTRA: u16 = 0x0001;
const STORED: u16 = 0;
const DEFLATED: u16 = 8;
/// Names are UTF-8 (bit 11 of the general purpose flags).
const UTF8_NAMES: u16 = 1 << 11;
/// Made by Unix, zip specification 2.0: unzip then reads the permissions below.
const MADE_BY: u16 = (3 << 8) | 20;
/// -rw-r--r--, in the upper half of the external attributes.
const FILE_MODE: u32 = 0o100644 << 16;
/// 1980-01-01 00:00, the earliest time a zip can hold: the same on every build.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;
const LOCAL_HEADER_LEN: u64 = 30;

/// One file's bytes, compressed for an archive.
pub struct Packed {
    crc: u32,
    size: u64,
    method: u16,
    data: Vec<u8>,
}

impl Packed {
    /// The bytes the entry takes in the archive, without its header.
    pub fn compressed_len(&self) -> usize {
        self.data.len()
    }
}

/// Compresses `bytes`, or keeps them as they are where compression would not make them smaller
/// (images). Uses one compressor per thread, made on first use.
pub fn deflate(bytes: &[u8]) -> Packed {
    use libdeflater::{CompressionLvl, Compressor};
    thread_local! {
        /// The compressor and a buffer the size of the largest bound so far, kept so that
        /// each page costs neither a compressor's setup nor zeroing a fresh buffer.
        static COMPRESSOR: std::cell::RefCell<Option<(Compressor, Vec<u8>)>> =
            const { std::cell::RefCell::new(None) };
    }
    let crc = libdeflater::crc32(bytes);
    let size = bytes.len() as u64;
    let compressed = COMPRESSOR.with_borrow_mut(|slot| {
        let level = CompressionLvl::new(LEVEL).unwrap_or_default();
        let (compressor, scratch) =
            slot.get_or_insert_with(|| (Compressor::new(level), Vec::new()));
        let bound = compressor.deflate_compress_bound(bytes.len());
        if scratch.len() < bound {
            scratch.resize(bound, 0);
        }
        // The bound is what libdeflate promises to fit; should it not, the bytes are stored.
        let n = compressor.deflate_compress(bytes, scratch).ok()?;
        Some(scratch[..n].to_vec())
    });
    match compressed {
        Some(data) if data.len() < bytes.len() => Packed {
            crc,
            size,
            method: DEFLATED,
            data,
        },
        _ => Packed {
            crc,
            size,
            method: STORED,
            data: bytes.to_vec(),
        },
    }
}

/// Writes an archive front to back.
pub struct Writer {
    out: BufWriter<File>,
    /// The central directory so far, appended to the archive by [`Writer::finish`].
    central: BufWriter<File>,
    central_len: u64,
    offset: u64,
    entries: u64,
    /// Bytes of a previous archive waiting to be copied as one run: from where, to where.
    pending: Option<(File, u64, u64)>,
}

impl Writer {
    /// Writes into `file`, from its start; the central directory waits in an unnamed file in
    /// `scratch`, which the system removes however the build ends.
    pub fn new(file: File, scratch: &Path) -> io::Result<Writer> {
        Ok(Writer {
            out: BufWriter::with_capacity(1 << 20, file),
            central: BufWriter::with_capacity(1 << 16, tempfile::tempfile_in(scratch)?),
            central_len: 0,
            offset: 0,
            entries: 0,
            pending: None,
        })
    }

    /// Appends a file under `name`.
    pub fn add(&mut self, name: &str, packed: &Packed) -> io::Result<()> {
        self.copy_pending()?;
        let entry = CentralEntry {
            name: name.to_string(),
            crc: packed.crc,
            compressed: packed.data.len() as u64,
            size: packed.size,
            method: packed.method,
            offset: self.offset,
        };
        let header = entry.local_header()?;
        self.out.write_all(&header)?;
        self.out.write_all(&packed.data)?;
        self.offset += entry.stored_len();
        self.record(&entry)
    }

    /// Appends an entry of the archive `from`, header and compressed bytes as they are there.
    /// Only for archives this writer made, whose local headers hold nothing the central
    /// directory does not. Consecutive entries are copied as one run, by the kernel.
    pub fn copy(&mut self, from: &Reader, entry: CentralEntry) -> io::Result<()> {
        let (start, len) = (entry.offset, entry.stored_len());
        if start + len > from.central_start {
            return Err(io::Error::other("an entry runs into the central directory"));
        }
        match &mut self.pending {
            Some((_, _, end)) if *end == start => *end += len,
            _ => {
                self.copy_pending()?;
                self.pending = Some((from.file.try_clone()?, start, start + len));
            }
        }
        let moved = CentralEntry {
            offset: self.offset,
            ..entry
        };
        self.offset += len;
        self.record(&moved)
    }

    fn copy_pending(&mut self) -> io::Result<()> {
        let Some((mut source, start, end)) = self.pending.take() else {
            return Ok(());
        };
        self.out.flush()?;
        source.seek(SeekFrom::Start(start))?;
        // File to file, so the standard library has the kernel copy the bytes.
        let copied = io::copy(&mut (&mut source).take(end - start), self.out.get_mut())?;
        if copied != end - start {
            return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
        }
        Ok(())
    }

    fn record(&mut self, entry: &CentralEntry) -> io::Result<()> {
        let record = entry.central_record()?;
        self.central.write_all(&record)?;
        self.central_len += record.len() as u64;
        self.entries += 1;
        Ok(())
    }

    /// Appends the central directory and its end records; returns the archive, flushed.
    pub fn finish(mut self) -> io::Result<File> {
        self.copy_pending()?;
        let central_start = self.offset;
        let mut central = self.central.into_inner().map_err(|e| e.into_error())?;
        central.seek(SeekFrom::Start(0))?;
        self.out.flush()?;
        let copied = io::copy(&mut central, self.out.get_mut())?;
        if copied != self.central_len {
            return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
        }
        let end = end_records(self.entries, central_start, self.central_len);
        self.out.write_all(&end)?;
        self.out.into_inner().map_err(|e| e.into_error())
    }
}

/// The end of central directory record, after a zip64 one and its locator where the count of
/// entries or an offset does not fit the classic record.
fn end_records(entries: u64, central_start: u64, central_len: u64) -> Vec<u8> {
    let mut b = Vec::with_capacity(98);
    let zip64 = entries >= 0xffff || central_start >= 0xffff_ffff || central_len >= 0xffff_ffff;
    if zip64 {
        let end64 = central_start + central_len;
        put32(&mut b, END64);
        put64(&mut b, 44);
        put16(&mut b, MADE_BY);
        put16(&mut b, 45);
        put32(&mut b, 0);
        put32(&mut b, 0);
        put64(&mut b, entries);
        put64(&mut b, entries);
        put64(&mut b, central_len);
        put64(&mut b, central_start);
        put32(&mut b, LOCATOR64);
        put32(&mut b, 0);
        put64(&mut b, end64);
        put32(&mut b, 1);
    }
    put32(&mut b, END);
    put16(&mut b, 0);
    put16(&mut b, 0);
    let count = entries.min(0xffff) as u16;
    put16(&mut b, count);
    put16(&mut b, count);
    put32(&mut b, central_len.min(0xffff_ffff) as u32);
    put32(&mut b, central_start.min(0xffff_ffff) as u32);
    put16(&mut b, 0);
    b
}

/// An entry as the central directory describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CentralEntry {
    pub name: String,
    crc: u32,
    compressed: u64,
    size: u64,
    method: u16,
    /// Where its local header starts.
    offset: u64,
}

impl CentralEntry {
    /// How many bytes its local header and data take, as this writer writes them.
    fn stored_len(&self) -> u64 {
        LOCAL_HEADER_LEN + self.name.len() as u64 + self.compressed
    }

    fn version_needed(&self) -> u16 {
        if self.offset >= 0xffff_ffff {
            45
        } else if self.method == DEFLATED {
            20
        } else {
            10
        }
    }

    /// Sizes are written in the local header itself, so no data descriptor follows the data.
    fn local_header(&self) -> io::Result<Vec<u8>> {
        let (compressed, size, name_len) = self.small_fields()?;
        let mut b = Vec::with_capacity(LOCAL_HEADER_LEN as usize + self.name.len());
        put32(&mut b, LOCAL);
        put16(&mut b, self.version_needed());
        put16(&mut b, UTF8_NAMES);
        put16(&mut b, self.method);
        put16(&mut b, DOS_TIME);
        put16(&mut b, DOS_DATE);
        put32(&mut b, self.crc);
        put32(&mut b, compressed);
        put32(&mut b, size);
        put16(&mut b, name_len);
        put16(&mut b, 0);
        b.extend_from_slice(self.name.as_bytes());
        Ok(b)
    }

    fn central_record(&self) -> io::Result<Vec<u8>> {
        let (compressed, size, name_len) = self.small_fields()?;
        let far = self.offset >= 0xffff_ffff;
        let mut b = Vec::with_capacity(46 + self.name.len() + 12);
        put32(&mut b, CENTRAL);
        put16(&mut b, MADE_BY);
        put16(&mut b, self.version_needed());
        put16(&mut b, UTF8_NAMES);
        put16(&mut b, self.method);
        put16(&mut b, DOS_TIME);
        put16(&mut b, DOS_DATE);
        put32(&mut b, self.crc);
        put32(&mut b, compressed);
        put32(&mut b, size);
        put16(&mut b, name_len);
        put16(&mut b, if far { 12 } else { 0 });
        put16(&mut b, 0);
        put16(&mut b, 0);
        put16(&mut b, 0);
        put32(&mut b, FILE_MODE);
        put32(&mut b, self.offset.min(0xffff_ffff) as u32);
        b.extend_from_slice(self.name.as_bytes());
        if far {
            put16(&mut b, ZIP64_EXTRA);
            put16(&mut b, 8);
            put64(&mut b, self.offset);
        }
        Ok(b)
    }

    /// The fields that must fit 32 and 16 bits: a single page or static file of 4 GiB is not
    /// something a site ships, so the writer refuses it rather than write zip64 sizes.
    fn small_fields(&self) -> io::Result<(u32, u32, u16)> {
        let too_large = || io::Error::other(format!("{} is too large for the bundle", self.name));
        Ok((
            u32::try_from(self.compressed).map_err(|_| too_large())?,
            u32::try_from(self.size).map_err(|_| too_large())?,
            u16::try_from(self.name.len()).map_err(|_| too_large())?,
        ))
    }
}

/// Reads an archive's central directory, one entry at a time.
pub struct Reader {
    file: File,
    central: BufReader<File>,
    central_start: u64,
    remaining: u64,
}

impl Reader {
    /// Opens any zip archive; an error for a file that is not one.
    pub fn open(path: &Path) -> io::Result<Reader> {
        let mut file = File::open(path)?;
        let (central_start, entries) = find_central_directory(&mut file)?;
        // Opened again, not cloned: a clone shares the position that copying entries moves.
        let mut central = BufReader::with_capacity(1 << 16, File::open(path)?);
        central.seek(SeekFrom::Start(central_start))?;
        Ok(Reader {
            file,
            central,
            central_start,
            remaining: entries,
        })
    }

    /// The next entry of the central directory, or `None` after the last.
    pub fn next_entry(&mut self) -> io::Result<Option<CentralEntry>> {
        if self.remaining == 0 {
            return Ok(None);
        }
        self.remaining -= 1;
        let mut fixed = [0u8; 46];
        self.central.read_exact(&mut fixed)?;
        let field16 = |at: usize| read16(&fixed, at).unwrap_or(0);
        let field32 = |at: usize| read32(&fixed, at).unwrap_or(0);
        if field32(0) != CENTRAL {
            return Err(not_a_zip("a central directory record is damaged"));
        }
        let mut name = vec![0; field16(28) as usize];
        let mut extra = vec![0; field16(30) as usize];
        let mut comment = vec![0; field16(32) as usize];
        self.central.read_exact(&mut name)?;
        self.central.read_exact(&mut extra)?;
        self.central.read_exact(&mut comment)?;
        let mut entry = CentralEntry {
            name: String::from_utf8_lossy(&name).into_owned(),
            crc: field32(16),
            compressed: field32(20) as u64,
            size: field32(24) as u64,
            method: field16(10),
            offset: field32(42) as u64,
        };
        apply_zip64_extra(&mut entry, &extra);
        Ok(Some(entry))
    }
}

/// Where the central directory starts and how many entries it holds, from the end records.
fn find_central_directory(file: &mut File) -> io::Result<(u64, u64)> {
    let len = file.metadata()?.len();
    // The end record is 22 bytes and may be followed by a comment of up to 65,535.
    let tail_len = len.min(22 + 0xffff);
    let mut tail = vec![0; tail_len as usize];
    file.seek(SeekFrom::Start(len - tail_len))?;
    file.read_exact(&mut tail)?;
    let at = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| {
            read32(&tail, i) == Some(END)
                && 22 + read16(&tail, i + 20).unwrap_or(0) as usize == tail.len() - i
        })
        .ok_or_else(|| not_a_zip("no end of central directory record"))?;
    let entries = read16(&tail, at + 10).unwrap_or(0) as u64;
    let start = read32(&tail, at + 16).unwrap_or(0) as u64;
    let end_at = len - tail_len + at as u64;
    if entries != 0xffff && start != 0xffff_ffff {
        return Ok((start, entries));
    }
    // Zip64: the locator just before the end record points at the zip64 end record.
    let mut locator = [0u8; 20];
    file.seek(SeekFrom::Start(
        end_at
            .checked_sub(20)
            .ok_or_else(|| not_a_zip("no zip64 locator"))?,
    ))?;
    file.read_exact(&mut locator)?;
    if read32(&locator, 0) != Some(LOCATOR64) {
        return Err(not_a_zip("no zip64 locator"));
    }
    let mut end64 = [0u8; 56];
    file.seek(SeekFrom::Start(read64(&locator, 8).unwrap_or(0)))?;
    file.read_exact(&mut end64)?;
    match (read32(&end64, 0), read64(&end64, 32), read64(&end64, 48)) {
        (Some(END64), Some(entries), Some(start)) => Ok((start, entries)),
        _ => Err(not_a_zip("the zip64 end record is damaged")),
    }
}

/// Replaces the fields that overflowed their 32 bits with the zip64 extra field's values,
/// which come in a fixed order and only for the fields that overflowed.
fn apply_zip64_extra(entry: &mut CentralEntry, extra: &[u8]) {
    let mut at = 0;
    while let (Some(id), Some(len)) = (read16(extra, at), read16(extra, at + 2)) {
        let body = &extra[(at + 4).min(extra.len())..(at + 4 + len as usize).min(extra.len())];
        if id == ZIP64_EXTRA {
            let mut values = body.chunks_exact(8).map(|c| read64(c, 0).unwrap_or(0));
            for field in [&mut entry.size, &mut entry.compressed, &mut entry.offset] {
                if *field == 0xffff_ffff {
                    match values.next() {
                        Some(value) => *field = value,
                        None => break,
                    }
                }
            }
        }
        at += 4 + len as usize;
    }
}

fn not_a_zip(why: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("not a zip archive: {why}"),
    )
}

fn read16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn read32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn read64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

fn put16(b: &mut Vec<u8>, v: u16) {
    b.extend_from_slice(&v.to_le_bytes());
}

fn put32(b: &mut Vec<u8>, v: u32) {
    b.extend_from_slice(&v.to_le_bytes());
}

fn put64(b: &mut Vec<u8>, v: u64) {
    b.extend_from_slice(&v.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(i: usize) -> (String, Vec<u8>) {
        let text = format!("<p>page {i}</p>\n").repeat(1 + i % 7);
        (format!("site/p{i}/index.html"), text.into_bytes())
    }

    /// Writes `files`, copying from the archive `keep` names those its test passes; returns
    /// how many were copied.
    fn write_all(
        path: &Path,
        files: &[(String, Vec<u8>)],
        keep: Option<(&Path, &dyn Fn(usize) -> bool)>,
    ) -> usize {
        let dir = path.parent().unwrap();
        let mut writer = Writer::new(File::create(path).unwrap(), dir).unwrap();
        let mut old = keep.map(|(p, f)| (Reader::open(p).unwrap(), f));
        let mut copied = 0;
        for (i, (name, bytes)) in files.iter().enumerate() {
            let entry = old.as_mut().and_then(|(r, _)| r.next_entry().unwrap());
            match (entry, &old) {
                (Some(e), Some((r, f))) if e.name == *name && f(i) => {
                    writer.copy(r, e).unwrap();
                    copied += 1;
                }
                _ => writer.add(name, &deflate(bytes)).unwrap(),
            }
        }
        writer.finish().unwrap();
        copied
    }

    /// What another implementation of zip reads back.
    fn read_back(path: &Path) -> Vec<(String, Vec<u8>)> {
        let mut zip = zip::ZipArchive::new(File::open(path).unwrap()).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut file = zip.by_index(i).unwrap();
                assert_eq!(file.unix_mode(), Some(0o100644));
                let mut bytes = Vec::new();
                file.read_to_end(&mut bytes).unwrap();
                (file.name().to_string(), bytes)
            })
            .collect()
    }

    #[test]
    fn another_reader_reads_back_every_entry_and_copies_match_a_fresh_archive() {
        let dir = tempfile::tempdir().unwrap();
        // Enough entries that the central directory is read in several blocks while entries
        // are copied.
        let mut files: Vec<_> = (0..3000).map(page).collect();
        // An image-like file that deflate would only grow is stored as it is.
        files.push(("site/og.png".to_string(), (0..=255u8).collect()));
        let first = dir.path().join("first.zip");
        write_all(&first, &files, None);
        assert_eq!(read_back(&first), files);

        // Every third file changes; the rest are copied from the first archive, and the result
        // is byte for byte what writing every entry anew gives.
        for (i, (_, bytes)) in files.iter_mut().enumerate() {
            if i % 3 == 0 {
                bytes.extend_from_slice(b"<p>changed</p>");
            }
        }
        let copied = dir.path().join("copied.zip");
        let count = write_all(&copied, &files, Some((&first, &|i| i % 3 != 0)));
        assert_eq!(count, 2000);
        let fresh = dir.path().join("fresh.zip");
        write_all(&fresh, &files, None);
        assert_eq!(
            std::fs::read(&copied).unwrap(),
            std::fs::read(&fresh).unwrap()
        );
        assert_eq!(read_back(&copied), files);

        let mut reader = Reader::open(&copied).unwrap();
        let mut names = Vec::new();
        while let Some(entry) = reader.next_entry().unwrap() {
            names.push(entry.name);
        }
        assert_eq!(
            names,
            files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn more_entries_than_the_classic_end_record_counts_take_zip64() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<_> = (0..70_000)
            .map(|i| (format!("f{i}"), vec![b'x'; i % 3]))
            .collect();
        let path = dir.path().join("many.zip");
        write_all(&path, &files, None);
        let zip = zip::ZipArchive::new(File::open(&path).unwrap()).unwrap();
        assert_eq!(zip.len(), 70_000);
        let mut reader = Reader::open(&path).unwrap();
        let mut count = 0;
        while let Some(entry) = reader.next_entry().unwrap() {
            assert_eq!(entry.name, files[count].0);
            count += 1;
        }
        assert_eq!(count, 70_000);
    }

    #[test]
    fn a_file_that_is_not_a_zip_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, b"PK but not a zip archive at all").unwrap();
        assert_eq!(
            Reader::open(&path).err().map(|e| e.kind()),
            Some(io::ErrorKind::InvalidData)
        );
    }
}
