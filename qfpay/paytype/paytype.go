// Package paytype knows QFPay's pay_type codes: what to call them, how the customer paid, and how
// a sale of each kind is cancelled (decisions D2 and D3).
package paytype

import (
	"slices"
	"strings"
)

// Mode is how the customer paid.
type Mode string

// Modes.
const (
	MPM    Mode = "MPM"    // merchant-presented QR code, scanned by the customer
	CPM    Mode = "CPM"    // customer-presented code, scanned by the terminal
	Online Mode = "online" // web, WAP, app or mini-program
	Card   Mode = "card"   // Visa, Mastercard, UnionPay or AmEx card
)

// Info describes one pay_type.
type Info struct {
	Code string
	Name string // short, for the cashier's screen
	Mode Mode
	// Cancel is the endpoint that cancels an unfinished sale of this type by default (D2):
	// "reversal", "close", or "" when QFPay lists none.
	Cancel string
}

var table = map[string]Info{
	"800008": {Name: "WeChat Pay CPM", Mode: CPM, Cancel: "close"}, // "Consumer Present QR Code Mode (CPM) for WeChat", 微信反掃
	"800101": {Name: "Alipay QR", Mode: MPM, Cancel: "reversal"},
	"800108": {Name: "Alipay", Mode: CPM, Cancel: "reversal"},
	"801101": {Name: "Alipay web", Mode: Online},
	"801107": {Name: "Alipay WAP", Mode: Online},
	"801110": {Name: "Alipay in-app", Mode: Online},
	"800107": {Name: "Alipay H5", Mode: Online},
	"801501": {Name: "Alipay HK QR", Mode: MPM, Cancel: "reversal"},
	"801510": {Name: "Alipay HK in-app", Mode: Online},
	"801512": {Name: "Alipay HK WAP", Mode: Online},
	"801514": {Name: "Alipay HK web", Mode: Online},
	"800201": {Name: "WeChat Pay QR", Mode: MPM, Cancel: "reversal"},
	"800208": {Name: "WeChat Pay", Mode: CPM, Cancel: "close"},
	"800207": {Name: "WeChat JSAPI", Mode: Online},
	"800212": {Name: "WeChat H5", Mode: Online},
	"800210": {Name: "WeChat in-app", Mode: Online},
	"800213": {Name: "WeChat mini-program", Mode: Online},
	"801008": {Name: "WeChat Pay HK", Mode: CPM, Cancel: "close"},
	"801010": {Name: "WeChat Pay HK in-app", Mode: Online},
	"805801": {Name: "PayMe QR", Mode: MPM},
	"805808": {Name: "PayMe", Mode: CPM},
	"805814": {Name: "PayMe web", Mode: Online},
	"805812": {Name: "PayMe WAP", Mode: Online},
	"805810": {Name: "PayMe in-app", Mode: Online},
	"800701": {Name: "UnionPay QuickPass QR", Mode: MPM},
	"800708": {Name: "UnionPay QuickPass", Mode: CPM},
	"800712": {Name: "UnionPay WAP", Mode: Online},
	"800714": {Name: "UnionPay web", Mode: Online},
	"802001": {Name: "FPS", Mode: MPM},
	"803701": {Name: "Octopus QR", Mode: MPM},
	"803712": {Name: "Octopus WAP", Mode: Online},
	"803714": {Name: "Octopus web", Mode: Online},
	"802801": {Name: "Visa/Mastercard online", Mode: Card},
	"802808": {Name: "Visa/Mastercard", Mode: Card},
	"806527": {Name: "Apple Pay", Mode: Online},
	"806708": {Name: "UnionPay card", Mode: Card},
	"806808": {Name: "AmEx", Mode: Card},
}

// Lookup describes a pay_type. An unknown code gets a generic name and a mode guessed from its
// last two digits (01 MPM, 08 CPM, otherwise online).
func Lookup(code string) Info {
	if info, ok := table[code]; ok {
		info.Code = code
		return info
	}
	info := Info{Code: code, Name: "Pay type " + code, Mode: Online}
	switch {
	case strings.HasSuffix(code, "01"):
		info.Mode = MPM
	case strings.HasSuffix(code, "08"):
		info.Mode = CPM
	}
	return info
}

// Codes lists the pay types this table knows, in code order.
func Codes() []string {
	out := make([]string, 0, len(table))
	for c := range table {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Name is the pay method's short name.
func Name(code string) string { return Lookup(code).Name }

// SameDayFullRefundOnly reports whether a refund on the sale's own day is a void that must be
// for the full amount (card pay types, D3).
func SameDayFullRefundOnly(code string) bool {
	switch code {
	case "802801", "802808", "806708", "806808":
		return true
	}
	return false
}

// DefaultCancelEndpoints is decision D2's pay_type → reversal|close map.
func DefaultCancelEndpoints() map[string]string {
	out := map[string]string{}
	for code, info := range table {
		if info.Cancel != "" {
			out[code] = info.Cancel
		}
	}
	return out
}
