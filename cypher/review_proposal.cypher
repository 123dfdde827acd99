// An editor's decision on a pending proposal ($status: accepted or rejected).
MATCH (p:Proposal {id: $id, status: 'proposed'})
SET p.status = $status, p.reviewed = datetime(), p.product_id = $product_id
RETURN p{.id, .urn, .name, .supplier, .url, .status, .product_id,
         created: toString(p.created), reviewed: toString(p.reviewed)} AS proposal
