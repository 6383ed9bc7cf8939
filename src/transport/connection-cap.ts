import type { Server, Socket } from 'node:net';

/**
 * At most `max` TCP connections open from one client address (HTTP keep-alive, Socket.IO,
 * slow bodies alike), counted over all `servers` (HTTP and HTTPS): one more is closed at once,
 * before a byte of it is read (or a TLS handshake made), so a single device cannot hold the
 * server's sockets and file descriptors.
 */
export function capConnectionsPerAddress(servers: readonly Server[], max: number, refused: (address: string, open: number) => void): void {
  const open = new Map<string, number>();
  const admit = (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = open.get(address) ?? 0;
    if (count >= max) {
      refused(address, count);
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  };
  for (const server of servers) server.on('connection', admit);
}
