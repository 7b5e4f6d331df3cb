// Command netconn runs one networking scenario (its first argument)
// against addresses the test gives, printing what it saw; it exits
// non-zero if a check fails.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"e2e/netconn/gen/witgo/wasinet"
)

func main() {
	args := os.Args[1:]
	scenarios := map[string]func([]string) error{
		"echo":           echo,
		"deadline":       deadline,
		"moved-deadline": movedDeadline,
		"refused":        refused,
		"denied":         denied,
		"half-close":     halfClose,
		"concurrent":     concurrent,
		"close-unblocks": closeUnblocks,
		"listen":         listen,
		"udp":            udpRoundTrip,
		"lookup":         lookup,
		"http-get":       httpGet,
	}
	run, ok := scenarios[args[0]]
	if !ok {
		fail(fmt.Errorf("unknown scenario %q", args[0]))
	}
	if err := run(args[1:]); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "FAIL:", err)
	os.Exit(1)
}

// echo sends size pseudo-random bytes in 64 KiB writes from one goroutine
// while another reads the echo back, then half-closes and checks that the
// echo hashes the same and ends with io.EOF.
func echo(args []string) error {
	size, _ := strconv.Atoi(args[1])
	conn, err := wasinet.Dial("tcp", args[0])
	if err != nil {
		return err
	}
	defer conn.Close()
	start := time.Now()
	sent := sha256.New()
	werr := make(chan error, 1)
	go func() {
		rng := rand.New(rand.NewPCG(1, 2))
		buf := make([]byte, 64<<10)
		for left := size; left > 0; left -= len(buf) {
			chunk := buf[:min(len(buf), left)]
			for i := range chunk {
				chunk[i] = byte(rng.Uint32())
			}
			sent.Write(chunk)
			if _, err := conn.Write(chunk); err != nil {
				werr <- err
				return
			}
		}
		werr <- conn.(*wasinet.TCPConn).CloseWrite()
	}()
	got := sha256.New()
	n, err := io.CopyBuffer(got, conn, make([]byte, 64<<10))
	if err != nil {
		return fmt.Errorf("reading the echo: %w", err)
	}
	if err := <-werr; err != nil {
		return fmt.Errorf("writing: %w", err)
	}
	if n != int64(size) || !bytes.Equal(sent.Sum(nil), got.Sum(nil)) {
		return fmt.Errorf("echo: %d bytes back of %d, hashes equal: %v", n, size,
			bytes.Equal(sent.Sum(nil), got.Sum(nil)))
	}
	fmt.Printf("echo ok: %d bytes each way in %v, local %v remote %v\n",
		n, time.Since(start).Round(time.Millisecond), conn.LocalAddr(), conn.RemoteAddr())
	return nil
}

// deadline reads from a server that never writes, with a read deadline
// ms away, and prints how long the read took.
func deadline(args []string) error {
	ms, _ := strconv.Atoi(args[1])
	conn, err := wasinet.Dial("tcp", args[0])
	if err != nil {
		return err
	}
	defer conn.Close()
	start := time.Now()
	conn.SetReadDeadline(start.Add(time.Duration(ms) * time.Millisecond))
	return checkTimeout(conn, start)
}

// movedDeadline starts a read with a deadline 10 s away and moves it to
// ms from now while the read waits.
func movedDeadline(args []string) error {
	ms, _ := strconv.Atoi(args[1])
	conn, err := wasinet.Dial("tcp", args[0])
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	moved := make(chan time.Time)
	go func() {
		time.Sleep(20 * time.Millisecond)
		now := time.Now()
		conn.SetReadDeadline(now.Add(time.Duration(ms) * time.Millisecond))
		moved <- now
	}()
	return checkTimeout(conn, <-moved)
}

func checkTimeout(conn net.Conn, since time.Time) error {
	n, err := conn.Read(make([]byte, 16))
	took := time.Since(since)
	var ne net.Error
	if n != 0 || !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("read gave %d, %v: want a timeout", n, err)
	}
	if _, ok := err.(*net.OpError); !ok {
		return fmt.Errorf("%T is not a *net.OpError", err)
	}
	// A read after the deadline fails at once, as net's do.
	if _, err := conn.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("second read: %v", err)
	}
	fmt.Printf("timeout after %d ms: %v\n", took.Milliseconds(), err)
	return nil
}

func refused(args []string) error {
	_, err := wasinet.Dial("tcp", args[0])
	var op *net.OpError
	if !errors.Is(err, syscall.ECONNREFUSED) || !errors.As(err, &op) || op.Op != "dial" {
		return fmt.Errorf("dial gave %v: want connection refused", err)
	}
	fmt.Println("refused:", err)
	return nil
}

func denied(args []string) error {
	_, err := wasinet.Dial("tcp", args[0])
	if !errors.Is(err, syscall.EACCES) || !errors.Is(err, os.ErrPermission) {
		return fmt.Errorf("dial gave %v: want permission denied", err)
	}
	fmt.Println("denied:", err)
	return nil
}

// halfClose writes, half-closes, and reads the server's answer, which it
// sends only after seeing our EOF.
func halfClose(args []string) error {
	conn, err := wasinet.Dial("tcp", args[0])
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "hello, half-closed world"); err != nil {
		return err
	}
	if err := conn.(*wasinet.TCPConn).CloseWrite(); err != nil {
		return err
	}
	if _, err := conn.Write([]byte("x")); !errors.Is(err, syscall.EPIPE) {
		return fmt.Errorf("write after CloseWrite gave %v", err)
	}
	answer, err := io.ReadAll(conn)
	if err != nil {
		return err
	}
	fmt.Printf("half-close answer: %s\n", answer)
	return nil
}

// concurrent dials n connections from n goroutines at once; each sends a
// line and reads its echo.
func concurrent(args []string) error {
	n, _ := strconv.Atoi(args[1])
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := wasinet.DialContext(context.Background(), "tcp", args[0])
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			msg := fmt.Sprintf("connection %d\n", i)
			if _, err := io.WriteString(conn, msg); err != nil {
				errs <- err
				return
			}
			line, err := bufio.NewReader(conn).ReadString('\n')
			if err != nil || line != msg {
				errs <- fmt.Errorf("connection %d read %q, %v", i, line, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	fmt.Printf("concurrent ok: %d connections in %v\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}

// closeUnblocks closes a connection while another goroutine's read waits.
func closeUnblocks(args []string) error {
	conn, err := wasinet.Dial("tcp", args[0])
	if err != nil {
		return err
	}
	done := make(chan error)
	go func() {
		_, err := conn.Read(make([]byte, 1))
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	if err := conn.Close(); err != nil {
		return err
	}
	err = <-done
	if !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("read gave %v: want net.ErrClosed", err)
	}
	if err := conn.Close(); !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("second Close gave %v", err)
	}
	fmt.Println("close unblocked the read:", err)
	return nil
}

// listen serves a line protocol (each line back as "echo: LINE") on a
// port the host picks, printing the address, until n connections have
// been served.
func listen(args []string) error {
	n, _ := strconv.Atoi(args[0])
	l, err := wasinet.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("listening on %v\n", l.Addr())
	var wg sync.WaitGroup
	for range n {
		conn, err := l.Accept()
		if err != nil {
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer conn.Close()
			sc := bufio.NewScanner(conn)
			for sc.Scan() {
				fmt.Fprintf(conn, "echo: %s\n", sc.Text())
			}
		}()
	}
	wg.Wait()
	l.Close()
	if _, err := l.Accept(); !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("Accept after Close gave %v", err)
	}
	fmt.Printf("served %d connections\n", n)
	return nil
}

func udpRoundTrip(args []string) error {
	conn, err := wasinet.Dial("udp", args[0])
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("ping over udp")); err != nil {
		return err
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 64)
	n, err := conn.Read(buf)
	if err != nil {
		return err
	}
	fmt.Printf("udp reply: %s\n", buf[:n])
	return nil
}

func lookup(args []string) error {
	addrs, err := wasinet.LookupHost(args[0])
	if err != nil {
		return err
	}
	fmt.Printf("lookup %s: %s\n", args[0], strings.Join(addrs, " "))
	return nil
}

// httpGet fetches a URL with net/http's client over wasinet (a Transport
// whose DialContext is wasinet's), twice on one keep-alive connection.
func httpGet(args []string) error {
	dials := 0
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials++
			return wasinet.DialContext(ctx, network, addr)
		},
	}}
	for range 2 {
		resp, err := client.Get(args[0])
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		fmt.Printf("%d %s", resp.StatusCode, body)
	}
	fmt.Printf("dials: %d\n", dials)
	return nil
}
