// The counterpart of the embedded store's query of this name, which sets its touchpoint event
// index aside for a large load. Neo4j keeps its indexes through loads (its store does not
// run this); schema/create builds the index again if it is ever dropped.
// $params: none
// returns: nothing
DROP INDEX touchpoint_at IF EXISTS
