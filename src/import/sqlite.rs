//! Reading the SQLite databases some apps keep their tokens in, straight from memory: the file
//! is never written to disk, so no copy of the seeds is left behind.

use std::io::Cursor;

use rusqlite::{Connection, MAIN_DB, OpenFlags};

use super::ImportError;

/// The first bytes of every SQLite 3 database file.
pub(crate) const MAGIC: &[u8] = b"SQLite format 3\0";
/// App databases are a few hundred KiB; the cap keeps hostile input from filling memory.
const HEADER_BYTES: usize = 100;
const MAX_BYTES: usize = 64 * 1024 * 1024;

/// A read-only connection to the database held in `bytes`.
pub(crate) fn open(bytes: &[u8], format: &'static str) -> Result<Connection, ImportError> {
    let malformed = |reason: String| ImportError::Malformed { format, reason };
    if !bytes.starts_with(MAGIC) {
        return Err(malformed("it is not an SQLite database".into()));
    }
    if bytes.len() < HEADER_BYTES {
        return Err(malformed("it is cut short".into()));
    }
    if bytes.len() > MAX_BYTES {
        return Err(malformed(format!("it is larger than {} MiB", MAX_BYTES >> 20)));
    }
    let mut image = zeroize::Zeroizing::new(bytes.to_vec());
    // Bytes 18 and 19 say "write-ahead log"; an in-memory image has none, so read it as a
    // rollback-journal database (the file copied from the phone is complete on its own).
    for version in &mut image[18..20] {
        if *version == 2 {
            *version = 1;
        }
    }
    let mut connection =
        Connection::open_with_flags(":memory:", OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| malformed(e.to_string()))?;
    connection
        .deserialize_read_exact(MAIN_DB, Cursor::new(&image[..]), image.len(), true)
        .map_err(|e| malformed(e.to_string()))?;
    // Schema objects of a foreign file must not run SQL functions on our behalf.
    connection.pragma_update(None, "trusted_schema", false).map_err(|e| malformed(e.to_string()))?;
    Ok(connection)
}

/// Whether `bytes` are an SQLite database with `table` holding all of `columns`.
pub(crate) fn has_table(bytes: &[u8], table: &str, columns: &[&str]) -> bool {
    if !bytes.starts_with(MAGIC) {
        return false;
    }
    let Ok(connection) = open(bytes, "SQLite") else {
        return false;
    };
    let Ok(mut statement) = connection.prepare("SELECT name FROM pragma_table_info(?1)") else {
        return false;
    };
    let Ok(names) = statement.query_map([table], |row| row.get::<_, String>(0)) else {
        return false;
    };
    let names: Vec<String> = names.filter_map(Result::ok).collect();
    columns.iter().all(|column| names.iter().any(|name| name.eq_ignore_ascii_case(column)))
}

/// An SQLite error while reading rows, as an import error.
pub(crate) fn read_error(format: &'static str) -> impl Fn(rusqlite::Error) -> ImportError {
    move |e| ImportError::Malformed { format, reason: format!("cannot read its table: {e}") }
}
