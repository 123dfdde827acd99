// What a school's record of processing says about its controller: the School node's name and
// the address fields the spine or GIAS gave it (town, postcode, local authority name).
MATCH (s:School {id: 'school:' + $urn})
RETURN s.name AS name, s.urn AS urn, s.town AS town, s.postcode AS postcode,
       s.la_name AS la_name
