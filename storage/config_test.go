package storage

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestSeeConfig: the first settings are all recorded; the same ones again write nothing; a
// change and a removal are recorded, each as what it was and what it is.
func TestSeeConfig(t *testing.T) {
	j := openTest(t, newClock())
	events := func() []AuditEvent {
		var out []AuditEvent
		if err := j.AuditEvents(0, func(e AuditEvent) error {
			if e.Kind == AuditKindConfig {
				out = append(out, e)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	first := map[string]string{"refunds.approval_over": "500.00", "terminal.udid": "POS-01"}
	if ch, err := j.SeeConfig(first); err != nil || len(ch) != 2 {
		t.Fatalf("%v %v", ch, err)
	}
	if ch, err := j.SeeConfig(first); err != nil || ch != nil || len(events()) != 1 {
		t.Fatalf("the same settings again: %v %v, %d events", ch, err, len(events()))
	}
	ch, err := j.SeeConfig(map[string]string{"refunds.approval_over": "800.00"})
	want := []ConfigChange{{Key: "refunds.approval_over", Was: "500.00", Now: "800.00"}, {Key: "terminal.udid", Was: "POS-01"}}
	if err != nil || !slices.Equal(ch, want) {
		t.Fatalf("%v %v", ch, err)
	}
	evs := events()
	var rec struct{ Changes []ConfigChange }
	if len(evs) != 2 || json.Unmarshal(evs[1].Record, &rec) != nil || !slices.Equal(rec.Changes, want) {
		t.Fatalf("%+v", evs)
	}
	if res, err := j.VerifyAudit(); err != nil || !res.OK() {
		t.Fatalf("%v %v", res, err)
	}
}
