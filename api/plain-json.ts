/**
 * A route's answers serialized by JSON.stringify alone, for the handheld's hot routes (claim, scan-confirm): the zod
 * serializer encodes the whole answer against its schema first (a task with its lines: about as much CPU per answer
 * as the route's own code, issue 19). Only for answers the domain builds field by field (toTaskView, problems), so
 * the schema stays the contract in the OpenAPI document; test/floor/round-trips.test.ts checks the answers still
 * equal their schema's parse.
 */
export const plainJsonSerializer = () => (data: unknown) => JSON.stringify(data);
