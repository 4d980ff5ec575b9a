//! Where a file's bytes come from: an upload in memory, or a file on disk read again
//! as often as the import needs (`harbour import`, which so holds none of it), and the
//! one pass that tells what the bytes are before they are read as a spreadsheet.

use super::Unreadable;
use bytes::Bytes;
use std::{
    fs::File,
    io::{self, Cursor, Read, Seek, SeekFrom},
    path::PathBuf,
};

/// Where a file to import is: uploaded (in memory), or on disk.
pub enum Source {
    Bytes(Vec<u8>),
    Path(PathBuf),
}

impl From<Vec<u8>> for Source {
    fn from(bytes: Vec<u8>) -> Self {
        Source::Bytes(bytes)
    }
}

impl Source {
    pub(super) fn size(&self) -> io::Result<u64> {
        match self {
            Source::Bytes(b) => Ok(b.len() as u64),
            Source::Path(p) => Ok(std::fs::metadata(p)?.len()),
        }
    }

    pub(super) fn reader(&self) -> io::Result<Box<dyn ReadSeek + '_>> {
        Ok(match self {
            Source::Bytes(b) => Box::new(Cursor::new(b.as_slice())),
            Source::Path(p) => Box::new(File::open(p)?),
        })
    }

    pub(super) fn into_bytes(self) -> io::Result<Vec<u8>> {
        match self {
            Source::Bytes(b) => Ok(b),
            Source::Path(p) => std::fs::read(p),
        }
    }
}

pub(super) trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// A CSV's text, less any byte-order mark, to be read from its start as often as needed.
pub(super) enum Text {
    Memory(Bytes),
    /// A file on disk, its text starting `skip` bytes in, as it was when first read.
    File {
        path: PathBuf,
        skip: u64,
        seen: Stamp,
    },
}

/// A file's size and when it was last changed: read again, it must be the file checked.
type Stamp = (u64, Option<std::time::SystemTime>);

fn stamp(file: &File) -> io::Result<Stamp> {
    let meta = file.metadata()?;
    Ok((meta.len(), meta.modified().ok()))
}

impl Text {
    /// The text of `source`, less the byte-order mark `sniffed` found.
    pub(super) fn of(source: Source, sniffed: &Sniffed) -> io::Result<Text> {
        let skip = if sniffed.bom { 3 } else { 0 };
        Ok(match source {
            Source::Bytes(bytes) => Text::Memory(Bytes::from(bytes).slice(skip..)),
            Source::Path(path) => Text::File {
                seen: stamp(&File::open(&path)?)?,
                path,
                skip: skip as u64,
            },
        })
    }

    pub(super) fn changed(&self) -> bool {
        match self {
            Text::Memory(_) => false,
            Text::File { path, seen, .. } => {
                let now = std::fs::metadata(path).map(|m| (m.len(), m.modified().ok()));
                now.ok() != Some(*seen)
            }
        }
    }

    pub(super) fn open(&self) -> io::Result<Box<dyn ReadSeek>> {
        Ok(match self {
            Text::Memory(b) => Box::new(Cursor::new(b.clone())),
            Text::File { path, skip, seen } => {
                let mut file = File::open(path)?;
                if stamp(&file)? != *seen {
                    return Err(io::Error::other(
                        "it was changed while it was being imported. Import it again",
                    ));
                }
                file.seek(SeekFrom::Start(*skip))?;
                Box::new(Skipped { file, skip: *skip })
            }
        })
    }
}

/// A file read as if it began `skip` bytes in (after its byte-order mark), so positions
/// are the same as in memory.
struct Skipped {
    file: File,
    skip: u64,
}

impl Read for Skipped {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file.read(buf)
    }
}

impl Seek for Skipped {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let to = match to {
            SeekFrom::Start(at) => SeekFrom::Start(at + self.skip),
            other => other,
        };
        Ok(self.file.seek(to)?.saturating_sub(self.skip))
    }
}

pub(super) fn not_read(e: io::Error) -> Unreadable {
    Unreadable(format!("The file could not be read: {e}"))
}

/// What one pass over a file shows before it is read as a spreadsheet.
pub(super) struct Sniffed {
    /// Only spaces and line breaks, or nothing.
    pub(super) blank: bool,
    /// A zip, as an `.xlsx` workbook is.
    pub(super) zip: bool,
    /// Old `.xls`, PDFs, images: NUL bytes never occur in a text file's first 4 KiB.
    pub(super) binary: bool,
    /// Starts with a UTF-8 byte-order mark.
    pub(super) bom: bool,
    /// All of it is UTF-8; else it is read as Windows-1252, a byte a character.
    pub(super) utf8: bool,
    /// The first line with anything on it, after any byte-order mark.
    pub(super) header: Vec<u8>,
}

impl Sniffed {
    pub(super) fn of(mut file: impl Read) -> io::Result<Sniffed> {
        let mut start = Vec::with_capacity(4096);
        (&mut file).take(4096).read_to_end(&mut start)?;
        let bom = start.starts_with(b"\xEF\xBB\xBF");
        let mut sniffed = Sniffed {
            blank: true,
            zip: start.starts_with(b"PK\x03\x04"),
            binary: start.contains(&0),
            bom,
            utf8: true,
            header: vec![],
        };
        let (mut unfinished, mut line, mut header_found) = (vec![], vec![], false);
        let mut chunk = start;
        let mut first = true;
        loop {
            let from = if first && bom { 3 } else { 0 };
            first = false;
            sniffed.blank &= chunk.iter().all(u8::is_ascii_whitespace);
            if sniffed.utf8 {
                // A character may be split across chunks: its start is kept for the next.
                unfinished.extend_from_slice(&chunk);
                match std::str::from_utf8(&unfinished) {
                    Ok(_) => unfinished.clear(),
                    Err(e) if e.error_len().is_none() => {
                        unfinished.drain(..e.valid_up_to());
                    }
                    Err(_) => sniffed.utf8 = false,
                }
            }
            for &b in chunk.get(from..).unwrap_or_default() {
                if header_found {
                    break;
                }
                if matches!(b, b'\n' | b'\r') {
                    header_found = !line.trim_ascii().is_empty();
                    if !header_found {
                        line.clear();
                    }
                } else {
                    line.push(b);
                }
            }
            chunk.clear();
            if (&mut file).take(1 << 16).read_to_end(&mut chunk)? == 0 {
                break;
            }
        }
        sniffed.utf8 &= unfinished.is_empty();
        sniffed.header = line;
        Ok(sniffed)
    }

    /// The separator the header row uses more of: Excel in much of Europe saves `;`.
    pub(super) fn separator(&self) -> u8 {
        let count = |c| self.header.iter().filter(|&&b| b == c).count();
        if count(b';') > count(b',') { b';' } else { b',' }
    }
}
