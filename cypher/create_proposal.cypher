// A school proposes a product that is not in the catalogue (pending an editor's review).
CREATE (p:Proposal)
SET p = $props, p.status = 'proposed', p.created = datetime()
RETURN p{.id, .urn, .name, .supplier, .url, .status, created: toString(p.created)} AS proposal
