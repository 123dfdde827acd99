// What a school's record of processing says about its controller: the School node's name and
// the address fields the spine or GIAS gave it (town, postcode, local authority name), and the
// profile the school states itself (graph/profile.py).
MATCH (s:School {id: 'school:' + $urn})
RETURN s.name AS name, s.urn AS urn, s.town AS town, s.postcode AS postcode,
       s.la_name AS la_name, s.profile_contact AS contact,
       s.profile_ico_registration AS ico_registration, s.profile_dpo_name AS dpo_name,
       s.profile_dpo_contact AS dpo_contact, s.profile_updated_at AS profile_updated_at,
       s.profile_audit_id AS profile_audit_id
