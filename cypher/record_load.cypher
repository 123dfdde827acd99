// Remember a load: one node per distinct input (loader + content hash), so reloading the same
// file adds nothing.
MERGE (l:Load {id: $id})
ON CREATE SET l += $props
