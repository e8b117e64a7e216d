import { registerNormalizer } from "./index.ts";

/**
 * Generic JSON (`_json`), often ECS documents (Elastic Agent/Beats exports, the EQL tutorial's
 * data): CIM names as aliases of the ECS fields, so SPL-style names work on ECS data too.
 * Aliases to fields a document does not have simply resolve to nothing.
 */
registerNormalizer({
  matches: (st) => st === "_json",
  aliases: {
    src_ip: "source.ip",
    src_port: "source.port",
    dest_ip: "destination.ip",
    dest_port: "destination.port",
    transport: "network.transport",
    process_name: "process.name",
    process_path: "process.executable",
    process_id: "process.pid",
    parent_process_name: "process.parent.name",
    parent_process_path: "process.parent.executable",
    parent_process_id: "process.parent.pid",
    user: "user.name",
    dest: "host.name",
    action: "event.action",
    signature_id: "event.code",
    uri: "url.original",
    http_method: "http.request.method",
    status: "http.response.status_code",
    http_user_agent: "user_agent.original",
    query: "dns.question.name",
  },
});
