"""The declared model (node kinds, flow fields, item taxonomy) as YAML, validated on load."""
