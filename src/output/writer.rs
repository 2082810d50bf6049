//! A staged file that writes behind (past the budget, or a file not read back:
//! [`super::behind`]), or a large one (`THREAD_FROM` in `output.rs`), written by a
//! thread of its own: the run's thread copies what it writes into a buffer and hands
//! each full buffer over, while this thread copies it into the page cache and waits
//! for the disk.
//!
//! Why: once a run's files are larger than a quarter of memory, each 64 MiB written
//! waits for the 64 MiB before it to be on disk. On the run's thread, that wait held
//! up the next part's work: in the 60M-row `run --format json`, the second computing
//! thread was on the CPU 31 s of the run's 85 s (bench/README.md). Written here, with
//! up to [`BUFFERS`] waiting, the run goes on while the disk catches up. Two buffers
//! waiting were not enough (no gain): the wait for 64 MiB to reach the disk outlasts
//! them. Below the budget, copying a large file into the page cache is work of its
//! own, which the run's thread also did between parts. Small files never get here.
//! A write error of such a file (a full disk) is met by the thread, so the run hears
//! of it at its next hand-over, not at the write itself: nothing is committed either
//! way, but an error the run meets before that hand-over is the one reported.
//!
//! The file's bytes are the ones handed over, in order (`tests::bytes_arrive_in_order`,
//! and `tests/streaming.rs` through whole runs). An error of the thread (the disk
//! full, an I/O error) is returned by the next hand-over or by [`Writer::finish`],
//! before anything is committed (`tests::an_error_of_the_thread_is_returned`).
//! Memory: [`BUFFERS`] buffers of [`CHUNK`] bytes for all the files of the process
//! (16 MiB), whatever their size and number (each has one at least).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

use super::behind::Behind;

/// Bytes handed over at a time.
const CHUNK: usize = 512 << 10;
/// Buffers the writers of the process may make in all (each makes its first
/// whatever the count): a writer past them waits for its thread to give one back.
const BUFFERS: usize = 32;

/// Buffers made by the writers of the process, their first ones included.
static LIVE: AtomicUsize = AtomicUsize::new(0);

type Done = std::io::Result<(BufWriter<File>, Behind)>;

/// The run's end of a file written by a thread.
pub struct Writer {
    /// What is written, until it is a [`CHUNK`].
    buf: Vec<u8>,
    full: Option<SyncSender<Vec<u8>>>,
    /// Buffers the thread has written, to be filled again.
    empty: Receiver<Vec<u8>>,
    thread: Option<JoinHandle<Done>>,
    /// Buffers this writer made (counted in [`LIVE`]).
    made: usize,
}

impl Writer {
    /// Hands `out` and its write-behind state to a new thread.
    pub fn start(mut out: BufWriter<File>, mut behind: Behind) -> std::io::Result<Writer> {
        let (full, written) = sync_channel::<Vec<u8>>(BUFFERS);
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
        LIVE.fetch_add(1, Ordering::Relaxed);
        Ok(Writer {
            buf: Vec::with_capacity(CHUNK),
            full: Some(full),
            empty,
            thread: Some(thread),
            made: 1,
        })
    }

    /// Hands the full buffer over, then takes one the thread has written, or a new
    /// one while the process has made fewer than [`BUFFERS`], or waits for the
    /// thread to give one back (it holds the one just sent: no wait is endless).
    fn hand_over(&mut self) -> std::io::Result<()> {
        let full = std::mem::take(&mut self.buf);
        if !matches!(self.full.as_ref().map(|f| f.send(full)), Some(Ok(()))) {
            // The thread has stopped, at an error its end gives.
            return Err(self.join().err().unwrap_or_else(stopped));
        }
        self.buf = match self.empty.try_recv() {
            Ok(buf) => buf,
            Err(_) if reserve() => {
                self.made += 1;
                Vec::with_capacity(CHUNK)
            }
            Err(_) => match self.empty.recv() {
                Ok(buf) => buf,
                Err(_) => return Err(self.join().err().unwrap_or_else(stopped)),
            },
        };
        Ok(())
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
        LIVE.fetch_sub(self.made, Ordering::Relaxed);
    }
}

/// Counts one more buffer if the process has made fewer than [`BUFFERS`].
fn reserve() -> bool {
    LIVE.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
        (n < BUFFERS).then_some(n + 1)
    })
    .is_ok()
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

    /// Several files written at once, far more than the buffers allowed: every
    /// byte arrives, and the buffers made are counted back when each file is done.
    #[test]
    fn files_share_the_buffers() {
        let mut writers: Vec<Writer> = (0..3)
            .map(|_| {
                let file = tempfile::tempfile().unwrap();
                Writer::start(BufWriter::new(file), Behind::default()).unwrap()
            })
            .collect();
        for round in 0..(2 * BUFFERS) {
            for (i, w) in writers.iter_mut().enumerate() {
                w.write_all(&vec![(round + i) as u8; CHUNK]).unwrap();
            }
            // Each its first, and what the process had left (other tests share it).
            assert!(writers.iter().map(|w| w.made).sum::<usize>() <= BUFFERS + 3);
        }
        for (i, w) in writers.into_iter().enumerate() {
            let (out, _) = w.finish().unwrap();
            let mut file = out.into_inner().unwrap();
            file.rewind().unwrap();
            let mut got = Vec::new();
            file.read_to_end(&mut got).unwrap();
            assert_eq!(got.len(), 2 * BUFFERS * CHUNK);
            for (round, chunk) in got.chunks(CHUNK).enumerate() {
                assert!(
                    chunk.iter().all(|&b| b == (round + i) as u8),
                    "file {i}, chunk {round}"
                );
            }
        }
    }

    /// A file the thread cannot write (opened read-only): the error comes back to
    /// the run, by a later write or by `finish`, never lost.
    #[test]
    fn an_error_of_the_thread_is_returned() {
        let named = tempfile::NamedTempFile::new().unwrap();
        let read_only = File::open(named.path()).unwrap();
        let mut w = Writer::start(BufWriter::new(read_only), Behind::default()).unwrap();
        let bytes = vec![b'x'; (BUFFERS + 4) * CHUNK];
        let written = w.write_all(&bytes);
        let finished = w.finish();
        assert!(written.is_err() || finished.is_err());
    }
}
