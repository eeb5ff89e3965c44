-- Budget rules created through /governance/budgets (the configuration file's rules are not stored here),
-- each as the JSON it was validated from.
CREATE TABLE budgets (
    name       TEXT    PRIMARY KEY,
    org_id     TEXT,
    definition TEXT    NOT NULL,
    updated_ms INTEGER NOT NULL
);

-- Counter resets (POST /api/token-usage/reset/{agent}): re-seeding a counter from the ledger at start
-- subtracts the usage the ledger held for it when it was reset, so a restart does not undo the reset.
CREATE TABLE budget_resets (
    counter_key TEXT    PRIMARY KEY,
    used_before INTEGER NOT NULL,
    reset_ms    INTEGER NOT NULL,
    actor       TEXT    NOT NULL
);
