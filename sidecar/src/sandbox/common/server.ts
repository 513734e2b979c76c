import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';

export interface RunningServer {
  server: Server;
  /** http://host:port (no trailing slash). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Listens on `port` (0 = any free port) and tracks sockets, so close() also ends connections a fault
 * left hanging or a keep-alive client left open.
 */
export function listen(handler: RequestListener, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  const server = createServer(handler);
  server.keepAliveTimeout = 5_000;
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (!address || typeof address === 'string') return reject(new Error('sandbox server has no TCP address'));
      resolve({
        server,
        port: address.port,
        url: `http://${host}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
