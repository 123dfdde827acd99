// Proposed products, newest first: a school's own ($urn), or every school's (null), by status.
MATCH (p:Proposal)
WHERE ($urn IS NULL OR p.urn = $urn) AND ($status IS NULL OR p.status = $status)
RETURN p{.id, .urn, .name, .supplier, .url, .status, .product_id,
         created: toString(p.created), reviewed: toString(p.reviewed)} AS proposal
ORDER BY p.created DESC, p.id
