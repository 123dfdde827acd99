// The schema of edflows: uniqueness constraints and indexes, all idempotent (IF NOT EXISTS).
// Applied by `edflows db init` and before every load. Community Edition has uniqueness
// constraints only, so every MERGE key has one.
//
// Node labels: every organisation or dataset that data can flow to or from is an :Actor with
// a kind label (:School, :LocalAuthority, :Trust, :NationalBody, :Dataset, :Organisation,
// :Product, :Supplier); the catalogue's data items are :DataItem; evidence is :Source.
// Flows are [:FLOW] relationships between actors. The terms many flows share (items, purposes,
// law, retention, ...) are stored once on a :Terms node keyed by a hash of its content, which
// a flow names in `f.terms` (graph/terms.py).

CREATE CONSTRAINT actor_id IF NOT EXISTS FOR (n:Actor) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT item_id IF NOT EXISTS FOR (n:DataItem) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT flow_id IF NOT EXISTS FOR ()-[f:FLOW]-() REQUIRE f.id IS UNIQUE;
CREATE CONSTRAINT load_id IF NOT EXISTS FOR (n:Load) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT map_version_id IF NOT EXISTS FOR (n:MapVersion) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT terms_id IF NOT EXISTS FOR (n:Terms) REQUIRE n.id IS UNIQUE;
// A product a school proposed for the catalogue (graph/proposals.py), pending review.
CREATE CONSTRAINT proposal_id IF NOT EXISTS FOR (n:Proposal) REQUIRE n.id IS UNIQUE;

CREATE INDEX school_urn IF NOT EXISTS FOR (n:School) ON (n.urn);
CREATE INDEX map_version_urn IF NOT EXISTS FOR (n:MapVersion) ON (n.urn);
CREATE INDEX la_code IF NOT EXISTS FOR (n:LocalAuthority) ON (n.code);
CREATE INDEX actor_kind IF NOT EXISTS FOR (n:Actor) ON (n.kind);
CREATE INDEX actor_layer IF NOT EXISTS FOR (n:Actor) ON (n.layer);
CREATE INDEX flow_layer IF NOT EXISTS FOR ()-[f:FLOW]-() ON (f.layer);
CREATE INDEX flow_kind IF NOT EXISTS FOR ()-[f:FLOW]-() ON (f.kind);
CREATE INDEX flow_origin IF NOT EXISTS FOR ()-[f:FLOW]-() ON (f.origin);
CREATE INDEX flow_terms IF NOT EXISTS FOR ()-[f:FLOW]-() ON (f.terms);
CREATE INDEX flow_retired IF NOT EXISTS FOR ()-[f:FLOW]-() ON (f.retired);

CREATE FULLTEXT INDEX name_search IF NOT EXISTS
FOR (n:Actor|DataItem) ON EACH [n.name, n.aliases_text];

// Trust: write tokens (stored hashed) and the audit trail of every change.
CREATE CONSTRAINT token_id IF NOT EXISTS FOR (n:Token) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT token_hash IF NOT EXISTS FOR (n:Token) REQUIRE n.hash IS UNIQUE;
CREATE CONSTRAINT audit_id IF NOT EXISTS FOR (n:AuditEntry) REQUIRE n.id IS UNIQUE;
CREATE INDEX audit_at IF NOT EXISTS FOR (n:AuditEntry) ON (n.at);
CREATE INDEX audit_urn IF NOT EXISTS FOR (n:AuditEntry) ON (n.urn);
