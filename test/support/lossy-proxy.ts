import net from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that can lose the answer to a committed write, as a network fault between the
 * application and the database would: the server has committed, the client never hears so.
 *
 * Armed with a marker, it watches what clients send; once a connection has sent bytes containing the marker, the
 * next server message saying the connection is idle again (ReadyForQuery with status 'I', which PostgreSQL sends
 * only after the statement or the transaction has committed or rolled back) is not forwarded, and the connection
 * is cut both ways. A marker is used once.
 */
export class LossyProxy {
  private readonly sockets = new Set<net.Socket>();
  /** Armed markers, each with how many more connections sending it lose their commit answer. */
  private readonly markers: { marker: Buffer; remaining: number }[] = [];
  /** How many answers were dropped so far. */
  dropped = 0;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<LossyProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new LossyProxy(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (client: net.Socket) => proxy.pipe(client, target));
    return proxy;
  }

  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string {
    const proxied = new URL(url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(this.port);
    return proxied.toString();
  }

  /**
   * Loses the commit answer of the first connection that sends `marker` from now on; with `times`, of the next
   * `times` such connections (each loses one answer and is cut). Several markers may be armed at once.
   */
  dropCommitAfter(marker: string, times = 1): void {
    this.markers.push({ marker: Buffer.from(marker), remaining: times });
  }

  /** Disarms every marker (answers still owed are not dropped). */
  disarm(): void {
    this.markers.length = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pipe(client: net.Socket, target: { host: string; port: number }): void {
    const upstream = net.connect(target.port, target.host);
    this.sockets.add(client).add(upstream);
    let armed = false;
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (!armed) {
        const hit = this.markers.find((m) => m.remaining > 0 && chunk.includes(m.marker));
        if (hit) {
          hit.remaining--;
          armed = true;
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (armed && READY_IDLE.some((pattern) => chunk.includes(pattern))) {
        this.dropped++;
        cut();
        return;
      }
      client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', cut);
      socket.on('close', () => {
        this.sockets.delete(socket);
        cut();
      });
    }
  }
}

/** ReadyForQuery ('Z', length 5) with transaction status idle ('I'). */
const READY_IDLE = [Buffer.from([0x5a, 0, 0, 0, 5, 0x49])];
