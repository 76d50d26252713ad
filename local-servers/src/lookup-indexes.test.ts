import { describe, expect, it } from "vitest";
import { lookupIndexName } from "./lookup-indexes.js";

describe("lookupIndexName", () => {
  it("names the index after FerretDB's table and the field, in lower case, ending in _gin", () => {
    expect(lookupIndexName("workflow_executions_7927d922", "workflowId")).toBe("workflow_executions_7927d922_workflowid_gin");
    expect(lookupIndexName("workflows_1a2b3c4d", "_id")).toBe("workflows_1a2b3c4d__id_gin");
  });

  it("stays within PostgreSQL's 63-character identifiers and keeps the field part when the table name is long", () => {
    const name = lookupIndexName(`${"x".repeat(54)}_0badf00d`, "executionId");
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name.endsWith("_executionid_gin")).toBe(true);
  });
});
