package storage

import (
	"encoding/json"
	"maps"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// kConfigSeen (meta) holds the settings the last process started with, as JSON.
var kConfigSeen = []byte("config_seen")

// ConfigChange is one setting that differs from the last ones seen ("" when it was not set).
type ConfigChange struct {
	Key string `json:"key"`
	Was string `json:"was"`
	Now string `json:"now"`
}

// SeeConfig compares the settings a process starts with against the last ones seen. When they
// differ it keeps the new ones and chains what changed to the audit trail, in one transaction;
// when they do not it writes nothing. The caller passes no secret (a fingerprint instead).
func (j *Journal) SeeConfig(settings map[string]string) ([]ConfigChange, error) {
	var seen map[string]string
	if err := j.view(func(tx *bolt.Tx) error {
		return readConfigSeen(tx, &seen)
	}); err != nil {
		return nil, err
	}
	if diffSettings(seen, settings) == nil {
		return nil, nil
	}
	var changes []ConfigChange
	err := j.update(func(tx *bolt.Tx) error {
		if err := readConfigSeen(tx, &seen); err != nil { // another process may have written since
			return err
		}
		if changes = diffSettings(seen, settings); changes == nil {
			return nil
		}
		v, err := json.Marshal(settings)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bMeta).Put(kConfigSeen, v); err != nil {
			return err
		}
		return appendAudit(tx, j.now(), AuditKindConfig, "settings", struct {
			Changes []ConfigChange `json:"changes"`
		}{changes})
	})
	return changes, err
}

func readConfigSeen(tx *bolt.Tx, seen *map[string]string) error {
	*seen = nil
	if v := tx.Bucket(bMeta).Get(kConfigSeen); v != nil {
		return json.Unmarshal(v, seen)
	}
	return nil
}

// diffSettings lists the settings that differ, by key (nil when none do).
func diffSettings(was, now map[string]string) []ConfigChange {
	keys := slices.Collect(maps.Keys(now))
	for k := range was {
		if _, ok := now[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []ConfigChange
	for _, k := range keys {
		if w, n := was[k], now[k]; w != n || was == nil {
			out = append(out, ConfigChange{Key: k, Was: w, Now: n})
		}
	}
	return out
}
