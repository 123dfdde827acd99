// The trust code of a school's trust (none when the school is in no trust).
MATCH (:School {id: 'school:' + $urn})-[:IN_TRUST]->(t:Trust)
RETURN t.code AS code
