/**
 * One XML-RPC call over a unix socket or 127.0.0.1 port for the
 * differential tests, with our codec: the decoded value, or the fault.
 *
 * Python counterpart: none (test support).
 * @module
 */

import {
  decodeMethodResponse,
  encodeMethodCall,
  type MethodResponse,
  type XmlRpcValue,
} from "../src/rpc/xmlrpc_codec.ts";
import { rawHttp, rpcRequest, type Target } from "./_raw_http.ts";

/** Calls `method` at `target`; throws when the answer is not HTTP 200. */
export async function rpcCall(target: Target, method: string, params: XmlRpcValue[] = []): Promise<MethodResponse> {
  const reply = await rawHttp(target, rpcRequest(encodeMethodCall(method, params)), { timeoutMs: 10_000 });
  if (reply.status !== 200) throw new Error(`${method}: HTTP ${reply.status}\n${reply.head}`);
  return decodeMethodResponse(Buffer.from(reply.body, "latin1"));
}
