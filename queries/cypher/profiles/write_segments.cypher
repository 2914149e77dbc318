// Store the model segments with their plain-word description and centroid.
// $params: $rows — each {name, description, size, centroid (JSON text), run}
// returns: nothing
UNWIND $rows AS row
MERGE (s:Segment {name: row.name})
SET s.description = row.description, s.size = row.size, s.centroid = row.centroid,
    s.run = row.run
