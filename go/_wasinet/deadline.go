package wasinet

import (
	"context"
	"os"
	"sync"
	"time"
)

// deadline is one direction's deadline (net.Conn's SetReadDeadline or
// SetWriteDeadline): a timer that cancels the operation in progress when
// the deadline passes, re-armed when the deadline moves while it waits.
type deadline struct {
	mu     sync.Mutex
	at     time.Time
	timer  *time.Timer
	cancel context.CancelCauseFunc // the operation in progress, if any
}

// set moves the deadline to t (zero: none); an operation in progress
// sees the new one.
func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.at = t
	d.arm()
}

// arm points the timer at the deadline for the operation in progress
// (d.mu held).
func (d *deadline) arm() {
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	if d.cancel == nil || d.at.IsZero() {
		return
	}
	cancel := d.cancel
	if wait := time.Until(d.at); wait > 0 {
		d.timer = time.AfterFunc(wait, func() { cancel(os.ErrDeadlineExceeded) })
	} else {
		cancel(os.ErrDeadlineExceeded)
	}
}

// begin starts an operation: its context ends with parent's, or when the
// deadline passes. It fails with os.ErrDeadlineExceeded at once if the
// deadline has passed already (as net's connections do, even with data
// waiting). end finishes the operation and returns why its context ended
// (nil if it did not).
func (d *deadline) begin(parent context.Context) (ctx context.Context, end func() error, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.at.IsZero() && !time.Now().Before(d.at) {
		return nil, nil, os.ErrDeadlineExceeded
	}
	ctx, cancel := context.WithCancelCause(parent)
	d.cancel = cancel
	d.arm()
	return ctx, func() error {
		d.mu.Lock()
		d.cancel = nil
		if d.timer != nil {
			d.timer.Stop()
			d.timer = nil
		}
		d.mu.Unlock()
		cause := context.Cause(ctx)
		cancel(nil)
		return cause
	}, nil
}

// deadlines are a connection's read and write deadlines, and net.Conn's
// methods that set them.
type deadlines struct {
	rd, wd deadline
}

// SetDeadline implements net.Conn: both deadlines at once.
func (d *deadlines) SetDeadline(t time.Time) error {
	d.rd.set(t)
	d.wd.set(t)
	return nil
}

// SetReadDeadline implements net.Conn: a read waiting when t passes (or
// starting after) fails with an error whose Timeout() is true and that is
// os.ErrDeadlineExceeded. Zero means no deadline.
func (d *deadlines) SetReadDeadline(t time.Time) error { d.rd.set(t); return nil }

// SetWriteDeadline implements net.Conn, as SetReadDeadline for writes.
func (d *deadlines) SetWriteDeadline(t time.Time) error { d.wd.set(t); return nil }
