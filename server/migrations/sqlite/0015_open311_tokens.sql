-- `GET tokens/{token}` finds an Open311 request by its token (its external id).
CREATE INDEX open311_requests_token ON open311_requests (external_id);
