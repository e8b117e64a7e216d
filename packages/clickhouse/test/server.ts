/** Test servers: the package's own server helper under the names the tests use. */
import type { Target } from "../src/layout.ts";
import { freePort, startClickHouseServer, type ClickHouseServer } from "../src/server.ts";

export { freePort, haveClickHouse, startClickHouseServer as startServer, type ClickHouseServer as TestServer } from "../src/server.ts";

/** One single-node server and a two-shard cluster of two more, the setup the equality tests run on. */
export interface NodeAndCluster {
  single: ClickHouseServer;
  /** The cluster's two servers; queries go to the first. */
  shards: [ClickHouseServer, ClickHouseServer];
  /** The dataset on each setup, named for test messages: "one node" and "two shards". */
  targets(dataset: string): Array<[string, Target]>;
  stop(): Promise<void>;
}

/** Starts a single node and a two-shard cluster (cluster name "quarry"), all on loopback ports. */
export async function startNodeAndCluster(): Promise<NodeAndCluster> {
  const ports = { aHttp: await freePort(), aTcp: await freePort(), bHttp: await freePort(), bTcp: await freePort() };
  const shards = [ports.aTcp, ports.bTcp];
  const [single, a, b] = await Promise.all([
    startClickHouseServer(),
    startClickHouseServer({ httpPort: ports.aHttp, tcpPort: ports.aTcp, shards }),
    startClickHouseServer({ httpPort: ports.bHttp, tcpPort: ports.bTcp, shards }),
  ]);
  return {
    single,
    shards: [a, b],
    targets: (dataset) => [
      ["one node", { url: single.url, dataset }],
      ["two shards", { url: a.url, dataset, cluster: { name: "quarry", shardUrls: [a.url, b.url] } }],
    ],
    stop: async () => {
      await Promise.all([single.stop(), a.stop(), b.stop()]);
    },
  };
}
