import { requestFrame } from "./wire.js";

const CLIENT_ID = Buffer.from("botwot-local-servers-probe");

/** Sends one Kafka request (non-flexible header v1) and returns the response after its correlation id. */
async function kafkaRequest(port: number, apiKey: number, apiVersion: number, body: Buffer, timeoutMs: number): Promise<Buffer> {
  const header = Buffer.alloc(4 + 2 + 2 + 4 + 2);
  header.writeInt32BE(header.length - 4 + CLIENT_ID.length + body.length, 0);
  header.writeInt16BE(apiKey, 4);
  header.writeInt16BE(apiVersion, 6);
  header.writeInt32BE(7, 8); // correlation id
  header.writeInt16BE(CLIENT_ID.length, 12);
  const frame = await requestFrame(port, Buffer.concat([header, CLIENT_ID, body]), (h) => 4 + h.readInt32BE(0), timeoutMs);
  if (frame.length < 8 || frame.readInt32BE(4) !== 7) throw new Error("unexpected Kafka response");
  return frame.subarray(8);
}

/**
 * Metadata v0 (all topics): how many brokers the cluster reports. A KRaft broker only
 * answers once it is registered and unfenced.
 */
export async function kafkaBrokerCount(port: number, timeoutMs = 2000): Promise<number> {
  const allTopics = Buffer.alloc(4); // empty topic array = all topics in v0
  const response = await kafkaRequest(port, 3, 0, allTopics, timeoutMs);
  return response.readInt32BE(0);
}

/**
 * FindCoordinator v1 for a consumer group (keyType 0) or a transactional id (keyType 1).
 * The first call creates __consumer_offsets / __transaction_state; returns the error code (0 = found).
 */
export async function kafkaFindCoordinator(port: number, key: string, keyType: 0 | 1, timeoutMs = 2000): Promise<number> {
  const k = Buffer.from(key);
  const body = Buffer.alloc(2 + k.length + 1);
  body.writeInt16BE(k.length, 0);
  k.copy(body, 2);
  body.writeInt8(keyType, 2 + k.length);
  const response = await kafkaRequest(port, 10, 1, body, timeoutMs);
  return response.readInt16BE(4); // after throttle_time_ms
}

/**
 * Ready = the broker answers metadata AND both the group and the transaction coordinators
 * are available, so the first consumer group join / transactional producer does not stall.
 */
export async function kafkaReady(port: number): Promise<boolean> {
  if ((await kafkaBrokerCount(port)) < 1) return false;
  const group = await kafkaFindCoordinator(port, "botwot-local-servers-probe", 0);
  const txn = await kafkaFindCoordinator(port, "botwot-local-servers-probe", 1);
  return group === 0 && txn === 0;
}
