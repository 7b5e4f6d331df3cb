//! The Rust contender of the sockets rows: the program of
//! bench/guests/netbench on wit-bindgen's async support over
//! wasi:sockets 0.3. `echo ADDR BYTES` writes BYTES in 64 KiB writes from
//! one task while another reads the echo back; `connect ADDR N` connects,
//! exchanges a byte and closes N times. It prints the nanoseconds the work took.

wit_bindgen::generate!({
    path: "wit",
    world: "bench:rust-net/net",
    generate_all,
});

use std::net::SocketAddrV4;
use std::time::Instant;

use exports::wasi::cli::run::Guest;
use wasi::sockets::types::{IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, TcpSocket};
use wit_bindgen::StreamResult;

struct Net;

const CHUNK: usize = 64 * 1024;

impl Guest for Net {
    async fn run() -> Result<(), ()> {
        let args: Vec<String> = std::env::args().collect();
        let addr: SocketAddrV4 = args[2].parse().map_err(|_| ())?;
        let n: usize = args[3].parse().map_err(|_| ())?;
        let start = Instant::now();
        match args[1].as_str() {
            "echo" => echo(addr, n).await,
            "connect" => {
                for _ in 0..n {
                    round_trip(connect(addr).await).await;
                }
            }
            other => {
                eprintln!("unknown scenario {other:?}");
                return Err(());
            }
        }
        println!("ns {}", start.elapsed().as_nanos());
        Ok(())
    }
}

async fn connect(addr: SocketAddrV4) -> TcpSocket {
    let sock = TcpSocket::create(IpAddressFamily::Ipv4).expect("create");
    let [a, b, c, d] = addr.ip().octets();
    sock.connect(IpSocketAddress::Ipv4(Ipv4SocketAddress {
        port: addr.port(),
        address: (a, b, c, d),
    }))
    .await
    .expect("connect");
    sock
}

/// One byte to the server and back (see netbench's connect), then close.
async fn round_trip(sock: TcpSocket) {
    let (mut rx, _rx_result) = sock.receive();
    let (mut tx, tx_reader) = wit_stream::new::<u8>();
    let _tx_result = sock.send(tx_reader);
    let rest = tx.write_all(vec![1]).await;
    assert!(rest.is_empty(), "the server stopped reading");
    let (_, got) = rx.read(Vec::with_capacity(1)).await;
    assert_eq!(got, [1], "no echo");
    drop(tx);
    drop(rx);
    drop(sock);
}

async fn echo(addr: SocketAddrV4, size: usize) {
    let sock = connect(addr).await;
    let (mut rx, _rx_result) = sock.receive();
    let (mut tx, tx_reader) = wit_stream::new::<u8>();
    let _tx_result = sock.send(tx_reader);
    wit_bindgen::spawn_local(async move {
        let mut buf = vec![0u8; CHUNK];
        let mut left = size;
        while left > 0 {
            buf.resize(CHUNK.min(left), 0);
            left -= buf.len();
            buf = tx.write_all(buf).await;
            assert!(buf.is_empty(), "the echo server stopped reading");
        }
        drop(tx);
    });
    let mut got = 0;
    let mut buf = Vec::with_capacity(CHUNK);
    while got < size {
        let (result, read) = rx.read(buf).await;
        got += read.len();
        if matches!(result, StreamResult::Dropped) && got < size {
            panic!("echo ended after {got} of {size} bytes");
        }
        buf = read;
        buf.clear();
    }
    drop(sock);
}

export!(Net);
