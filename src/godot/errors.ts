/**
 * The error type of the Godot API layer.
 *
 * @module
 */

/**
 * The names of Godot's `Error` values that this API reports.
 *
 * - `FAILED`: the core refused the operation (Godot returns `FAILED` there too).
 * - `ERR_UNAVAILABLE`: nothing to return (no packet queued), or a feature that is not built.
 * - `ERR_UNCONFIGURED`: the connection has no host, or the peer is no longer active.
 * - `ERR_INVALID_PARAMETER`: a parameter Godot would reject; thrown as `ENetError` only
 *   where the value is well-formed but unusable in context (argument shape and range
 *   errors are `TypeError` and `RangeError`).
 * - `ERR_ALREADY_IN_USE`: the connection already has a host, or already has peers.
 * - `ERR_CANT_CREATE`: the host's socket could not be opened.
 * - `ERR_CANT_CONNECT`: no free peer slot, or the address did not resolve.
 * - `ERR_CANT_RESOLVE`: a host name did not resolve to any address.
 */
export type ENetErrorName =
  | "FAILED"
  | "ERR_UNAVAILABLE"
  | "ERR_UNCONFIGURED"
  | "ERR_INVALID_PARAMETER"
  | "ERR_ALREADY_IN_USE"
  | "ERR_CANT_CREATE"
  | "ERR_CANT_CONNECT"
  | "ERR_CANT_RESOLVE";

/**
 * An error carrying the name of the Godot `Error` value that Godot's ENet module returns
 * (or prints) in the same situation.
 *
 * The rule across the API: a wrong argument type throws `TypeError`, a value out of range
 * throws `RangeError`, and a call that is well-formed but impossible in the current state
 * (no host yet, peer gone, socket not bindable, no free slot) throws `ENetError`. Async
 * methods reject with the same errors. Messages read "Cannot X: detail".
 *
 * @example Tell a state error by its Godot name
 * ```ts
 * import assert from "node:assert/strict";
 * import { ENetConnection, ENetError } from "../../mod.ts";
 *
 * const connection = new ENetConnection();
 * assert.throws(() => connection.flush(), (error: unknown) =>
 *   error instanceof ENetError && error.code === "ERR_UNCONFIGURED");
 * ```
 */
export class ENetError extends Error {
  /** Godot's name for the error, such as `"ERR_UNCONFIGURED"`. */
  readonly code: ENetErrorName;

  /**
   * Creates an error.
   *
   * @param code Godot's name for the error.
   * @param message What failed and why, as "Cannot X: detail".
   * @param options The underlying cause, if any.
   *
   * @example Create and inspect an error
   * ```ts
   * import assert from "node:assert/strict";
   * import { ENetError } from "./errors.ts";
   *
   * const error = new ENetError("ERR_CANT_CREATE", "Cannot create host: port in use");
   * assert.equal(error.code, "ERR_CANT_CREATE");
   * assert.equal(error.name, "ENetError");
   * ```
   */
  constructor(code: ENetErrorName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ENetError";
    this.code = code;
  }
}
