-- What an Open311 GeoReport v2 request carried besides the case it became: the service
-- it was filed under and its media link. Keyed like the case's external reference
-- (`external_refs`), and written just before the case: a row whose case never came
-- (the database failed in between) is never listed, since listing joins the case.
CREATE TABLE open311_requests (
    system TEXT NOT NULL,
    external_id TEXT NOT NULL,
    service_code TEXT NOT NULL,
    media_url TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (system, external_id)
);
CREATE INDEX open311_requests_service ON open311_requests (service_code);
