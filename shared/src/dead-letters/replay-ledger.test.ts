import { fakeLedger } from './dead-letters.fixture.js';
import { describeReplayLedgerContract } from './replay-ledger.contract.js';

// the Mongo ledger passes the same contract on the real stack (tests/src/dead-letter-replay.integration.test.ts)
describeReplayLedgerContract('in memory', () => fakeLedger());
