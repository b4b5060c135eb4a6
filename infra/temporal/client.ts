import { Client, Connection } from '@temporalio/client';

export interface TemporalClientHandle {
  client: Client;
  /**
   * A second connection without the SDK's retry interceptor, for health probes: a probe must
   * answer quickly and honestly, and must leave no retry timers behind when the process stops.
   */
  probe: Connection;
  close(): Promise<void>;
}

export function createProbeConnection(address: string): Connection {
  return Connection.lazy({ address, interceptors: [], connectTimeout: '3s' });
}

export async function connectTemporalClient(
  address: string,
  namespace: string,
): Promise<TemporalClientHandle> {
  const connection = await Connection.connect({ address, connectTimeout: '10s' });
  const probe = createProbeConnection(address);
  const client = new Client({ connection, namespace });
  return {
    client,
    probe,
    close: async () => {
      await probe.close();
      await connection.close();
    },
  };
}
