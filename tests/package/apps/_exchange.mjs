// Shared by the apps: one client and one server on loopback exchange a packet.
// Takes the package's exports, so the same code serves the ESM and CJS apps.

/**
 * Connects a client to a server on 127.0.0.1 (port 0), sends `text` reliably on
 * channel 1, and returns what the server received.
 */
export async function exchange(enet, text, setup = () => undefined) {
  const { ENetConnection, ENetPacketPeer } = enet;
  const server = new ENetConnection();
  const client = new ENetConnection();
  await server.createHostBound("127.0.0.1", 0, 4, 2);
  await client.createHostBound("127.0.0.1", 0, 1, 2);
  try {
    await setup(server, client);
    const peer = await client.connectToHost("127.0.0.1", server.getLocalPort(), 2);
    const until = async (connection, type) => {
      for (let i = 0; i < 500; i++) {
        const event = await connection.service(20);
        if (event[0] === type) return event;
      }
      throw new Error("no event " + type);
    };
    await Promise.all([
      until(server, ENetConnection.EVENT_CONNECT),
      until(client, ENetConnection.EVENT_CONNECT),
    ]);
    peer.send(1, new TextEncoder().encode(text), ENetPacketPeer.FLAG_RELIABLE);
    const [, from, , channel] = await until(server, ENetConnection.EVENT_RECEIVE);
    return `${channel}:${new TextDecoder().decode(from.getPacket())}`;
  } finally {
    await client.destroy();
    await server.destroy();
  }
}

/** Runs `action` and returns the error it throws as { name, code, message }, or null. */
export async function failure(action) {
  try {
    await action();
    return null;
  } catch (error) {
    return { name: error.name, code: error.code, message: error.message };
  }
}
