package wasinet

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"witgo/async"
	"witgo/bindings/wasi/sockets/types"
	"witgo/wit"
)

// TCPConn is a TCP connection over wasi:sockets 0.3. It is a net.Conn:
// Read and Write block only the calling goroutine, deadlines cancel them
// (and may be moved while they wait), Close unblocks them with
// net.ErrClosed, and many goroutines may use it at once.
type TCPConn struct {
	sock    *types.TCPSocket
	network string
	laddr   *net.TCPAddr
	raddr   *net.TCPAddr

	life      context.Context // ends at Close (cause net.ErrClosed)
	kill      context.CancelCauseFunc
	closeOnce sync.Once
	deadlines

	r struct {
		half
		stream *async.StreamReader[uint8] // nil after CloseRead
	}
	w struct {
		half
		stream *async.StreamWriter[uint8] // nil after CloseWrite
	}
}

// half is what one direction of a connection keeps.
type half struct {
	mu     sync.Mutex // one operation at a time; held while the stream is in use
	life   context.Context
	stop   context.CancelCauseFunc // ends the direction (CloseRead, CloseWrite)
	result *async.FutureReader[wit.Result[struct{}, types.ErrorCode]]
	err    error // sticky: the direction's end, once seen
}

// newTCPConn takes a connected socket (dialled or accepted) and opens
// both directions.
func newTCPConn(sock *types.TCPSocket, network string) *TCPConn {
	c := &TCPConn{sock: sock, network: network}
	c.life, c.kill = context.WithCancelCause(context.Background())
	c.r.life, c.r.stop = context.WithCancelCause(c.life)
	c.w.life, c.w.stop = context.WithCancelCause(c.life)
	c.r.stream, c.r.result = sock.Receive()
	w, r := async.NewStream[uint8]()
	c.w.stream, c.w.result = w, sock.Send(r)
	if a, err := sock.GetLocalAddress(); err == nil {
		c.laddr = tcpAddr(addrPort(a))
	}
	if a, err := sock.GetRemoteAddress(); err == nil {
		c.raddr = tcpAddr(addrPort(a))
	}
	return c
}

func (c *TCPConn) opError(op string, err error) error {
	return opError(op, c.network, tcpNetAddr(c.laddr), tcpNetAddr(c.raddr), err)
}

// tcpNetAddr is a as a net.Addr, nil if a is.
func tcpNetAddr(a *net.TCPAddr) net.Addr {
	if a == nil {
		return nil
	}
	return a
}

// Read implements net.Conn. It returns io.EOF once the peer has closed
// its side (or after CloseRead), and the connection's error (for example
// syscall.ECONNRESET) if it broke.
func (c *TCPConn) Read(b []byte) (int, error) {
	r := &c.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.life.Err() != nil {
		return 0, c.opError("read", net.ErrClosed)
	}
	if r.err != nil {
		return 0, r.err
	}
	if len(b) == 0 {
		return 0, nil
	}
	ctx, end, err := c.rd.begin(r.life)
	if err != nil {
		return 0, c.opError("read", err)
	}
	n, err := r.stream.Read(ctx, b)
	cause := end()
	switch {
	case n > 0:
		return n, nil
	case err == io.EOF:
		// The host sends the connection's outcome once the stream ends.
		r.err = io.EOF
		if res, ferr := r.result.Read(r.life); ferr == nil {
			if code, failed := res.Err(); failed {
				r.err = c.opError("read", socketError("read", code))
			}
		}
		return 0, r.err
	case cause == io.EOF: // CloseRead
		return 0, io.EOF
	case cause != nil:
		return 0, c.opError("read", cause)
	default:
		return 0, c.opError("read", err)
	}
}

// Write implements net.Conn: it returns once the host has taken all of b,
// or with the count it took and an error.
func (c *TCPConn) Write(b []byte) (int, error) {
	w := &c.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if c.life.Err() != nil {
		return 0, c.opError("write", net.ErrClosed)
	}
	if w.err != nil {
		return 0, w.err
	}
	if len(b) == 0 {
		return 0, nil
	}
	ctx, end, err := c.wd.begin(w.life)
	if err != nil {
		return 0, c.opError("write", err)
	}
	n, err := w.stream.Write(ctx, b)
	cause := end()
	switch {
	case err == nil:
		return n, nil
	case errors.Is(err, async.ErrPeerGone):
		// The host stopped taking data: the connection broke, and the
		// result says how.
		w.err = c.opError("write", socketError("write", types.ErrorCodeConnectionBroken()))
		if res, ferr := w.result.Read(c.life); ferr == nil {
			if code, failed := res.Err(); failed {
				w.err = c.opError("write", socketError("write", code))
			}
		}
		return n, w.err
	case cause != nil:
		return n, c.opError("write", cause)
	default:
		return n, c.opError("write", err)
	}
}

// CloseRead shuts down the reading side: Read returns io.EOF from now on.
func (c *TCPConn) CloseRead() error {
	if c.life.Err() != nil {
		return c.opError("close", net.ErrClosed)
	}
	c.r.stop(io.EOF) // a Read waiting returns
	c.r.mu.Lock()
	defer c.r.mu.Unlock()
	if c.r.stream != nil {
		c.r.stream.Close()
		c.r.stream = nil
		c.r.err = io.EOF
	}
	return nil
}

// CloseWrite shuts down the writing side: the peer reads io.EOF after
// what was written, and Write fails with EPIPE from now on.
func (c *TCPConn) CloseWrite() error {
	if c.life.Err() != nil {
		return c.opError("close", net.ErrClosed)
	}
	shut := os.NewSyscallError("write", syscall.EPIPE)
	c.w.stop(shut) // a Write waiting returns
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	if c.w.stream != nil {
		c.w.stream.Close()
		c.w.stream = nil
		c.w.err = c.opError("write", shut)
	}
	return nil
}

// Close closes the connection: Read and Write calls waiting return
// net.ErrClosed, and what was written goes out before the host's FIN.
func (c *TCPConn) Close() error {
	first := false
	c.closeOnce.Do(func() { first = true })
	if !first {
		return c.opError("close", net.ErrClosed)
	}
	c.kill(net.ErrClosed)
	c.r.mu.Lock()
	if c.r.stream != nil {
		c.r.stream.Close()
		c.r.stream = nil
	}
	c.r.result.Close()
	c.r.mu.Unlock()
	c.w.mu.Lock()
	if c.w.stream != nil {
		c.w.stream.Close()
		c.w.stream = nil
	}
	c.w.result.Close()
	c.w.mu.Unlock()
	return c.sock.Close()
}

// LocalAddr implements net.Conn (a *net.TCPAddr).
func (c *TCPConn) LocalAddr() net.Addr { return tcpNetAddr(c.laddr) }

// RemoteAddr implements net.Conn (a *net.TCPAddr).
func (c *TCPConn) RemoteAddr() net.Addr { return tcpNetAddr(c.raddr) }

// SetKeepAlive turns TCP keep-alive probes on or off.
func (c *TCPConn) SetKeepAlive(on bool) error {
	return c.setOption(c.sock.SetKeepAliveEnabled(on))
}

// SetKeepAlivePeriod sets the idle time before the first probe and the
// interval between probes.
func (c *TCPConn) SetKeepAlivePeriod(d time.Duration) error {
	if err := c.sock.SetKeepAliveIdleTime(types.Duration(d)); err != nil {
		return c.setOption(err)
	}
	return c.setOption(c.sock.SetKeepAliveInterval(types.Duration(d)))
}

// SetKeepAliveConfig applies config as net.TCPConn's does: a zero field
// keeps a default, a negative one keeps the host's setting.
func (c *TCPConn) SetKeepAliveConfig(config net.KeepAliveConfig) error {
	if err := c.SetKeepAlive(config.Enable); err != nil || !config.Enable {
		return err
	}
	if config.Idle >= 0 {
		d := config.Idle
		if d == 0 {
			d = 15 * time.Second
		}
		if err := c.setOption(c.sock.SetKeepAliveIdleTime(types.Duration(d))); err != nil {
			return err
		}
	}
	if config.Interval >= 0 {
		d := config.Interval
		if d == 0 {
			d = 15 * time.Second
		}
		if err := c.setOption(c.sock.SetKeepAliveInterval(types.Duration(d))); err != nil {
			return err
		}
	}
	if config.Count > 0 {
		return c.setOption(c.sock.SetKeepAliveCount(uint32(config.Count)))
	}
	return nil
}

// SetNoDelay fails with ENOPROTOOPT: wasi:sockets 0.3 has no such option,
// so Nagle's algorithm is as the host's sockets have it.
func (c *TCPConn) SetNoDelay(bool) error {
	return c.opError("set", os.NewSyscallError("setsockopt", syscall.ENOPROTOOPT))
}

// SetReadBuffer sets the size of the host's receive buffer.
func (c *TCPConn) SetReadBuffer(bytes int) error {
	return c.setOption(c.sock.SetReceiveBufferSize(uint64(bytes)))
}

// SetWriteBuffer sets the size of the host's send buffer.
func (c *TCPConn) SetWriteBuffer(bytes int) error {
	return c.setOption(c.sock.SetSendBufferSize(uint64(bytes)))
}

func (c *TCPConn) setOption(err error) error {
	if err == nil {
		return nil
	}
	return c.opError("set", socketError("setsockopt", err))
}
