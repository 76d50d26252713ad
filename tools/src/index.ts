// What the CLI needs from the dead-letter reading, checks and replay lives in @botwot/shared/dead-letters
// (the gateway's /workFlow/dead-letters routes use it too); re-exported here for the tool's callers.
export * from '@botwot/shared/dead-letters';
