-- How many referral or social-link files finished loading at or after a time (then an
-- incremental identity run derives the whole person graph again, not only touched persons).
-- $params: $since (ISO time text)
-- returns: n
SELECT count(*) AS n FROM load_file
WHERE kind IN ('referrals', 'social_links') AND finishedAt >= :since
