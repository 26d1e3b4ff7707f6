-- A project's monthly budget in USD (NULL: none) and the share of it that raises an alert (NULL: no alert).
ALTER TABLE projects
    ADD COLUMN monthly_budget_usd numeric(18,6) CHECK (monthly_budget_usd > 0),
    ADD COLUMN budget_alert_ratio numeric(7,6)  CHECK (budget_alert_ratio > 0 AND budget_alert_ratio <= 1);

-- One row per project and UTC month whose spend crossed the alert ratio: the primary key makes the alert (audit row
-- and log line) happen once per month, also when several replicas see the crossing at the same time.
CREATE TABLE project_budget_alerts (
    project_id  bigint        NOT NULL REFERENCES projects (id),
    month       date          NOT NULL,
    spend_usd   numeric(24,6) NOT NULL,
    budget_usd  numeric(18,6) NOT NULL,
    alert_ratio numeric(7,6)  NOT NULL,
    created_at  timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, month)
);
