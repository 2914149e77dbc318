// How many referral or social-link files finished loading at or after a time (then an
// incremental identity run derives the whole person graph again, not only touched persons).
// $params: $since (ISO time text)
// returns: n
MATCH (f:LoadFile)
WHERE f.kind IN ['referrals', 'social_links'] AND f.finishedAt >= $since
RETURN count(f) AS n
