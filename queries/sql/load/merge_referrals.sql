-- Insert or update referrals between records (referrer REFERRED referred).
-- $params: $rows — each {src, dst, at, campaign}; src and dst are record uids
-- returns: nothing
INSERT INTO referred (src, dst, at, campaign) VALUES (:src, :dst, :at, :campaign)
ON CONFLICT (src, dst) DO UPDATE SET at = excluded.at, campaign = excluded.campaign
