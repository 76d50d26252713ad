import { requestFrame } from "./wire.js";

/** Builds the BSON document {hello: 1, $db: "admin"}. */
function helloDocument(): Buffer {
  const parts = [
    Buffer.from([0x10]), Buffer.from("hello\0"), int32(1),
    Buffer.from([0x02]), Buffer.from("$db\0"), int32(6), Buffer.from("admin\0"),
    Buffer.from([0x00]),
  ];
  const content = Buffer.concat(parts);
  return Buffer.concat([int32(content.length + 4), content]);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
}

/** Sends a `hello` command as OP_MSG and returns true when the server answers ok: 1. */
export async function mongoHello(port: number, host = "127.0.0.1", timeoutMs = 2000): Promise<boolean> {
  const doc = helloDocument();
  const header = Buffer.alloc(16 + 4 + 1);
  header.writeInt32LE(header.length + doc.length, 0); // messageLength
  header.writeInt32LE(1, 4); // requestID
  header.writeInt32LE(0, 8); // responseTo
  header.writeInt32LE(2013, 12); // OP_MSG
  header.writeUInt32LE(0, 16); // flagBits
  header.writeUInt8(0, 20); // section kind 0: body
  const reply = await requestFrame(port, Buffer.concat([header, doc]), (h) => h.readInt32LE(0), timeoutMs, host);
  if (reply.readInt32LE(12) !== 2013) return false;
  // Top-level field "ok" as a double (type 0x01) in the reply body.
  const at = reply.indexOf(Buffer.from([0x01, 0x6f, 0x6b, 0x00]), 21);
  return at > 0 && reply.readDoubleLE(at + 4) === 1;
}
