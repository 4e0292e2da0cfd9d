// Row types of raw SQL in tests where the entity rows (domain/*/entities, RowOf) do not say what the query returns.

/** `select payload from outbox …`: the entity types jsonb as unknown; the tests read the event's fields directly. */
export interface EventPayloadRow {
  payload: any;
}

/** `select details from audit_log …`: jsonb (unknown in the entity), read directly by the tests. */
export interface AuditDetailsRow {
  details: any;
}

/** `select count(*) as n …` without ::int: PostgreSQL's bigint count comes back as a string (CountRow is the ::int one). */
export interface TextCountRow {
  n: string;
}
