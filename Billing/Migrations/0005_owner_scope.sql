-- Tenancy: 'owner' is the platform operator's scope; 'admin' is confined to the key's own organization.
ALTER TABLE api_keys DROP CONSTRAINT IF EXISTS api_keys_scopes_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scopes_check
    CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['inference', 'admin', 'owner']);

-- Before roles existed every admin key administered every organization; the bootstrap key (the operator's, made
-- by the first start) keeps that power as 'owner', other admin keys become admins of their own organization.
UPDATE api_keys SET scopes = scopes || ARRAY['owner']
WHERE name = 'bootstrap admin' AND 'admin' = ANY (scopes) AND NOT 'owner' = ANY (scopes)
  AND project_id IN (SELECT p.id FROM projects p JOIN organizations o ON o.id = p.organization_id
                     WHERE p.name = 'default' AND o.name = 'default');
