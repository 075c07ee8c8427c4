//! The set of recorded exchanges: the embedded copy or a directory on disk.

use std::fs;
use std::io;
use std::path::Path;

use super::exchange::{Exchange, ExchangeError};
use crate::embedded;

/// Every exchange file of a set, parsed; the files that failed are kept as
/// errors so that one bad file does not hide the others' results.
#[derive(Clone, Debug, Default)]
pub struct Recordings {
    /// The exchanges that parsed, ordered by file name.
    pub exchanges: Vec<Exchange>,
    /// The files that did not.
    pub errors: Vec<ExchangeError>,
}

impl Recordings {
    /// The exchanges built into the crate from `spec/recorded/`.
    pub fn embedded() -> Recordings {
        Self::from_texts(
            embedded::RECORDED
                .iter()
                .map(|(file, text)| (file.to_string(), text.to_string())),
        )
    }

    /// Every `*.yaml` file directly in `dir`; other files (the README) are ignored.
    pub fn from_dir(dir: &Path) -> io::Result<Recordings> {
        let mut texts = Vec::new();
        for entry in fs::read_dir(dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|ext| ext == "yaml") {
                let file = path
                    .file_name()
                    .map(|name| name.to_string_lossy().into_owned())
                    .unwrap_or_default();
                texts.push((file, fs::read_to_string(&path)?));
            }
        }
        Ok(Self::from_texts(texts))
    }

    /// Parses `(file name, text)` pairs.
    pub fn from_texts(texts: impl IntoIterator<Item = (String, String)>) -> Recordings {
        let mut texts: Vec<(String, String)> = texts.into_iter().collect();
        texts.sort();
        let mut recordings = Recordings::default();
        for (file, text) in texts {
            match Exchange::parse(&file, &text) {
                Ok(exchange) => recordings.exchanges.push(exchange),
                Err(error) => recordings.errors.push(error),
            }
        }
        recordings
    }
}
