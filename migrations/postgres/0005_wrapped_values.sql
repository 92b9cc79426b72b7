-- Every stored text is wrapped (src/privacy/crypto.rs): `enc2:` envelopes
-- under a data key, `plain2:` text without one. Texts stored in the clear
-- before are wrapped here, so no text a user wrote can be taken for an
-- envelope; `enc1:` envelopes (bound to their column only) are left for
-- `maeum rekey` to seal again, bound to their user and row. Keep in step with
-- the other backend.
UPDATE messages SET user_text = 'plain2:' || user_text
WHERE user_text NOT LIKE 'enc1:%';

UPDATE messages SET reply = 'plain2:' || reply
WHERE reply IS NOT NULL AND reply NOT LIKE 'enc1:%';

UPDATE users SET display_name = 'plain2:' || display_name
WHERE display_name IS NOT NULL AND display_name NOT LIKE 'enc1:%';
