package ui

import (
	"bytes"
	"strconv"
)

// parseBackgroundReply finds a terminal's answer to OSC 11 (its background colour) in what it
// sent back, "ESC ] 11 ; rgb:RRRR/GGGG/BBBB" ended by BEL or ST, and says whether the colour is
// dark (HSL lightness below one half, as termenv decides).
func parseBackgroundReply(b []byte) (dark, found bool) {
	i := bytes.Index(b, []byte("\x1b]11;rgb:"))
	if i < 0 {
		return false, false
	}
	rest := b[i+len("\x1b]11;rgb:"):]
	if end := bytes.IndexAny(rest, "\x07\x1b"); end >= 0 {
		rest = rest[:end]
	} else {
		return false, false
	}
	parts := bytes.Split(rest, []byte("/"))
	if len(parts) != 3 {
		return false, false
	}
	var rgb [3]float64
	for k, p := range parts {
		if len(p) == 0 || len(p) > 4 {
			return false, false
		}
		v, err := strconv.ParseUint(string(p), 16, 16)
		if err != nil {
			return false, false
		}
		rgb[k] = float64(v) / float64(uint64(1)<<(4*len(p))-1)
	}
	lightness := (max(rgb[0], rgb[1], rgb[2]) + min(rgb[0], rgb[1], rgb[2])) / 2
	return lightness < 0.5, true
}
