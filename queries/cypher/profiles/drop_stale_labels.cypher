// Remove the segments and tags a profile run did not write, with their memberships: the last
// step of the write-back, in its transaction (the run's own were written by
// profiles/write_segments and profiles/write_tags before it).
// $params: $run — the run writing the current ones
// returns: nothing
MATCH (n)
WHERE (n:Segment OR n:Tag) AND (n.run IS NULL OR n.run <> $run)
DETACH DELETE n
