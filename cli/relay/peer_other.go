//go:build !linux && !darwin

package relay

import "errors"

// socketPeerUID cannot be read on this system: every connection is refused.
func socketPeerUID(int) (int, error) {
	return -1, errors.New("this system does not say who is at the other end of a socket")
}
