// Create the graph model's constraints and indexes (DESIGN.md §3); safe to repeat.
// $params: none
// returns: nothing. One statement per line-ending ';', each run on its own.
CREATE CONSTRAINT customer_uid IF NOT EXISTS FOR (n:Customer) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.personId IS UNIQUE;
CREATE CONSTRAINT identifier_key IF NOT EXISTS FOR (n:Identifier) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT channel_id IF NOT EXISTS FOR (n:Channel) REQUIRE n.channelId IS UNIQUE;
CREATE CONSTRAINT product_id IF NOT EXISTS FOR (n:Product) REQUIRE n.productId IS UNIQUE;
CREATE CONSTRAINT order_id IF NOT EXISTS FOR (n:Order) REQUIRE n.orderId IS UNIQUE;
CREATE CONSTRAINT community_id IF NOT EXISTS FOR (n:Community) REQUIRE n.communityId IS UNIQUE;
CREATE CONSTRAINT tag_name IF NOT EXISTS FOR (n:Tag) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT segment_name IF NOT EXISTS FOR (n:Segment) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT load_file_key IF NOT EXISTS FOR (n:LoadFile) REQUIRE n.fileKey IS UNIQUE;
CREATE CONSTRAINT job_run_id IF NOT EXISTS FOR (n:JobRun) REQUIRE n.runId IS UNIQUE;
CREATE CONSTRAINT identity_event_id IF NOT EXISTS FOR (n:IdentityEvent) REQUIRE n.eventId IS UNIQUE;
CREATE CONSTRAINT identity_override_key IF NOT EXISTS FOR (n:IdentityOverride) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT tombstone_uid IF NOT EXISTS FOR (n:Tombstone) REQUIRE n.uid IS UNIQUE;
CREATE INDEX customer_source IF NOT EXISTS FOR (n:Customer) ON (n.source);
CREATE INDEX customer_email IF NOT EXISTS FOR (n:Customer) ON (n.email);
CREATE INDEX customer_phone IF NOT EXISTS FOR (n:Customer) ON (n.phone);
CREATE INDEX identifier_kind IF NOT EXISTS FOR (n:Identifier) ON (n.kind);
CREATE INDEX order_purchased_at IF NOT EXISTS FOR (n:Order) ON (n.purchasedAt);
CREATE INDEX person_influence_rank IF NOT EXISTS FOR (n:Person) ON (n.influenceRank);
CREATE INDEX person_rfm_segment IF NOT EXISTS FOR (n:Person) ON (n.rfmSegment);
CREATE INDEX job_run_job IF NOT EXISTS FOR (n:JobRun) ON (n.job, n.startedAt);
CREATE INDEX identity_event_person IF NOT EXISTS FOR (n:IdentityEvent) ON (n.personId);
CREATE INDEX identity_event_other IF NOT EXISTS FOR (n:IdentityEvent) ON (n.otherId);
CREATE CONSTRAINT identity_state_name IF NOT EXISTS FOR (n:IdentityState) REQUIRE n.name IS UNIQUE;;
CREATE INDEX touchpoint_at IF NOT EXISTS FOR (n:Touchpoint) ON (n.at);
CREATE CONSTRAINT journey_path_path IF NOT EXISTS FOR (n:JourneyPath) REQUIRE n.path IS UNIQUE;
CREATE INDEX channel_credit IF NOT EXISTS FOR (n:ChannelCredit) ON (n.model, n.channelId);
CREATE INDEX channel_transition IF NOT EXISTS FOR (n:ChannelTransition) ON (n.from, n.to);
CREATE INDEX tombstone_person IF NOT EXISTS FOR (n:Tombstone) ON (n.personId);
CREATE CONSTRAINT schema_state_name IF NOT EXISTS FOR (n:SchemaState) REQUIRE n.name IS UNIQUE
