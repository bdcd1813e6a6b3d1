use bytes::{Bytes, BytesMut};
use futures::{SinkExt, StreamExt};
use tokio_util::codec::{
    Encoder, FramedRead, FramedWrite, LengthDelimitedCodec,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    // ANCHOR: wire
    // What one frame looks like on the wire: a 4-byte big-endian length,
    // then the payload.
    let mut wire = BytesMut::new();
    LengthDelimitedCodec::new().encode(Bytes::from("hello"), &mut wire)?;
    println!("\"hello\" on the wire: {:?}", &wire[..]);
    // ANCHOR_END: wire

    // ANCHOR: frames
    // At most 3 bytes fit in the pipe at once, so every frame of more than
    // 3 bytes reaches the reader in pieces.
    let (client, server) = tokio::io::duplex(3);

    let writer = tokio::spawn(async move {
        let mut frames = FramedWrite::new(client, LengthDelimitedCodec::new());
        frames.send(Bytes::from("hello")).await?;
        // Any bytes may be in a frame, newlines and zeros included.
        frames.send(Bytes::from(vec![0, b'\n', 255])).await?;
        frames.send(Bytes::new()).await?; // an empty frame is a frame too
        std::io::Result::Ok(())
        // `frames` is dropped here, and the stream with it: the reader
        // sees the end.
    });

    let mut frames = FramedRead::new(server, LengthDelimitedCodec::new());
    while let Some(frame) = frames.next().await {
        let frame = frame?; // a `BytesMut` holding exactly one payload
        println!("frame of {} bytes: {:?}", frame.len(), &frame[..]);
    }
    writer.await??;
    // ANCHOR_END: frames
    Ok(())
}
