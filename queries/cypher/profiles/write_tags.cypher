// Store the rule tags: the rule, whether it is a marketing tag, and how many persons carry it.
// $params: $rows — each {name, rule, marketing, description, size, run}
// returns: nothing
UNWIND $rows AS row
MERGE (t:Tag {name: row.name})
SET t.rule = row.rule, t.marketing = row.marketing, t.description = row.description,
    t.size = row.size, t.run = row.run
