// Package storage is the terminal's journal: the sales a cashier can pick from and every refund
// or cancel from its intent to its final outcome, kept in one bbolt file.
//
// The journal enforces the money rules inside the write transaction that would break them, so
// no caller can get around them: at most one unfinished reversal per sale, refunds never beyond
// the sale, cancels only for sales that did not complete, refunds only for paid sales, and a
// finished reversal never changes.
//
// Beside the file: PATH.clean, left by a clean close (the journal is walked whole when it is
// missing), and PATH.damaged, the verdict of a walk that found damage (verdict.go): the same bytes
// are refused by every later Open until a backup is restored in their place.
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
//	    <time 8><seq 8>        saleRef (schema 9): 0x04, the uvarint seq of the audit event that
//	                           holds the sale, the varint amount, and the last 8 bytes of the
//	                           syssn and of the out_trade_no (each after its length) that a
//	                           search compares; 0x02 and the audit seq (8) in schema 8; JSON of
//	                           the Sale before. time is the parsed txdtm
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
//	    <seq 8>                AuditEvent: hash-chained, append-only (audit.go). Schema 11 writes
//	                           0x05 (time, kind, subject, JSON record) or, for a sale, 0x06 (time,
//	                           the sale in binary, salecodec.go), each followed by its hash:
//	                           SHA-256(previous hash ‖ seq ‖ the bytes stored before it). Read
//	                           only, by legacy decoders: 0x01 and 0x03 (schemas 8–10) and JSON
//	                           (schemas 5–7), hashed over a frozen JSON of the event (saleV10 for
//	                           a sale)
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
