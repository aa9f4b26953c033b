-- Systems that push cases to Duban (a 12345 hotline platform, Open311 clients), each
-- with its own API key, stored by its SHA-256 like session tokens.
CREATE TABLE api_clients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- A case's number in another system (a 12345 work order number, an import row's
-- transfer number): one case per number and system, written with the case.
CREATE TABLE external_refs (
    system TEXT NOT NULL,
    external_id TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (system, external_id)
);
CREATE INDEX external_refs_case ON external_refs (case_id);
