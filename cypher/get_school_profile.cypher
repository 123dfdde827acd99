// A school's profile (graph/profile.py): what the school itself states for its record of
// processing (contact, ICO registration number, data protection officer), with when and by
// which audit entry it was last changed. Null fields were never stated.
MATCH (s:School {id: 'school:' + $urn})
RETURN s.urn AS urn, s.name AS name, s.profile_contact AS contact,
       s.profile_ico_registration AS ico_registration, s.profile_dpo_name AS dpo_name,
       s.profile_dpo_contact AS dpo_contact, s.profile_updated_at AS updated_at,
       s.profile_audit_id AS audit_id
