//! A fault-injecting HTTP/1.1 proxy for loopback tests: it stands between
//! the core and the reference server and, for each request, follows a seeded
//! random schedule of faults — drop the connection, delay, reset half-way
//! through the answer, answer 500/502/503/429 itself, truncate the body,
//! deliver the request twice, send the answer twice, stall past the client's
//! timeout after the server has taken the request.
//!
//! Every connection carries one exchange (`Connection: close` both ways),
//! which keeps the proxy small and lets each request meet its own fault.

use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// One fault, chosen per request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    /// Forward and answer faithfully.
    Pass,
    /// Close the client's connection before anything is forwarded.
    Drop,
    /// Wait this many milliseconds, then forward.
    Delay(u64),
    /// Forward; send the client the first half of the answer, then reset the connection.
    ResetMidBody,
    /// Answer with this status without forwarding (`429` and `503` carry `Retry-After: 1`).
    Status(u16),
    /// Forward (the server stores it), then answer the client `502`: the answer was lost.
    LostAnswer,
    /// Forward; send the head and part of the body, then close cleanly.
    Truncate,
    /// Forward the request twice (a retransmitting middlebox); answer with the second reply.
    DuplicateRequest,
    /// Forward once and write the answer twice.
    DuplicateAnswer,
    /// Forward after this many milliseconds (meant to exceed the client's timeout).
    Stall(u64),
}

/// How often each fault happens, as weights (out of their sum).
#[derive(Debug, Clone)]
pub struct Plan {
    /// (fault, weight).
    pub faults: Vec<(Fault, u32)>,
}

impl Plan {
    /// A hostile network: about two requests in three meet a fault. `stall_ms`
    /// should exceed the client's timeout.
    pub fn hostile(stall_ms: u64) -> Plan {
        use Fault::*;
        Plan {
            faults: vec![
                (Pass, 34),
                (Drop, 8),
                (Delay(30), 8),
                (ResetMidBody, 8),
                (Status(500), 5),
                (Status(502), 5),
                (Status(503), 5),
                (Status(429), 5),
                (LostAnswer, 8),
                (Truncate, 6),
                (DuplicateRequest, 4),
                (DuplicateAnswer, 3),
                (Stall(stall_ms), 1),
            ],
        }
    }
}

/// A small seeded generator (xorshift64*): the schedule is a function of the seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// From a seed (0 is moved off the fixed point).
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15 | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

struct Shared {
    rng: Rng,
    plan: Plan,
    seen: BTreeMap<Fault, u32>,
}

/// A running proxy; dropping it stops accepting.
pub struct FaultProxy {
    /// Where clients connect.
    pub addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultProxy {
    /// Listens on loopback and forwards to `upstream` under `plan`, seeded by `seed`.
    pub async fn start(upstream: SocketAddr, seed: u64, plan: Plan) -> std::io::Result<FaultProxy> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Mutex::new(Shared { rng: Rng::new(seed), plan, seen: BTreeMap::new() }));
        let s = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let fault = s.lock().map(|mut s| s.pick()).unwrap_or(Fault::Pass);
                tokio::spawn(async move {
                    let _ = exchange(client, upstream, fault).await;
                });
            }
        });
        Ok(FaultProxy { addr, shared, task })
    }

    /// The proxy's base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many times each fault was chosen so far.
    pub fn seen(&self) -> BTreeMap<Fault, u32> {
        self.shared.lock().map(|s| s.seen.clone()).unwrap_or_default()
    }
}

impl Shared {
    fn pick(&mut self) -> Fault {
        let total: u64 = self.plan.faults.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut roll = self.rng.below(total);
        let mut chosen = Fault::Pass;
        for (f, w) in &self.plan.faults {
            if roll < u64::from(*w) {
                chosen = *f;
                break;
            }
            roll -= u64::from(*w);
        }
        *self.seen.entry(chosen).or_default() += 1;
        chosen
    }
}

/// Reads one request (head and `Content-Length` body) and returns it with
/// `Connection: close` in place of whatever the client asked.
async fn read_request(client: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok([close_head(&head).as_bytes(), &buf[head_end..head_end + length]].concat())
}

/// The head with its `Connection`/`Keep-Alive` lines replaced by `Connection: close`.
fn close_head(head: &str) -> String {
    let mut out = String::new();
    for line in head.trim_end().split("\r\n") {
        let name = line.split(':').next().unwrap_or_default().trim();
        if name.eq_ignore_ascii_case("connection") || name.eq_ignore_ascii_case("keep-alive") {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Sends the request to the server and reads its whole answer (the server closes after it).
async fn forward(upstream: SocketAddr, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut up = TcpStream::connect(upstream).await?;
    up.write_all(request).await?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer).await?;
    // Our client gets `Connection: close` too, whatever the server said.
    match find(&answer, b"\r\n\r\n") {
        Some(i) => {
            let head = String::from_utf8_lossy(&answer[..i + 4]).into_owned();
            Ok([close_head(&head).as_bytes(), &answer[i + 4..]].concat())
        }
        None => Ok(answer),
    }
}

fn status_answer(code: u16) -> Vec<u8> {
    let body = format!("[{{\"code\":{code},\"description\":\"injected fault\"}}]");
    let reason = match code {
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let retry = if matches!(code, 429 | 503) { "Retry-After: 1\r\n" } else { "" };
    format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{retry}Connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn exchange(mut client: TcpStream, upstream: SocketAddr, fault: Fault) -> std::io::Result<()> {
    let request = read_request(&mut client).await?;
    match fault {
        Fault::Pass => client.write_all(&forward(upstream, &request).await?).await?,
        Fault::Drop => return Ok(()),
        Fault::Delay(ms) | Fault::Stall(ms) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            let answer = forward(upstream, &request).await?;
            client.write_all(&answer).await?;
        }
        Fault::ResetMidBody => {
            let answer = forward(upstream, &request).await?;
            client.write_all(&answer[..answer.len() / 2]).await?;
            // Linger 0: the close is a TCP reset, not an orderly end.
            client.set_zero_linger()?;
            return Ok(());
        }
        Fault::Status(code) => client.write_all(&status_answer(code)).await?,
        Fault::LostAnswer => {
            forward(upstream, &request).await?;
            client.write_all(&status_answer(502)).await?;
        }
        Fault::Truncate => {
            let answer = forward(upstream, &request).await?;
            let cut = find(&answer, b"\r\n\r\n").map_or(answer.len() / 2, |i| i + 4 + (answer.len() - i - 4) / 3);
            client.write_all(&answer[..cut]).await?;
        }
        Fault::DuplicateRequest => {
            forward(upstream, &request).await?;
            client.write_all(&forward(upstream, &request).await?).await?;
        }
        Fault::DuplicateAnswer => {
            let answer = forward(upstream, &request).await?;
            client.write_all(&answer).await?;
            client.write_all(&answer).await?;
        }
    }
    client.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_is_a_function_of_the_seed() {
        let pick = |seed| {
            let mut s = Shared { rng: Rng::new(seed), plan: Plan::hostile(100), seen: BTreeMap::new() };
            (0..50).map(|_| s.pick()).collect::<Vec<_>>()
        };
        assert_eq!(pick(7), pick(7));
        assert_ne!(pick(7), pick(8));
        let all = {
            let mut s = Shared { rng: Rng::new(1), plan: Plan::hostile(100), seen: BTreeMap::new() };
            (0..5000).for_each(|_| {
                s.pick();
            });
            s.seen
        };
        assert_eq!(all.len(), Plan::hostile(100).faults.len(), "every fault comes up: {all:?}");
    }

    #[test]
    fn heads_are_rewritten_to_close() {
        let h = close_head("POST / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nKeep-Alive: 5\r\n\r\n");
        assert_eq!(h, "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }
}
