// Store the first-order transitions between channels (with (start), (conversion) and
// (null)) of a journeys run.
// $params: $rows — each {from, to, journeys, probability, run}
// returns: nothing
UNWIND $rows AS row
CREATE (:ChannelTransition {from: row.from, to: row.to, journeys: row.journeys,
                            probability: row.probability, run: row.run})
