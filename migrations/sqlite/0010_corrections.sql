-- "Not how I feel": the emotion the user said their message had, when they
-- corrected the one read (an E-code). Consented users' turns only (nothing
-- else is stored); deleted with the turn; in /export. Keep in step with the
-- other backend.
ALTER TABLE messages ADD COLUMN corrected_code TEXT;
