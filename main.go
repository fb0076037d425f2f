// Command qfpos is a counter-terminal refund desk for stores that take payments through QFPay.
// The command tree is in package cli; see README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	// Before Bubble Tea's init: no question to the terminal before main (see its doc comment).
	_ "boot.qfpos/termquery"

	"qfpos/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Execute(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
