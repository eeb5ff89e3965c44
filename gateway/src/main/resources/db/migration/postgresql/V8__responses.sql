-- Responses API: responses kept for GET /v1/responses/{id} and previous_response_id, per org, pruned by age.
CREATE TABLE responses (
    org_id       TEXT    NOT NULL,
    id           TEXT    NOT NULL,
    created_ms   BIGINT  NOT NULL,
    response     TEXT    NOT NULL,
    conversation TEXT    NOT NULL,
    PRIMARY KEY (org_id, id)
);

CREATE INDEX responses_created ON responses (created_ms);
