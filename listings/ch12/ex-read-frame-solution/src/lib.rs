// ANCHOR: all
use tokio::io::{self, AsyncRead, AsyncReadExt};

// ANCHOR: solution
/// Reads one frame in the format of tokio-util's `LengthDelimitedCodec`:
/// a 4-byte big-endian length, then that many bytes of payload.
///
/// Returns `Ok(None)` if the stream ends before the first byte of a frame,
/// and an error of kind `UnexpectedEof` if it ends inside one.
pub async fn read_frame<R>(reader: &mut R) -> io::Result<Option<Vec<u8>>>
where
    R: AsyncRead + Unpin,
{
    // The header may arrive in pieces: fill it one `read` at a time, so
    // that we can tell "no frame at all" from "half a header".
    let mut header = [0; 4];
    let mut filled = 0;
    while filled < header.len() {
        let n = reader.read(&mut header[filled..]).await?;
        if n == 0 {
            return if filled == 0 {
                Ok(None) // a clean end, between two frames
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            };
        }
        filled += n;
    }

    // The payload: `read_exact` loops over `read` until the buffer is
    // full, and fails with `UnexpectedEof` if the stream ends first.
    let len = u32::from_be_bytes(header) as usize;
    let mut payload = vec![0; len];
    reader.read_exact(&mut payload).await?;
    Ok(Some(payload))
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    /// Writes `bytes` into a pipe that holds at most 3 bytes at a time,
    /// so the reader gets them in small pieces, then closes the pipe.
    fn stream_of(bytes: &'static [u8]) -> tokio::io::DuplexStream {
        let (mut writer, reader) = tokio::io::duplex(3);
        tokio::spawn(async move { writer.write_all(bytes).await.unwrap() });
        reader
    }

    #[tokio::test]
    async fn reads_frames_until_the_end() {
        let mut stream = stream_of(b"\0\0\0\x05hello\0\0\0\0\0\0\0\x02hi");
        let frame = read_frame(&mut stream).await.unwrap();
        assert_eq!(frame.as_deref(), Some(&b"hello"[..]));
        let frame = read_frame(&mut stream).await.unwrap();
        assert_eq!(frame.as_deref(), Some(&b""[..]));
        let frame = read_frame(&mut stream).await.unwrap();
        assert_eq!(frame.as_deref(), Some(&b"hi"[..]));
        assert_eq!(read_frame(&mut stream).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_cut_payload_is_an_error() {
        let mut stream = stream_of(b"\0\0\0\x05hel");
        let error = read_frame(&mut stream).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[tokio::test]
    async fn a_cut_header_is_an_error() {
        let mut stream = stream_of(b"\0\0");
        let error = read_frame(&mut stream).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
    }
}
// ANCHOR_END: all
