/**
 * The versions the program reports: supervisord's package version and the
 * version of the XML-RPC API that servers offer and clients expect.
 *
 * Python counterpart: supervisor/version.txt and
 * supervisor/rpcinterface.py (`API_VERSION`).
 * @module
 */

/** The package version `supervisord -v` prints and `getSupervisorVersion` answers (SURFACE GEN.version). */
export const SUPERVISOR_VERSION = "4.2.5";

/** The XML-RPC API version: what `getAPIVersion` answers and the only one supervisorctl talks to (GEN.apiversion). */
export const API_VERSION = "3.0";
