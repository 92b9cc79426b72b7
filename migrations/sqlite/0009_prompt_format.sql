-- The prompt format a turn's reply was written with ('tagged', 'original'; NULL
-- for replies not written by the language model), for the feedback report
-- (maeum report, /admin stats). Keep in step with the other backend.
ALTER TABLE messages ADD COLUMN prompt_format TEXT;
