// Package storage is the terminal's journal: the sales a cashier can pick from and every refund
// or cancel from its intent to its final outcome, kept in one bbolt file.
//
// The journal enforces the money rules inside the write transaction that would break them, so
// no caller can get around them: at most one unfinished reversal per sale, refunds never beyond
// the sale, cancels only for sales that did not complete, refunds only for paid sales, and a
// finished reversal never changes.
//
// How records are stored and found:
//   - A sale is kept once, in the audit event that recorded it (0x06: the sale in binary). The
//     sales bucket holds, by time, a small saleRef: that event's number, the amount and the last
//     digits of both numbers. By syssn or out_trade_no: sales_syssn or sales_otn gives the sales
//     key, its saleRef the audit event. By amount or digits: the window's saleRefs, compared
//     newest first in memory (the search column, search.go, built once from the journal and
//     kept current by the writes that change sales).
//   - A reversal is JSON in reversals by id, found by sale (reversals_sale), day (reversals_day),
//     out_trade_no (reversals_otn) or as unfinished (reversals_open). Its history is the audit
//     events its Trail names (events written before schema 10 stay in the events bucket).
//   - An audit event is stored as a format byte, its fields and its hash, which covers the bytes
//     stored: SHA-256(previous hash ‖ seq ‖ bytes). A form an older qfpos wrote is read by its one
//     legacy decoder and verified over what that release hashed, never over today's structs.
//
// Open upgrades an older schema by writing the journal anew beside it (upgrade.go), records it on
// the trail (kind "schema") and keeps the old file as PATH.schema-N;
// testdata/releases holds journals that the qfpos of each earlier schema wrote. Beside the file:
// PATH.clean, left by a clean close (without it the journal is walked whole), and PATH.damaged,
// the verdict of a walk that found damage (verdict.go): the same bytes are refused by every later
// Open until a backup is restored in their place.
//
// Bucket tree (schema 11). Time keys are big-endian Unix nanoseconds followed by a big-endian
// sequence number, so that byte order is time order.
//
//	meta/
//	    magic                  "qfpos-journal"
//	    version                schema version, uint64
//	    udid                   the terminal id generated when none is configured
//	    language/<cashier>     the language the cashier last chose in the desk
//	    audit_head             seq (8) and hash (32) of the audit trail's last event
//	    limits                 the approval limits (JSON): the first configuration's, then a
//	                           manager's (limits.go)
//	    first_manager          the manager added without a credential to a journal that had none
//	    config_seen            the settings the last command started with (JSON)
//	sales/
//	    <time 8><seq 8>        saleRef (schema 9): 0x04, uvarint audit seq, varint amount, the
//	                           last 8 bytes of syssn and out_trade_no (each after its length);
//	                           0x02 and the audit seq (8) in schema 8; JSON of the Sale before
//	sales_syssn/
//	    <syssn>                sale key (reversed before schema 9)
//	sales_otn/
//	    <out_trade_no>         sale key (reversed before schema 9)
//	sales_amount/              (schema 2 to 8)
//	    <amount 8><sale key>   empty
//	sales_qfpay/               (schema 3)
//	    <syssn>                Remote (JSON): QFPay's cancel flag and the refunds QFPay holds
//	sales_paytype/             (schema 4)
//	    <pay_type> 0x00 <sale key>  empty
//	audit/                     (schema 5)
//	    <seq 8>                0x05 (time, kind, subject, JSON record) or 0x06 (time, the sale in
//	                           binary, salecodec.go), then the hash (audit.go); read only: 0x01,
//	                           0x03 (schemas 8–10), JSON (5–7), hashed as those releases did
//	staff/                     (schema 6)
//	    <id>                   the person: role, disabled, wrong PINs, lock, bcrypt hash of the PIN
//	day_closes/                (schema 7)
//	    <YYYY-MM-DD>           DayClose (JSON): number, the day's report, the audit head; written once
//	reversals/
//	    <id 8>                 Reversal (JSON, without events; from schema 10 its trail: the
//	                           audit seqs of the events that hold its history)
//	reversals_sale/
//	    <sale syssn> 0x00 <id 8>  empty
//	reversals_day/
//	    <created 8><id 8>      empty
//	reversals_open/
//	    <id 8>                 empty (every reversal not yet succeeded or failed)
//	reversals_otn/
//	    <out_trade_no>         id
//	events/
//	    <id 8><seq 8>          Event (JSON), append-only; written before schema 10 only (since,
//	                           the audit event that records an event is its one copy)
package storage
