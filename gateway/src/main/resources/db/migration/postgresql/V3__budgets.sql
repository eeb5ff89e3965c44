-- Budget rules created through /governance/budgets, each as the JSON it was validated from.
CREATE TABLE budgets (
    name       TEXT   PRIMARY KEY,
    org_id     TEXT,
    definition TEXT   NOT NULL,
    updated_ms BIGINT NOT NULL
);

-- Counter resets: re-seeding a counter from the ledger subtracts the usage it held when it was reset.
CREATE TABLE budget_resets (
    counter_key TEXT   PRIMARY KEY,
    used_before BIGINT NOT NULL,
    reset_ms    BIGINT NOT NULL,
    actor       TEXT   NOT NULL
);
