// Delete terms nodes no flow points at any more (after a load removed or rewrote flows).
MATCH (t:Terms)
WHERE NOT EXISTS { MATCH ()-[f:FLOW]->() WHERE f.terms = t.id }
DELETE t
