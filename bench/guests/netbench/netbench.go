// Package netbench is the sockets benchmark's program, given a dial
// function: `echo ADDR BYTES` sends BYTES in 64 KiB writes from one
// goroutine while another reads the echo back, `connect ADDR N` connects,
// exchanges a byte and closes N times. It prints the nanoseconds the work took. The Go
// contenders (witgo-net, native-net) differ only in the dial function.
package netbench

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"
)

// Main runs the scenario os.Args names with dial.
func Main(dial func(network, address string) (net.Conn, error)) {
	n, err := strconv.Atoi(os.Args[3])
	if err != nil {
		fail(err)
	}
	start := time.Now()
	switch os.Args[1] {
	case "echo":
		err = echo(dial, os.Args[2], n)
	case "connect":
		err = connect(dial, os.Args[2], n)
	default:
		err = fmt.Errorf("unknown scenario %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
	fmt.Printf("ns %d\n", time.Since(start).Nanoseconds())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func echo(dial func(string, string) (net.Conn, error), addr string, size int) error {
	conn, err := dial("tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	werr := make(chan error, 1)
	go func() {
		buf := make([]byte, 64<<10)
		for left := size; left > 0; left -= len(buf) {
			if _, err := conn.Write(buf[:min(len(buf), left)]); err != nil {
				werr <- err
				return
			}
		}
		werr <- nil
	}()
	buf := make([]byte, 64<<10)
	for got := 0; got < size; {
		n, err := conn.Read(buf)
		if err == io.EOF {
			return fmt.Errorf("echo ended after %d of %d bytes", got, size)
		}
		if err != nil {
			return err
		}
		got += n
	}
	return <-werr
}

// connect opens n connections one after another, each exchanging one
// byte with the server before closing (so that the server has accepted
// it: a client that only connects and closes outruns the accept loop,
// and the listener's full backlog then stalls dials for a SYN
// retransmit).
func connect(dial func(string, string) (net.Conn, error), addr string, n int) error {
	b := []byte{1}
	for range n {
		conn, err := dial("tcp", addr)
		if err != nil {
			return err
		}
		if _, err := conn.Write(b); err != nil {
			return err
		}
		if _, err := io.ReadFull(conn, b); err != nil {
			return err
		}
		conn.Close()
	}
	return nil
}
