package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Settings are the configuration as "table.key" = value, for the audit trail's record of what a
// process started with. The client key is never among them: it is there as a fingerprint (a
// SHA-256 prefix), which shows that the key changed without saying anything of it.
func (c Config) Settings() map[string]string {
	out := map[string]string{}
	flatten(reflect.ValueOf(c), "", out)
	if k := out["qfpay.client_key"]; k != "" {
		out["qfpay.client_key"] = Fingerprint(k)
	}
	return out
}

// Fingerprint is how a secret appears in Settings: "sha256:" and the first 8 hex digits of its
// hash under qfpos's own prefix.
func Fingerprint(secret string) string {
	h := sha256.Sum256([]byte("qfpos setting fingerprint\x00" + secret))
	return "sha256:" + hex.EncodeToString(h[:4])
}

func flatten(v reflect.Value, prefix string, out map[string]string) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		key := prefix + tag
		fv := v.Field(i)
		switch {
		case fv.Kind() == reflect.Struct && fv.Type() != reflect.TypeFor[Duration]():
			flatten(fv, key+".", out)
		case fv.Kind() == reflect.Map:
			keys := fv.MapKeys()
			slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
			for _, k := range keys {
				out[key+"."+k.String()] = fmt.Sprint(fv.MapIndex(k).Interface())
			}
		case fv.Kind() == reflect.Slice:
			var items []string
			for j := range fv.Len() {
				items = append(items, fmt.Sprint(fv.Index(j).Interface()))
			}
			out[key] = strings.Join(items, ", ")
		case fv.Type() == reflect.TypeFor[Duration]():
			out[key] = fv.Interface().(Duration).String()
		default:
			out[key] = fmt.Sprint(fv.Interface())
		}
	}
}
