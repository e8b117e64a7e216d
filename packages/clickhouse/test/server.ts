/** Test servers: the package's own server helper under the names the tests use. */
export { freePort, haveClickHouse, startClickHouseServer as startServer, type ClickHouseServer as TestServer } from "../src/server.ts";
