use std::io;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

// ANCHOR: frames
/// Reads one frame: a two-byte big-endian length, then that many bytes.
pub async fn read_frame<R>(reader: &mut R) -> io::Result<Vec<u8>>
where
    R: AsyncRead + Unpin,
{
    let len = reader.read_u16().await?;
    let mut body = vec![0; usize::from(len)];
    reader.read_exact(&mut body).await?;
    Ok(body)
}

/// Writes one frame in the format that `read_frame` reads.
pub async fn write_frame<W>(writer: &mut W, body: &[u8]) -> io::Result<()>
where
    W: AsyncWrite + Unpin,
{
    let Ok(len) = u16::try_from(body.len()) else {
        let kind = io::ErrorKind::InvalidInput;
        return Err(io::Error::new(kind, "frame longer than 65535 bytes"));
    };
    writer.write_all(&len.to_be_bytes()).await?;
    writer.write_all(body).await?;
    writer.flush().await
}
// ANCHOR_END: frames

#[cfg(test)]
mod mock {
    use std::collections::VecDeque;
    use std::io;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

    // ANCHOR: mock
    /// What the mock does the next time it is read from.
    pub enum Step {
        /// Hands out these bytes, as many as the reader has room for; the
        /// rest stays in the script for the next read.
        Data(&'static [u8]),
        /// Has nothing to read yet, as a socket with an empty buffer.
        Pending,
        /// Fails with this kind of error.
        Error(io::ErrorKind),
    }

    /// A byte stream that plays a script of reads and records writes,
    /// accepting at most `max_write` bytes per write.
    pub struct Mock {
        script: VecDeque<Step>,
        max_write: usize,
        pub written: Vec<u8>,
    }

    impl Mock {
        pub fn new(script: Vec<Step>, max_write: usize) -> Mock {
            let script = script.into();
            Mock {
                script,
                max_write,
                written: Vec::new(),
            }
        }
    }

    impl AsyncRead for Mock {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            match self.script.pop_front() {
                // The script is over: the end of the stream (0 bytes read).
                None => Poll::Ready(Ok(())),
                Some(Step::Data(bytes)) => {
                    let n = bytes.len().min(buf.remaining());
                    buf.put_slice(&bytes[..n]);
                    if n < bytes.len() {
                        self.script.push_front(Step::Data(&bytes[n..]));
                    }
                    Poll::Ready(Ok(()))
                }
                Some(Step::Pending) => {
                    // A real socket's waker fires when data arrives; the
                    // script's next step is ready at once.
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
                Some(Step::Error(kind)) => Poll::Ready(Err(kind.into())),
            }
        }
    }

    impl AsyncWrite for Mock {
        fn poll_write(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            let n = buf.len().min(self.max_write); // a short write
            self.written.extend_from_slice(&buf[..n]);
            Poll::Ready(Ok(n))
        }

        fn poll_flush(
            self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_shutdown(
            self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }
    // ANCHOR_END: mock
}

// ANCHOR: tests
#[cfg(test)]
mod tests {
    use super::mock::{Mock, Step};
    use super::*;
    use io::ErrorKind;

    #[tokio::test]
    async fn a_frame_in_pieces_is_read_whole() {
        let script = vec![
            Step::Data(&[0]), // half of the length
            Step::Pending,
            Step::Data(&[5, b'h', b'e']),
            Step::Data(b"llo"),
        ];
        let mut stream = Mock::new(script, usize::MAX);
        assert_eq!(read_frame(&mut stream).await.unwrap(), b"hello");
    }

    #[tokio::test]
    async fn two_frames_in_one_read_are_two_frames() {
        let script =
            vec![Step::Data(&[0, 2, b'h', b'i', 0, 3, b'y', b'o', b'u'])];
        let mut stream = Mock::new(script, usize::MAX);
        assert_eq!(read_frame(&mut stream).await.unwrap(), b"hi");
        assert_eq!(read_frame(&mut stream).await.unwrap(), b"you");
    }

    #[tokio::test]
    async fn the_stream_ending_mid_frame_is_an_error() {
        let script = vec![Step::Data(&[0, 5, b'h'])]; // then the end
        let mut stream = Mock::new(script, usize::MAX);
        let error = read_frame(&mut stream).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::UnexpectedEof);
    }

    #[tokio::test]
    async fn a_read_error_is_passed_on() {
        let script =
            vec![Step::Data(&[0]), Step::Error(ErrorKind::ConnectionReset)];
        let mut stream = Mock::new(script, usize::MAX);
        let error = read_frame(&mut stream).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::ConnectionReset);
    }

    #[tokio::test]
    async fn short_writes_still_write_the_whole_frame() {
        let mut stream = Mock::new(vec![], 3); // 3 bytes per write at most
        write_frame(&mut stream, b"hello").await.unwrap();
        assert_eq!(stream.written, [0, 5, b'h', b'e', b'l', b'l', b'o']);
    }
}
// ANCHOR_END: tests
