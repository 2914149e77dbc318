-- Erase what removing a record (load/delete_customer, run next) would leave behind: the
-- identifiers only it had, its orders with their lines, overrides naming it; and leave a
-- tombstone (its touchpoint events go with the record). Idempotent.
-- $params: $uid, $erasedAt (ISO time), $by (who asked: an API key's name or "cli"),
--          $personId (the person it resolved to, or null), which running jobs check
-- returns: nothing
INSERT OR IGNORE INTO tombstone (uid, erasedAt, by, personId)
VALUES (:uid, :erasedAt, :by, :personId);
DELETE FROM identifier WHERE key IN (
  SELECT h.dst FROM has_identifier h WHERE h.src = :uid
  AND NOT EXISTS (SELECT 1 FROM has_identifier o WHERE o.dst = h.dst AND o.src <> :uid));
DELETE FROM contains WHERE src IN (SELECT dst FROM placed WHERE src = :uid);
DELETE FROM via WHERE src IN (SELECT dst FROM placed WHERE src = :uid);
DELETE FROM purchase_order WHERE orderId IN (SELECT dst FROM placed WHERE src = :uid);
DELETE FROM identity_override WHERE a = :uid OR b = :uid
