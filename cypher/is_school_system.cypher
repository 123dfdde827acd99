// Is $id a system of a school's own map: a product (or supplier) that the school ($school)
// sends data to in its own layer ($layer)? A school token may write flows only from its school
// or from such a system (graph/editing.py). National bodies, datasets, local authorities and
// other organisations are never a school's system here, even when its map lists them (a census
// row to body:dfe): a school's layer can never add a flow out of the DfE.
OPTIONAL MATCH (s:Actor {id: $school})-[f:FLOW]->(b:Actor {id: $id})
WHERE f.layer = $layer AND (b:Product OR b:Supplier)
RETURN count(f) > 0 AS system
