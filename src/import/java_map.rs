//! The one Java-serialised object FreeOTP 2 writes: a `java.util.HashMap<String, String>`, read by
//! the grammar of the Java Object Serialization Specification (chapter 6) for exactly that object.
//!
//! General Java deserialisers reserve memory for a length read from the stream before reading
//! what it counts, so a crafted length aborts the process; and they read strings as UTF-8 where
//! Java writes modified UTF-8 (an emoji in an account name is a surrogate pair). Here every
//! length is checked against the bytes that remain before anything is reserved, nothing nests,
//! and strings go through a modified-UTF-8 decoder.

const MAGIC: u16 = 0xACED;
const VERSION: u16 = 5;
const TC_NULL: u8 = 0x70;
const TC_REFERENCE: u8 = 0x71;
const TC_CLASSDESC: u8 = 0x72;
const TC_OBJECT: u8 = 0x73;
const TC_STRING: u8 = 0x74;
const TC_BLOCKDATA: u8 = 0x77;
const TC_ENDBLOCKDATA: u8 = 0x78;
const TC_LONGSTRING: u8 = 0x7C;
/// The first handle a stream assigns; each new class description, object or string takes the next.
const BASE_WIRE_HANDLE: u32 = 0x7E_0000;
const HASH_MAP: &str = "java.util.HashMap";
/// `SC_WRITE_METHOD | SC_SERIALIZABLE`: HashMap writes its entries itself, after its fields.
const HASH_MAP_FLAGS: u8 = 0x03;
/// `HashMap.writeObject`: the bucket count and the entry count, two ints in one block.
const HASH_MAP_BLOCK_BYTES: u8 = 8;

/// The entries in stream order, or why the bytes are not such a map.
pub fn read(bytes: &[u8]) -> Result<Vec<(String, String)>, String> {
    let mut stream = Stream { rest: bytes, handles: Vec::new() };
    if stream.u16()? != MAGIC || stream.u16()? != VERSION {
        return Err("it is not a Java serialisation stream".into());
    }
    stream.expect(TC_OBJECT, "an object")?;
    stream.hash_map_class()?;
    stream.handles.push(None); // the map object itself
    stream.expect(TC_BLOCKDATA, "the map's size block")?;
    if stream.u8()? != HASH_MAP_BLOCK_BYTES {
        return Err("the map's size block is not two ints".into());
    }
    let _buckets = stream.u32()?;
    let size = stream.u32()?;
    // Each entry takes at least the two bytes of two short markers.
    if usize::try_from(size).map_or(true, |size| size > stream.rest.len() / 2) {
        return Err(format!("the map claims {size} entries, more than the file holds"));
    }
    let mut entries = Vec::with_capacity(size as usize);
    for _ in 0..size {
        let key = stream.string()?;
        let value = stream.string()?;
        entries.push((key, value));
    }
    stream.expect(TC_ENDBLOCKDATA, "the end of the map")?;
    if !stream.rest.is_empty() {
        return Err(format!("{} bytes follow the map", stream.rest.len()));
    }
    Ok(entries)
}

struct Stream<'a> {
    rest: &'a [u8],
    /// What each handle names: `Some` for strings, the only objects a reference may point to here.
    handles: Vec<Option<String>>,
}

impl Stream<'_> {
    fn take(&mut self, len: usize) -> Result<&[u8], String> {
        if len > self.rest.len() {
            return Err("it ends too early".into());
        }
        let (taken, rest) = self.rest.split_at(len);
        self.rest = rest;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        Ok(self.take(N)?.try_into().expect("take returns N bytes"))
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, String> {
        self.array().map(u16::from_be_bytes)
    }

    fn u32(&mut self) -> Result<u32, String> {
        self.array().map(u32::from_be_bytes)
    }

    fn u64(&mut self) -> Result<u64, String> {
        self.array().map(u64::from_be_bytes)
    }

    fn expect(&mut self, marker: u8, what: &str) -> Result<(), String> {
        let found = self.u8()?;
        if found != marker {
            return Err(format!("expected {what} (0x{marker:02X}), found 0x{found:02X}"));
        }
        Ok(())
    }

    /// Modified UTF-8 of `len` bytes; `len` was read from the stream, so it is checked first.
    fn utf(&mut self, len: u64) -> Result<String, String> {
        let len = usize::try_from(len).map_err(|_| "a string longer than the file".to_owned())?;
        let bytes = self.take(len)?;
        cesu8::from_java_cesu8(bytes).map(|text| text.into_owned()).map_err(|_| "a string is not modified UTF-8".into())
    }

    fn short_utf(&mut self) -> Result<String, String> {
        let len = self.u16()?;
        self.utf(len.into())
    }

    /// The class description of `java.util.HashMap` and the values of its primitive fields.
    fn hash_map_class(&mut self) -> Result<(), String> {
        self.expect(TC_CLASSDESC, "a class description")?;
        let class = self.short_utf()?;
        if class != HASH_MAP {
            return Err(format!("it holds a {class}, not a map"));
        }
        let _serial_version_uid = self.u64()?;
        self.handles.push(None);
        if self.u8()? != HASH_MAP_FLAGS {
            return Err("the map's class flags are not those of java.util.HashMap".into());
        }
        let field_count = self.u16()?;
        let mut field_bytes = 0;
        for _ in 0..field_count {
            let type_code = self.u8()?;
            let _name = self.short_utf()?;
            field_bytes += match type_code {
                b'B' | b'Z' => 1,
                b'C' | b'S' => 2,
                b'I' | b'F' => 4,
                b'J' | b'D' => 8,
                other => return Err(format!("the map has a field of type {:?}", char::from(other))),
            };
        }
        self.expect(TC_ENDBLOCKDATA, "the end of the class annotation")?;
        self.expect(TC_NULL, "no serialisable superclass")?;
        // loadFactor and threshold: sizing hints that do not change the entries.
        self.take(field_bytes)?;
        Ok(())
    }

    /// A key or value: a new string, or a reference to one read before.
    fn string(&mut self) -> Result<String, String> {
        let text = match self.u8()? {
            TC_STRING => self.short_utf()?,
            TC_LONGSTRING => {
                let len = self.u64()?;
                self.utf(len)?
            }
            TC_REFERENCE => {
                let handle = self.u32()?;
                let index = handle.checked_sub(BASE_WIRE_HANDLE).and_then(|index| usize::try_from(index).ok());
                return match index.and_then(|index| self.handles.get(index)) {
                    Some(Some(text)) => Ok(text.clone()),
                    _ => Err(format!("a reference to handle 0x{handle:X}, which is not a string")),
                };
            }
            other => return Err(format!("expected a string, found marker 0x{other:02X}")),
        };
        self.handles.push(Some(text.clone()));
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `ObjectOutputStream.writeObject` writes for a HashMap of `size` entries written as `body`.
    fn map_stream(size: u32, body: &[u8]) -> Vec<u8> {
        let mut bytes = vec![0xAC, 0xED, 0x00, 0x05, TC_OBJECT, TC_CLASSDESC, 0x00, 0x11];
        bytes.extend_from_slice(HASH_MAP.as_bytes());
        bytes.extend_from_slice(&[0x05, 0x07, 0xDA, 0xC1, 0xC3, 0x16, 0x60, 0xD1, HASH_MAP_FLAGS, 0x00, 0x02]);
        bytes.extend_from_slice(b"F\x00\x0AloadFactorI\x00\x09threshold");
        bytes.extend_from_slice(&[TC_ENDBLOCKDATA, TC_NULL, 0x3F, 0x40, 0, 0, 0, 0, 0, 12]);
        bytes.extend_from_slice(&[TC_BLOCKDATA, 8, 0, 0, 0, 16]);
        bytes.extend_from_slice(&size.to_be_bytes());
        bytes.extend_from_slice(body);
        bytes.push(TC_ENDBLOCKDATA);
        bytes
    }

    fn serialised(entries: &[(&[u8], &[u8])]) -> Vec<u8> {
        let mut body = Vec::new();
        for (key, value) in entries {
            for text in [key, value] {
                body.push(TC_STRING);
                body.extend_from_slice(&(text.len() as u16).to_be_bytes());
                body.extend_from_slice(text);
            }
        }
        map_stream(entries.len() as u32, &body)
    }

    #[test]
    fn reads_entries_in_order() {
        let map = read(&serialised(&[(b"a", b"1"), (b"masterKey", b"{}")])).unwrap();
        assert_eq!(map, [("a".to_owned(), "1".to_owned()), ("masterKey".to_owned(), "{}".to_owned())]);
    }

    #[test]
    fn decodes_modified_utf8() {
        // U+1F511 as Java writes it: a surrogate pair, three bytes each; and U+0000 as C0 80.
        let key = [0xED, 0xA0, 0xBD, 0xED, 0xB4, 0x91, 0xC0, 0x80];
        let map = read(&serialised(&[(&key, b"x")])).unwrap();
        assert_eq!(map[0].0, "\u{1F511}\0");
    }

    #[test]
    fn follows_references_to_strings_only() {
        // Handles: 0 the class description, 1 the map, 2 "k", 3 "v".
        let new_entry = [TC_STRING, 0, 1, b'k', TC_STRING, 0, 1, b'v'];
        let reused =
            [&new_entry[..], &[TC_REFERENCE, 0x00, 0x7E, 0x00, 0x03, TC_REFERENCE, 0x00, 0x7E, 0x00, 0x02]].concat();
        let map = read(&map_stream(2, &reused)).unwrap();
        assert_eq!(map[1], ("v".to_owned(), "k".to_owned()));

        let to_class = [&new_entry[..], &[TC_REFERENCE, 0x00, 0x7E, 0x00, 0x00, TC_STRING, 0, 0]].concat();
        assert!(read(&map_stream(2, &to_class)).unwrap_err().contains("not a string"));
    }

    #[test]
    fn refuses_lengths_beyond_the_file_before_reserving() {
        for len in [u64::MAX, 1 << 40, 1 << 20] {
            let body = [&[TC_LONGSTRING][..], &len.to_be_bytes(), b"abc"].concat();
            assert!(read(&map_stream(1, &body)).is_err(), "string of {len} bytes");
        }
        assert!(read(&map_stream(u32::MAX, &[])).unwrap_err().contains("more than the file holds"));
    }

    #[test]
    fn every_truncation_fails() {
        let bytes = serialised(&[(b"masterKey", b"{}"), (b"id", b"{\"key\":1}")]);
        for len in 0..bytes.len() {
            assert!(read(&bytes[..len]).is_err(), "read {len} of {} bytes", bytes.len());
        }
    }
}
