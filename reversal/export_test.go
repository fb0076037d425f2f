package reversal

// MarkReady lets a test journal and send operations before Run has started, as if they had been
// started together.
func MarkReady(d *Desk) { d.readyOnce.Do(func() { close(d.ready) }) }
