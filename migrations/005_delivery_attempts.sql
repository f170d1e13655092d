-- When the request of an alert's current attempt went out; NULL while no attempt is in flight or once
-- its outcome is known. A row claimed again with this set may already be posted (the process died, or
-- the platform's answer was lost), so the platform is asked before the alert is sent again.
ALTER TABLE outbox ADD COLUMN attempt_started_at TEXT;
