// Replace a school's profile (graph/profile.py, `set_profile`): every field is written, a null
// removes it. Only these School properties: never a flow, a source or another node.
MATCH (s:School {id: 'school:' + $urn})
SET s.profile_contact = $contact,
    s.profile_ico_registration = $ico_registration,
    s.profile_dpo_name = $dpo_name,
    s.profile_dpo_contact = $dpo_contact,
    s.profile_updated_at = $updated_at,
    s.profile_audit_id = $audit_id
RETURN s.urn AS urn
