-- Create the embedded store's tables and indexes, mirroring the graph model (DESIGN.md §3).
-- $params: none
-- returns: nothing. Node tables are keyed like the labels; relationship tables hold
-- (src, dst) keys plus the relationship's properties. Columns use the graph's camelCase names.
CREATE TABLE IF NOT EXISTS customer (
  uid TEXT PRIMARY KEY, source TEXT NOT NULL, sourceCustomerId TEXT NOT NULL,
  firstName TEXT, lastName TEXT, fullName TEXT, email TEXT, phone TEXT, birthDate TEXT,
  gender TEXT, street TEXT, city TEXT, postcode TEXT, region TEXT, country TEXT,
  nationalId TEXT, loyaltyId TEXT, deviceId TEXT, occupation TEXT, incomeBand TEXT,
  signupAt TEXT, consentMarketing BOOLEAN, interests TEXT
);
CREATE INDEX IF NOT EXISTS customer_source ON customer (source);
CREATE INDEX IF NOT EXISTS customer_email ON customer (email);
CREATE INDEX IF NOT EXISTS customer_phone ON customer (phone);
CREATE TABLE IF NOT EXISTS person (
  personId TEXT PRIMARY KEY, createdAt TEXT, updatedAt TEXT, size INTEGER, run TEXT
);
CREATE TABLE IF NOT EXISTS identifier (key TEXT PRIMARY KEY, kind TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS identifier_kind ON identifier (kind);
CREATE TABLE IF NOT EXISTS channel (channelId TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT);
CREATE TABLE IF NOT EXISTS product (productId TEXT PRIMARY KEY, category TEXT);
CREATE TABLE IF NOT EXISTS purchase_order (
  orderId TEXT PRIMARY KEY, purchasedAt TEXT NOT NULL, amount REAL, directAmount REAL,
  currency TEXT
);
CREATE INDEX IF NOT EXISTS purchase_order_at ON purchase_order (purchasedAt);
CREATE TABLE IF NOT EXISTS community (
  communityId TEXT PRIMARY KEY, size INTEGER, density REAL, modularityShare REAL, revenue REAL,
  churnRate REAL, dominantChannel TEXT, topInfluencers TEXT, run TEXT
);
CREATE TABLE IF NOT EXISTS person_influence (
  personId TEXT PRIMARY KEY, score REAL, rank INTEGER, pagerank REAL, inDegree INTEGER,
  outDegree INTEGER, referralReach INTEGER, referralDepth INTEGER, referredRevenue REAL,
  coreness INTEGER, betweenness REAL, run TEXT
);
CREATE INDEX IF NOT EXISTS person_influence_rank ON person_influence (rank);
CREATE TABLE IF NOT EXISTS tag (
  name TEXT PRIMARY KEY, rule TEXT, marketing BOOLEAN, description TEXT, size INTEGER, run TEXT
);
CREATE TABLE IF NOT EXISTS segment (
  name TEXT PRIMARY KEY, description TEXT, size INTEGER, centroid TEXT, run TEXT
);
CREATE TABLE IF NOT EXISTS tombstone (uid TEXT PRIMARY KEY, erasedAt TEXT, by TEXT, personId TEXT);
CREATE INDEX IF NOT EXISTS tombstone_person ON tombstone (personId, erasedAt);
CREATE TABLE IF NOT EXISTS person_profile (
  personId TEXT PRIMARY KEY, asOf TEXT, horizonDays INTEGER, recencyDays INTEGER,
  frequency INTEGER, monetary REAL, currency TEXT, rfmRecency INTEGER, rfmFrequency INTEGER,
  rfmMonetary INTEGER, rfmScore TEXT, rfmSegment TEXT, expectedPurchases REAL, pAlive REAL,
  expectedSpend REAL, predictedClv REAL, churnRisk REAL, churnFactors TEXT, segment TEXT,
  preferredChannel TEXT, channelMix TEXT, topCategories TEXT, tags TEXT,
  consentMarketing BOOLEAN, demographics TEXT, tenureDays INTEGER, firstPurchaseAt TEXT,
  lastPurchaseAt TEXT, run TEXT
);
CREATE INDEX IF NOT EXISTS person_profile_segment ON person_profile (rfmSegment);
CREATE TABLE IF NOT EXISTS load_file (
  fileKey TEXT PRIMARY KEY, path TEXT, kind TEXT, checksum TEXT, batchSize INTEGER,
  batchesDone INTEGER, rowsRead INTEGER, rowsLoaded INTEGER, rowsRejected INTEGER,
  rowsWarned INTEGER, status TEXT, startedAt TEXT, finishedAt TEXT
);
CREATE TABLE IF NOT EXISTS job_run (
  runId TEXT PRIMARY KEY, job TEXT NOT NULL, params TEXT, seed INTEGER, counts TEXT,
  timings TEXT, status TEXT, startedAt TEXT, finishedAt TEXT
);
CREATE INDEX IF NOT EXISTS job_run_job ON job_run (job, startedAt);
CREATE TABLE IF NOT EXISTS has_identifier (src TEXT NOT NULL, dst TEXT NOT NULL, PRIMARY KEY (src, dst)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS has_identifier_dst ON has_identifier (dst);
CREATE TABLE IF NOT EXISTS resolves_to (src TEXT PRIMARY KEY, dst TEXT NOT NULL, run TEXT, confidence REAL, keys BLOB);
CREATE INDEX IF NOT EXISTS resolves_to_dst ON resolves_to (dst);
CREATE TABLE IF NOT EXISTS matches (src TEXT NOT NULL, dst TEXT NOT NULL, score REAL, rule TEXT, evidence TEXT, PRIMARY KEY (src, dst)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS matches_dst ON matches (dst);
CREATE TABLE IF NOT EXISTS touched (src TEXT NOT NULL, dst TEXT NOT NULL, count INTEGER NOT NULL, firstAt TEXT, lastAt TEXT, PRIMARY KEY (src, dst)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS touched_dst ON touched (dst);
CREATE TABLE IF NOT EXISTS touch_event (src TEXT NOT NULL, channelId TEXT NOT NULL, at TEXT NOT NULL, event TEXT, count INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS touch_event_src ON touch_event (src, at);
CREATE TABLE IF NOT EXISTS journey_path (path TEXT PRIMARY KEY, journeys INTEGER NOT NULL, conversions INTEGER NOT NULL, conversionRate REAL, medianDaysToConvert REAL, revenue REAL, run TEXT);
CREATE TABLE IF NOT EXISTS attribution (model TEXT NOT NULL, channelId TEXT NOT NULL, conversions REAL, revenue REAL, share REAL, run TEXT, PRIMARY KEY (model, channelId)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS channel_transition (src TEXT NOT NULL, dst TEXT NOT NULL, journeys INTEGER, probability REAL, run TEXT, PRIMARY KEY (src, dst)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS person_behaviour (personId TEXT PRIMARY KEY, journeys INTEGER, conversions INTEGER, touchesBeforeFirstPurchase INTEGER, daysBeforeFirstPurchase REAL, lastChannelBeforeConversion TEXT, topChannelBeforeConversion TEXT, stage TEXT, run TEXT);
CREATE TABLE IF NOT EXISTS placed (src TEXT NOT NULL, dst TEXT PRIMARY KEY);
CREATE INDEX IF NOT EXISTS placed_src ON placed (src);
CREATE TABLE IF NOT EXISTS contains (src TEXT NOT NULL, dst TEXT NOT NULL, quantity REAL, amount REAL, PRIMARY KEY (src, dst)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS contains_dst ON contains (dst);
CREATE TABLE IF NOT EXISTS via (src TEXT PRIMARY KEY, dst TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS via_dst ON via (dst);
CREATE TABLE IF NOT EXISTS referred (src TEXT NOT NULL, dst TEXT NOT NULL, at TEXT, campaign TEXT, selfReferral BOOLEAN, PRIMARY KEY (src, dst)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS referred_dst ON referred (dst);
CREATE TABLE IF NOT EXISTS follows (src TEXT NOT NULL, dst TEXT NOT NULL, weight REAL, since TEXT, platform TEXT, PRIMARY KEY (src, dst)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS follows_dst ON follows (dst);
CREATE TABLE IF NOT EXISTS friends_with (src TEXT NOT NULL, dst TEXT NOT NULL, weight REAL, since TEXT, platform TEXT, PRIMARY KEY (src, dst)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS friends_with_dst ON friends_with (dst);
CREATE TABLE IF NOT EXISTS interacts_with (src TEXT NOT NULL, dst TEXT NOT NULL, weight REAL, since TEXT, platform TEXT, PRIMARY KEY (src, dst)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS interacts_with_dst ON interacts_with (dst);
CREATE TABLE IF NOT EXISTS in_community (src TEXT PRIMARY KEY, dst TEXT NOT NULL, participation REAL);
CREATE INDEX IF NOT EXISTS in_community_dst ON in_community (dst);
CREATE TABLE IF NOT EXISTS has_tag (src TEXT NOT NULL, dst TEXT NOT NULL, PRIMARY KEY (src, dst)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS has_tag_dst ON has_tag (dst);
CREATE TABLE IF NOT EXISTS in_segment (src TEXT PRIMARY KEY, dst TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS in_segment_dst ON in_segment (dst);
CREATE TABLE IF NOT EXISTS identity_event (
  eventId TEXT PRIMARY KEY, run TEXT, at TEXT, event TEXT, personId TEXT, otherId TEXT
);
CREATE INDEX IF NOT EXISTS identity_event_person ON identity_event (personId);
CREATE INDEX IF NOT EXISTS identity_event_other ON identity_event (otherId);
CREATE TABLE IF NOT EXISTS identity_override (key TEXT PRIMARY KEY, a TEXT, b TEXT, decision TEXT);
CREATE TABLE IF NOT EXISTS person_referred (src TEXT NOT NULL, dst TEXT NOT NULL, count INTEGER, at TEXT, PRIMARY KEY (src, dst)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS person_referred_dst ON person_referred (dst);
CREATE TABLE IF NOT EXISTS person_follows (src TEXT NOT NULL, dst TEXT NOT NULL, count INTEGER, weight REAL, since TEXT, PRIMARY KEY (src, dst)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS person_follows_dst ON person_follows (dst);
CREATE TABLE IF NOT EXISTS person_friends_with (src TEXT NOT NULL, dst TEXT NOT NULL, count INTEGER, weight REAL, since TEXT, PRIMARY KEY (src, dst)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS person_friends_with_dst ON person_friends_with (dst);
CREATE TABLE IF NOT EXISTS person_interacts_with (src TEXT NOT NULL, dst TEXT NOT NULL, count INTEGER, weight REAL, since TEXT, PRIMARY KEY (src, dst)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS person_interacts_with_dst ON person_interacts_with (dst);
CREATE VIEW IF NOT EXISTS edge_all (srcLabel, src, dstLabel, dst, type) AS
  SELECT 'Customer', src, 'Identifier', dst, 'HAS_IDENTIFIER' FROM has_identifier
  UNION ALL SELECT 'Customer', src, 'Person', dst, 'RESOLVES_TO' FROM resolves_to
  UNION ALL SELECT 'Customer', src, 'Customer', dst, 'MATCHES' FROM matches
  UNION ALL SELECT 'Customer', src, 'Channel', dst, 'TOUCHED' FROM touched
  UNION ALL SELECT 'Customer', src, 'Order', dst, 'PLACED' FROM placed
  UNION ALL SELECT 'Order', src, 'Product', dst, 'CONTAINS' FROM contains
  UNION ALL SELECT 'Order', src, 'Channel', dst, 'VIA' FROM via
  UNION ALL SELECT 'Customer', src, 'Customer', dst, 'REFERRED' FROM referred
  UNION ALL SELECT 'Customer', src, 'Customer', dst, 'FOLLOWS' FROM follows
  UNION ALL SELECT 'Customer', src, 'Customer', dst, 'FRIENDS_WITH' FROM friends_with
  UNION ALL SELECT 'Customer', src, 'Customer', dst, 'INTERACTS_WITH' FROM interacts_with
  UNION ALL SELECT 'Person', src, 'Community', dst, 'IN_COMMUNITY' FROM in_community
  UNION ALL SELECT 'Person', src, 'Tag', dst, 'HAS_TAG' FROM has_tag
  UNION ALL SELECT 'Person', src, 'Segment', dst, 'IN_SEGMENT' FROM in_segment
  UNION ALL SELECT 'Person', src, 'Person', dst, 'REFERRED' FROM person_referred
  UNION ALL SELECT 'Person', src, 'Person', dst, 'FOLLOWS' FROM person_follows
  UNION ALL SELECT 'Person', src, 'Person', dst, 'FRIENDS_WITH' FROM person_friends_with
  UNION ALL SELECT 'Person', src, 'Person', dst, 'INTERACTS_WITH' FROM person_interacts_with;
CREATE TABLE IF NOT EXISTS identity_pending (uid TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS identity_state (name TEXT PRIMARY KEY, value TEXT);
CREATE TRIGGER IF NOT EXISTS customer_identity_changed AFTER UPDATE ON customer WHEN OLD.firstName IS NOT NEW.firstName OR OLD.lastName IS NOT NEW.lastName OR OLD.fullName IS NOT NEW.fullName OR OLD.email IS NOT NEW.email OR OLD.phone IS NOT NEW.phone OR OLD.birthDate IS NOT NEW.birthDate OR OLD.street IS NOT NEW.street OR OLD.city IS NOT NEW.city OR OLD.postcode IS NOT NEW.postcode OR OLD.country IS NOT NEW.country OR OLD.nationalId IS NOT NEW.nationalId OR OLD.loyaltyId IS NOT NEW.loyaltyId OR OLD.deviceId IS NOT NEW.deviceId BEGIN INSERT INTO identity_pending (uid) SELECT NEW.uid WHERE NOT EXISTS (SELECT 1 FROM identity_pending WHERE uid = NEW.uid); END;
-- (Triggers take no OR IGNORE: the statement that fires them overrides it, so they test first.)
CREATE TRIGGER IF NOT EXISTS customer_identity_new AFTER INSERT ON customer BEGIN INSERT INTO identity_pending (uid) SELECT NEW.uid WHERE NOT EXISTS (SELECT 1 FROM identity_pending WHERE uid = NEW.uid); END;
CREATE TRIGGER IF NOT EXISTS customer_identity_gone AFTER DELETE ON customer BEGIN DELETE FROM identity_pending WHERE uid = OLD.uid; END;
PRAGMA user_version = 6
