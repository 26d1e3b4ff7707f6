-- The stored request id is always the server's own (x-request-id); a client's X-Client-Request-Id is kept apart,
-- as OpenAI does, so a client cannot choose (or collide with) the ids support looks requests up by.
ALTER TABLE usage_events ADD COLUMN client_request_id text;
