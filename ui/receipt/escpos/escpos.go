// Package escpos writes ESC/POS, the command language of receipt printers: initialise, align,
// double height, text in the printer's encoding (UTF-8, GB18030 or standard Big5, switching a
// Chinese printer to its Chinese mode), a QR code, and a cut; and Send, which delivers the bytes to a
// network printer, a device or a file within a timeout. No cgo; the encodings come from
// golang.org/x/text.
package escpos

import (
	"bytes"
	"fmt"
	"strings"
)

// Commands.
var (
	Initialise    = []byte{0x1b, 0x40}             // ESC @
	ChineseOn     = []byte{0x1c, 0x26}             // FS &: the double-byte (Chinese) character mode
	ChineseOff    = []byte{0x1c, 0x2e}             // FS .
	CutPartial    = []byte{0x1d, 0x56, 0x42, 0x00} // GS V 66 0: feed to the cutter and cut
	alignCommands = map[Align][]byte{Left: {0x1b, 0x61, 0}, Center: {0x1b, 0x61, 1}}
)

// Align is a line's alignment.
type Align int

// Alignments.
const (
	Left Align = iota
	Center
)

// Encoding is how text reaches the printer: "utf-8", "gb18030" or "big5".
type Encoding string

// Encodings.
const (
	UTF8    Encoding = "utf-8"
	GB18030 Encoding = "gb18030"
	Big5    Encoding = "big5"
)

// ParseEncoding reads an encoding's name.
func ParseEncoding(s string) (Encoding, error) {
	switch e := Encoding(strings.ToLower(s)); e {
	case UTF8, GB18030, Big5:
		return e, nil
	}
	return "", fmt.Errorf("%q is not utf-8, gb18030 or big5", s)
}

// runeEncoder is how the encoding writes one character (nil for UTF-8, which writes all).
func (e Encoding) runeEncoder() func(rune) ([]byte, bool) {
	switch e {
	case GB18030:
		return gb18030Rune
	case Big5:
		return big5Rune
	}
	return nil
}

// Builder collects a receipt's commands.
type Builder struct {
	buf      bytes.Buffer
	enc      Encoding
	replaced []rune
}

// New starts a receipt: initialise, and for a Chinese encoding the printer's Chinese mode.
func New(enc Encoding) *Builder {
	b := &Builder{enc: enc}
	b.buf.Write(Initialise)
	if enc == GB18030 || enc == Big5 {
		b.buf.Write(ChineseOn)
	}
	return b
}

// Align sets the alignment of the lines that follow.
func (b *Builder) Align(a Align) *Builder {
	b.buf.Write(alignCommands[a])
	return b
}

// DoubleHeight turns double-height characters on or off (ESC ! 16 / ESC ! 0).
func (b *Builder) DoubleHeight(on bool) *Builder {
	mode := byte(0)
	if on {
		mode = 0x10
	}
	b.buf.Write([]byte{0x1b, 0x21, mode})
	return b
}

// Line writes a line of text in the printer's encoding. A character the encoding lacks is
// replaced by a stand-in ("->" for →, e for é, else "?"); Replaced lists them.
func (b *Builder) Line(s string) *Builder {
	if enc := b.enc.runeEncoder(); enc != nil {
		out, replaced := encodeText(s, enc)
		b.buf.Write(out)
		b.replaced = append(b.replaced, replaced...)
	} else {
		b.buf.WriteString(s)
	}
	b.buf.WriteByte('\n')
	return b
}

// Replaced lists the characters that the printer's encoding lacks and Line replaced, in order.
func (b *Builder) Replaced() []rune { return b.replaced }

// QR prints data as a QR code (model 2, module size 6, error correction M): GS ( k.
func (b *Builder) QR(data string) *Builder {
	gs := func(fn byte, args ...byte) {
		n := len(args) + 2
		b.buf.Write([]byte{0x1d, 0x28, 0x6b, byte(n), byte(n >> 8), 0x31, fn})
		b.buf.Write(args)
	}
	gs(0x41, 0x32, 0x00) // model 2
	gs(0x43, 6)          // module size
	gs(0x45, 0x31)       // error correction M
	store := append([]byte{0x30}, data...)
	n := len(store) + 2
	b.buf.Write([]byte{0x1d, 0x28, 0x6b, byte(n), byte(n >> 8), 0x31, 0x50})
	b.buf.Write(store)
	gs(0x51, 0x30) // print
	b.buf.WriteByte('\n')
	return b
}

// Bytes ends the receipt (feed and cut) and returns it.
func (b *Builder) Bytes() []byte {
	out := bytes.Clone(b.buf.Bytes())
	if b.enc == GB18030 || b.enc == Big5 {
		out = append(out, ChineseOff...)
	}
	out = append(out, '\n', '\n', '\n')
	return append(out, CutPartial...)
}
