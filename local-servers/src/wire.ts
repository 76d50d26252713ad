import net from "node:net";

/**
 * Sends one request over a fresh TCP connection and returns the first length-prefixed
 * response frame. `frameLength(header)` tells the total frame size from its first 4 bytes.
 */
export function requestFrame(
  port: number,
  request: Buffer,
  frameLength: (first4: Buffer) => number,
  timeoutMs = 2000,
  host = "127.0.0.1",
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host });
    let received = Buffer.alloc(0);
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no response from ${host}:${port} within ${timeoutMs} ms`)));
    socket.once("error", fail);
    socket.once("close", () => reject(new Error(`connection to ${host}:${port} closed before a full response`)));
    socket.once("connect", () => socket.write(request));
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const total = frameLength(received.subarray(0, 4));
      if (received.length >= total) {
        socket.destroy();
        resolve(received.subarray(0, total));
      }
    });
  });
}
