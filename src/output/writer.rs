//! A staged file past the write-behind budget ([`super::behind`]), written by a thread
//! of its own: the run's thread copies what it writes into a buffer and hands each
//! full buffer over, while this thread copies it into the page cache and waits for
//! the disk.
//!
//! Why: once a run's files are larger than a quarter of memory, each 64 MiB written
//! waits for the 64 MiB before it to be on disk. On the run's thread that wait
//! stopped the run, and the cores that compute the next part waited with it: in the
//! 60M-row `run --format json` (bench/README.md), one of the two computing threads
//! was on the CPU a third of the time. Written here, with up to [`QUEUE`] buffers
//! waiting, the run goes on while the disk catches up: that run took 0.78–0.93 of its
//! time in four paired runs. Two buffers waiting were not enough (no gain): the wait
//! for 64 MiB to reach the disk outlasts them. A run whose files fit in a quarter of
//! memory never gets here.
//!
//! The file's bytes are the ones handed over, in order (`tests::bytes_arrive_in_order`,
//! and `tests/streaming.rs` through whole runs). An error of the thread (the disk
//! full, an I/O error) is returned by the next hand-over or by [`Writer::finish`],
//! before anything is committed (`tests::an_error_of_the_thread_is_returned`).
//! Memory: at most `QUEUE + 2` buffers of [`CHUNK`] bytes a file, 17 MiB, whatever
//! the file's size.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

use super::behind::Behind;

/// Bytes handed over at a time.
const CHUNK: usize = 512 << 10;
/// Full buffers that may wait for the thread; the run's thread waits past that.
const QUEUE: usize = 32;

type Done = std::io::Result<(BufWriter<File>, Behind)>;

/// The run's end of a file written by a thread.
pub struct Writer {
    /// What is written, until it is a [`CHUNK`].
    buf: Vec<u8>,
    full: Option<SyncSender<Vec<u8>>>,
    /// Buffers the thread has written, to be filled again.
    empty: Receiver<Vec<u8>>,
    thread: Option<JoinHandle<Done>>,
}

impl Writer {
    /// Hands `out` and its write-behind state to a new thread.
    pub fn start(mut out: BufWriter<File>, mut behind: Behind) -> std::io::Result<Writer> {
        let (full, written) = sync_channel::<Vec<u8>>(QUEUE);
        let (give_back, empty) = channel();
        let thread = std::thread::Builder::new()
            .name("revcap-writer".into())
            .spawn(move || -> Done {
                for mut buf in written {
                    out.write_all(&buf)?;
                    if behind.wrote(buf.len()) {
                        out.flush()?;
                        behind.step(out.get_ref())?;
                    }
                    buf.clear();
                    // The run's end may be gone (dropped at an error): nothing lost.
                    let _ = give_back.send(buf);
                }
                Ok((out, behind))
            })?;
        Ok(Writer {
            buf: Vec::with_capacity(CHUNK),
            full: Some(full),
            empty,
            thread: Some(thread),
        })
    }

    /// Hands the full buffer over, taking one the thread has written (or a new one).
    fn hand_over(&mut self) -> std::io::Result<()> {
        let next = self
            .empty
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(CHUNK));
        let full = std::mem::replace(&mut self.buf, next);
        match self.full.as_ref().map(|f| f.send(full)) {
            Some(Ok(())) => Ok(()),
            // The thread has stopped, at an error its end gives.
            _ => Err(self.join().err().unwrap_or_else(stopped)),
        }
    }

    fn join(&mut self) -> Done {
        drop(self.full.take());
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(done)) => done,
            Some(Err(_)) => Err(std::io::Error::other("the thread writing a file panicked")),
            None => Err(stopped()),
        }
    }

    /// Hands over what is left and waits for the thread to write it: the file (its
    /// `BufWriter` not yet flushed) and its write-behind state, or the first error.
    pub fn finish(mut self) -> Done {
        if !self.buf.is_empty() {
            self.hand_over()?;
        }
        self.join()
    }
}

impl Drop for Writer {
    /// A file dropped unfinished (the run failed): its thread ends once it has
    /// written what it was handed, before the staging folder is removed.
    fn drop(&mut self) {
        if self.thread.is_some() {
            let _ = self.join();
        }
    }
}

fn stopped() -> std::io::Error {
    std::io::Error::other("the thread writing a file has stopped")
}

impl Write for Writer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let room = CHUNK.saturating_sub(self.buf.len()).max(1);
        let now = bytes.get(..room).unwrap_or(bytes);
        self.buf.extend_from_slice(now);
        if self.buf.len() >= CHUNK {
            self.hand_over()?;
        }
        Ok(now.len())
    }

    /// Nothing to do here: what is written reaches the file by [`Writer::finish`].
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Seek};

    /// Writes of every size, across buffer ends and several buffers queued, arrive
    /// whole and in order.
    #[test]
    fn bytes_arrive_in_order() {
        let file = tempfile::tempfile().unwrap();
        let mut w = Writer::start(BufWriter::new(file), Behind::default()).unwrap();
        let mut sent = Vec::new();
        let mut n = 0u32;
        for size in [
            0,
            1,
            7,
            CHUNK - 1,
            1,
            CHUNK,
            3 * CHUNK + 5,
            100,
            40 * CHUNK + 3,
        ] {
            let bytes: Vec<u8> = (0..size)
                .map(|_| {
                    n = n.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (n >> 16) as u8
                })
                .collect();
            w.write_all(&bytes).unwrap();
            sent.extend_from_slice(&bytes);
        }
        let (out, _) = w.finish().unwrap();
        let mut file = out.into_inner().unwrap();
        file.rewind().unwrap();
        let mut got = Vec::new();
        file.read_to_end(&mut got).unwrap();
        assert!(
            got == sent,
            "{} bytes written, {} read back",
            sent.len(),
            got.len()
        );
    }

    /// A file the thread cannot write (opened read-only): the error comes back to
    /// the run, by a later write or by `finish`, never lost.
    #[test]
    fn an_error_of_the_thread_is_returned() {
        let named = tempfile::NamedTempFile::new().unwrap();
        let read_only = File::open(named.path()).unwrap();
        let mut w = Writer::start(BufWriter::new(read_only), Behind::default()).unwrap();
        let bytes = vec![b'x'; (QUEUE + 4) * CHUNK];
        let written = w.write_all(&bytes);
        let finished = w.finish();
        assert!(written.is_err() || finished.is_err());
    }
}
