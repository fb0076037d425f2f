package reversal

import (
	"context"
	"time"
)

// MarkReady lets a test journal and send operations before Run has started, as if they had been
// started together.
func MarkReady(d *Desk) { d.readyOnce.Do(func() { close(d.ready) }) }

// Tick runs one round of the desk's loop: the work due now. It returns when the next is due.
func Tick(ctx context.Context, d *Desk) (time.Time, bool) { return d.tick(ctx, false) }
